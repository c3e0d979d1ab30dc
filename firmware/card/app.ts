import { deriveCardKeys, type CardKeys, type MasterKeys } from './keys.ts';
import {
  APP_SECTORS,
  currentSlot,
  decodeIdentity,
  decodePurse,
  encodeIdentity,
  encodePurse,
  IDENTITY_BLOCKS,
  IDENTITY_SECTOR,
  PURSE_SLOTS,
  pinVerifier,
  type CardIdentity,
  type DecodeResult,
  type PurseState,
} from './layout.ts';
import { CardError, type CardSession, type KeyType } from './session.ts';
import { equalBytes } from '../crypto/cmac.ts';
import { sectorTrailer } from './trailer.ts';
import { currentLevel, currentLevelSlot, decodeLevel, encodeLevel, LEVEL_SLOTS, type LevelSlots } from './level.ts';
import type { LevelState } from './level.ts';

/**
 * The card application v1: read and verify a card, move its purse to a new
 * state with the two-slot write and read-back, issue a blank card. Every
 * outcome is a value; a CardError never escapes.
 */
export interface CardImage {
  readonly uid: Uint8Array;
  /** cardClass is the member level's when the card holds one (level.ts), else the class it was issued with. */
  readonly identity: CardIdentity;
  /** The two member-level slots as read (level.ts); absent when this tap did not read them (readsLevels). */
  readonly levels?: LevelSlots;
  readonly slots: readonly [DecodeResult<PurseState>, DecodeResult<PurseState>];
  readonly current: 0 | 1;
  readonly purse: PurseState;
}

export type ReadFailure = 'removed' | 'auth-failed' | 'not-issued' | 'forged' | 'transport';
export type ReadResult =
  | { ok: true; card: CardImage; keys: CardKeys }
  | { ok: false; reason: ReadFailure; problem: string };

/**
 * written     — read back and verified: the card holds `next`.
 * not-written — the slot holding the MAC was never touched: the card still holds the old state.
 * uncertain   — the card left during or after the last block: it holds the old or the new
 *               state; only the next read of this card can tell (by its counter).
 */
export type WriteOutcome =
  | { kind: 'written' }
  | { kind: 'not-written'; problem: string }
  | { kind: 'uncertain'; problem: string };

function authenticate(session: CardSession, keys: CardKeys, sector: number, keyType: KeyType): Promise<void> {
  return session.authenticate(sector, keyType, keyType === 'A' ? keys.keyA(sector) : keys.keyB(sector));
}

/**
 * The card holds this authentication now, says the session (an auth is ~2 ms
 * of card time and two RF round trips). The session is asked, not a memory of
 * our own, so an authentication made by anyone else in between (the re-key
 * check does one) or lost to an error is seen. Only a write uses it: a read
 * authenticates every sector itself, as it is also the check that the
 * current keys open the card.
 */
function holds(session: CardSession, sector: number, keyType: KeyType): boolean {
  const held = session.authenticatedAs?.();
  return held !== null && held !== undefined && held.sector === sector && held.keyType === keyType;
}

export interface CardAppOptions {
  /**
   * A terminal that writes purses (the POS) reads them with key B too (the
   * access bits let key B read, §5 of LAYOUT.md), so when the slot to write is
   * in the sector read last, the write needs no authentication of its own.
   * Other terminals read with key A: a read-only terminal needs no key that can
   * write money.
   */
  writesPurses?: boolean;
  /**
   * Whether this tap reads the member level slots (LAYOUT.md §9) of the card
   * with this number, asked once its identity is verified; absent = always.
   * A READ costs ~2.5 ms of the tap: a site that gives no levels need not pay
   * it, but a tap that may write a level must read them (writeLevel refuses
   * without), since the slot to write is the one not current.
   */
  readsLevels?: (cardNumber: number) => boolean;
}

function failureOf(e: unknown): { reason: ReadFailure; problem: string } {
  if (e instanceof CardError) {
    if (e.code === 'removed') return { reason: 'removed', problem: 'card left the field' };
    if (e.code === 'auth-failed') return { reason: 'auth-failed', problem: 'card keys do not match this system' };
    return { reason: 'transport', problem: e.message };
  }
  throw e; // a bug, not an operating error
}

export class CardApp {
  private readonly purseKey: KeyType;
  private readonly readsLevels: (cardNumber: number) => boolean;

  constructor(
    private readonly master: MasterKeys,
    opts: CardAppOptions = {},
  ) {
    this.purseKey = opts.writesPurses ? 'B' : 'A';
    this.readsLevels = opts.readsLevels ?? (() => true);
  }

  keysFor(uid: Uint8Array): CardKeys {
    return deriveCardKeys(this.master, uid);
  }

  async read(session: CardSession): Promise<ReadResult> {
    const keys = this.keysFor(session.uid);
    try {
      await authenticate(session, keys, IDENTITY_SECTOR, 'A');
      const idA = await session.readBlock(IDENTITY_BLOCKS[0]);
      const idB = await session.readBlock(IDENTITY_BLOCKS[1]);
      const identity = decodeIdentity(idA, idB, session.uid, keys.mac);
      if (!identity.ok)
        return {
          ok: false,
          reason: identity.problem.startsWith('not issued') ? 'not-issued' : 'forged',
          problem: identity.problem,
        };
      const slots: DecodeResult<PurseState>[] = [];
      const levelSlots: DecodeResult<LevelState>[] = [];
      const readsLevels = this.readsLevels(identity.value.cardNumber);
      for (let i = 0; i < PURSE_SLOTS.length; i++) {
        const slot = PURSE_SLOTS[i];
        await authenticate(session, keys, slot.sector, this.purseKey);
        slots.push(
          decodePurse(
            await session.readBlock(slot.blocks[0]),
            await session.readBlock(slot.blocks[1]),
            session.uid,
            keys.mac,
          ),
        );
        // The level slot beside it, in the sector already open: one more read, no more auth. Slot 1 is
        // written only once slot 0 has held a level, so an empty slot 0 spares the tap the read of slot 1.
        if (!readsLevels) continue;
        const first = levelSlots[0];
        const unread = i === 1 && first !== undefined && !first.ok && first.problem === 'empty';
        const block = unread ? null : await session.readBlock(LEVEL_SLOTS[i].block);
        levelSlots.push(block ? decodeLevel(block, session.uid, keys.mac) : { ok: false, problem: 'empty' });
      }
      const pair = [slots[0], slots[1]] as const;
      const current = currentSlot(pair);
      if (current === null)
        return {
          ok: false,
          reason: 'forged',
          problem: `no valid purse slot (${describe(pair[0])}; ${describe(pair[1])})`,
        };
      const purse = (pair[current] as { ok: true; value: PurseState }).value;
      const card: CardImage = { uid: session.uid, identity: identity.value, slots: pair, current, purse };
      if (!readsLevels) return { ok: true, keys, card }; // served as its issue class; `levels` absent: unread
      return { ok: true, keys, card: withLevel(card, [levelSlots[0]!, levelSlots[1]!]) };
    } catch (e) {
      return { ok: false, ...failureOf(e) };
    }
  }

  /**
   * Writes `next` into the slot that is not current, then reads it back.
   * The old slot is never touched, so a tear anywhere leaves the old state valid.
   */
  async writePurse(session: CardSession, card: CardImage, keys: CardKeys, next: PurseState): Promise<WriteOutcome> {
    // Pair assertions: the counter moves by exactly one, and we write the card we read.
    if (next.counter !== card.purse.counter + 1)
      throw new Error(`bug: purse counter must advance by 1 (${card.purse.counter} -> ${next.counter})`);
    if (!equalBytes(session.uid, card.uid)) throw new Error('bug: writing a purse to a different card');
    const target = PURSE_SLOTS[card.current === 0 ? 1 : 0];
    const [blockA, blockB] = encodePurse(next, card.uid, keys.mac);
    try {
      // Often held already: a POS's read ends in the target's sector with key B (CardAppOptions).
      if (!holds(session, target.sector, 'B')) await authenticate(session, keys, target.sector, 'B');
      await session.writeBlock(target.blocks[0], blockA);
    } catch (e) {
      // The MAC lives in the second block, still old: the new slot cannot be valid.
      return { kind: 'not-written', problem: failureOf(e).problem };
    }
    try {
      await session.writeBlock(target.blocks[1], blockB);
      const backA = await session.readBlock(target.blocks[0]);
      const backB = await session.readBlock(target.blocks[1]);
      if (!equalBytes(backA, blockA) || !equalBytes(backB, blockB))
        return { kind: 'uncertain', problem: 'read-back differs from what was written' };
      const back = decodePurse(backA, backB, card.uid, keys.mac);
      if (!back.ok || back.value.counter !== next.counter)
        throw new Error('bug: verified slot does not decode to the written state');
      return { kind: 'written' };
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('bug:')) throw e;
      return { kind: 'uncertain', problem: failureOf(e).problem };
    }
  }

  /**
   * Writes a member level into the level slot that is not current, then reads it back
   * (level.ts). The current slot is never touched: a tear leaves the old level.
   */
  async writeLevel(session: CardSession, card: CardImage, keys: CardKeys, level: LevelState): Promise<WriteOutcome> {
    if (!equalBytes(session.uid, card.uid)) throw new Error('bug: writing a level to a different card');
    // Unread slots: the one not current is unknown, and writing the current one could tear the level away.
    if (!card.levels) return { kind: 'not-written', problem: 'the level slots were not read at this tap' };
    const held = currentLevelSlot(card.levels);
    const target = LEVEL_SLOTS[held === 0 ? 1 : 0];
    const block = encodeLevel(level, card.uid, keys.mac);
    try {
      if (!holds(session, target.sector, 'B')) await authenticate(session, keys, target.sector, 'B');
    } catch (e) {
      return { kind: 'not-written', problem: failureOf(e).problem };
    }
    try {
      await session.writeBlock(target.block, block);
      const back = await session.readBlock(target.block);
      return equalBytes(back, block)
        ? { kind: 'written' }
        : { kind: 'uncertain', problem: 'level read-back differs from what was written' };
    } catch (e) {
      return { kind: 'uncertain', problem: failureOf(e).problem };
    }
  }

  /**
   * Formats a blank (transport-state) card: identity, an initial purse in slot 0,
   * an empty slot 1, then per-card keys and access bits in each application sector.
   * Sectors outside APP_SECTORS stay in transport state for other applications.
   */
  async issue(
    session: CardSession,
    identity: Omit<CardIdentity, 'pinVerifier'>,
    purse: PurseState,
    pin?: string,
  ): Promise<WriteOutcome> {
    const keys = this.keysFor(session.uid);
    const verifier = pin === undefined ? new Uint8Array(4) : pinVerifier(pin, session.uid, keys.mac);
    const transportKey = new Uint8Array(6).fill(0xff);
    const [idA, idB] = encodeIdentity({ ...identity, pinVerifier: verifier }, session.uid, keys.mac);
    const [p0A, p0B] = encodePurse(purse, session.uid, keys.mac);
    const zero = new Uint8Array(16);
    const content: Record<number, Uint8Array[]> = { 1: [idA, idB, zero], 2: [p0A, p0B, zero], 3: [zero, zero, zero] };
    let touched = false;
    try {
      for (const sector of APP_SECTORS) {
        await session.authenticate(sector, 'A', transportKey);
        const blocks = content[sector];
        touched = true;
        for (let i = 0; i < 3; i++) await session.writeBlock(sector * 4 + i, blocks[i]);
        await session.writeBlock(sector * 4 + 3, sectorTrailer(keys, sector));
      }
    } catch (e) {
      // A card that refuses the transport key on the first sector was never touched: issued already, or someone else's.
      if (!touched) return { kind: 'not-written', problem: `card is not blank (${failureOf(e).problem})` };
      return { kind: 'uncertain', problem: failureOf(e).problem };
    }
    // Pair assertion on the way out: the card reads back as what we issued, with its new keys.
    const back = await this.read(session);
    if (!back.ok) return { kind: 'uncertain', problem: `read-back failed: ${back.problem}` };
    if (
      back.card.identity.cardNumber !== identity.cardNumber ||
      back.card.purse.counter !== purse.counter ||
      back.card.purse.balance !== purse.balance
    ) {
      return { kind: 'uncertain', problem: 'read-back differs from what was issued' };
    }
    return { kind: 'written' };
  }
}

function describe(r: DecodeResult<PurseState>): string {
  return r.ok ? `counter ${r.value.counter}` : r.problem;
}

/** The card as the terminal uses it: the current member level, if any, over the issue class. */
export function withLevel(card: CardImage, levels: LevelSlots): CardImage {
  const level = currentLevel(levels);
  const identity = level ? { ...card.identity, cardClass: level.cardClass } : card.identity;
  return { ...card, identity, levels };
}

/** The card after a verified write of `level` into the slot that was not current. */
export function afterLevelWrite(card: CardImage, level: LevelState): CardImage {
  const held = card.levels ? currentLevelSlot(card.levels) : null;
  const written = { ok: true as const, value: level };
  const old =
    card.levels ??
    ([
      { ok: false, problem: 'empty' },
      { ok: false, problem: 'empty' },
    ] as const);
  return withLevel(card, held === 0 ? [old[0], written] : [written, old[1]]);
}
