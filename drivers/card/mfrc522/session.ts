/**
 * The CardSession of a card selected by the MFRC522 reader: what the card
 * application (firmware/card/app.ts) runs on. Maps what the card did to the
 * CardError codes of drivers/card/session.ts:
 *   stops answering      → removed (the session is dead from then on)
 *   wrong key            → auth-failed (told apart from "gone" by re-selecting)
 *   NAK                  → access-denied (the card dropped to IDLE: re-selected before the next auth)
 *   CRC/length/collision → transport
 *   block outside the authenticated sector → not-authenticated, without sending anything
 */
import {
  BLOCK_BYTES,
  BLOCKS_1K,
  CardError,
  KEY_BYTES,
  SECTORS_1K,
  sectorOfBlock,
  trailerBlockOf,
  type CardSession,
  type KeyType,
} from '../session.ts';
import type { Mfrc522Chip } from './chip.ts';
import * as picc from './picc.ts';

/** What a session needs from its reader. */
export interface SessionHost {
  readonly chip: Mfrc522Chip;
  readonly counters: { removals: number; authFailures: number; naks: number; garbled: number };
  /**
   * Runs `fn` alone on the chip if the reader still holds this selection
   * (`generation`); a stale one throws `removed`, a hung chip is reset and
   * reported as `transport`.
   */
  exclusive<T>(generation: number, fn: () => Promise<T>): Promise<T>;
}

export class Mfrc522Session implements CardSession {
  readonly uid: Uint8Array;
  /** ATQA as received (LSB first): 04 00 for a 4-byte UID Classic, 44 00 for 7. */
  readonly atqa: Uint8Array;
  readonly sak: number;
  private dead = false;
  /** The card fell back to IDLE (after a NAK): it needs a re-select before it listens again. */
  private cardIdle = false;
  private authSector: number | null = null;
  private authKeyType: KeyType | null = null;

  constructor(
    private readonly host: SessionHost,
    readonly generation: number,
    selected: picc.Selected,
  ) {
    this.uid = selected.uid;
    this.atqa = selected.atqa;
    this.sak = selected.sak;
  }

  get alive(): boolean {
    return !this.dead;
  }

  async authenticate(sector: number, keyType: KeyType, key: Uint8Array): Promise<void> {
    if (!Number.isInteger(sector) || sector < 0 || sector >= SECTORS_1K)
      throw new CardError('bad-block', `sector ${sector} is not in 0..${SECTORS_1K - 1}`);
    if (key.length !== KEY_BYTES) throw new RangeError(`a key is ${KEY_BYTES} bytes, got ${key.length}`);
    return this.op(async (chip) => {
      if (this.cardIdle) await this.wake();
      this.authSector = null;
      if (await picc.authenticate(chip, keyType, trailerBlockOf(sector), key, this.uid)) {
        this.authSector = sector;
        this.authKeyType = keyType;
        return;
      }
      // Wrong key and a vanished card both end in TimerIRq: a card that answers a re-select is there.
      await this.wake();
      this.host.counters.authFailures++;
      throw new CardError('auth-failed', `sector ${sector} refused key ${keyType}`);
    });
  }

  async readBlock(block: number): Promise<Uint8Array> {
    checkBlock(block);
    return this.op(async (chip) => {
      this.checkAuthenticated(block);
      return this.settle(await picc.readBlock(chip, block), `reading block ${block}`);
    });
  }

  async writeBlock(block: number, data: Uint8Array): Promise<void> {
    checkBlock(block);
    if (data.length !== BLOCK_BYTES)
      throw new CardError('bad-block', `write needs ${BLOCK_BYTES} bytes, got ${data.length}`);
    return this.op(async (chip) => {
      this.checkAuthenticated(block);
      const r = await picc.writeBlock(chip, block, data);
      this.settle(r, `writing block ${block} (phase ${r.phase})`);
    });
  }

  /** HLTA: the card stays silent until it leaves the field or is woken by WUPA. Ends the session. */
  async halt(): Promise<void> {
    if (this.dead) return;
    await this.op(async () => {
      if (this.cardIdle) await this.wake();
      await this.haltHeld();
    });
  }

  /**
   * The body of `halt`, for the reader when it already holds the chip (detect
   * ends the previous session). A card that fell to IDLE after a NAK is left
   * alone: waking it with WUPA could just as well wake a card that left and
   * came back, which is a new tap and must be served.
   */
  async haltHeld(): Promise<void> {
    if (this.dead) return;
    this.dead = true;
    if (!this.cardIdle) await picc.halt(this.host.chip);
  }

  authenticatedAs(): { sector: number; keyType: KeyType } | null {
    if (this.dead || this.authSector === null || this.authKeyType === null) return null;
    return { sector: this.authSector, keyType: this.authKeyType };
  }

  private op<T>(fn: (chip: Mfrc522Chip) => Promise<T>): Promise<T> {
    return this.host.exclusive(this.generation, async () => {
      if (this.dead) throw new CardError('removed', 'card is no longer in the field');
      return fn(this.host.chip);
    });
  }

  private checkAuthenticated(block: number): void {
    if (this.authSector !== sectorOfBlock(block))
      throw new CardError('not-authenticated', `block ${block} is outside the authenticated sector`);
  }

  /** Re-selects this card (WUPA + anticollision + select); a card that does not come back is gone. */
  private async wake(): Promise<void> {
    const r = await picc.reselect(this.host.chip, this.uid);
    if (r.kind === 'garbled') this.garbled(r.problem);
    if (r.kind !== 'ok') this.lost('card did not answer a re-select');
    this.cardIdle = false;
    this.authSector = null;
  }

  private settle<T>(r: picc.PiccOutcome<T>, what: string): T {
    if (r.kind === 'ok') return r.value;
    if (r.kind === 'no-answer') this.lost(`card stopped answering while ${what}`);
    if (r.kind === 'garbled') this.garbled(`${r.problem} while ${what}`);
    // A NAK sends the card to IDLE and ends its authentication.
    this.host.counters.naks++;
    this.cardIdle = true;
    this.authSector = null;
    throw new CardError('access-denied', `card refused ${what} (NAK 0x${(r as { code: number }).code.toString(16)})`);
  }

  private lost(problem: string): never {
    this.dead = true;
    this.host.counters.removals++;
    throw new CardError('removed', problem);
  }

  private garbled(problem: string): never {
    this.host.counters.garbled++;
    throw new CardError('transport', problem);
  }
}

function checkBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= BLOCKS_1K)
    throw new CardError('bad-block', `block ${block} is not in 0..${BLOCKS_1K - 1}`);
}
