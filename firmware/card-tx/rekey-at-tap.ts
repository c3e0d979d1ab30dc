import { CardApp, type CardAppOptions, type ReadResult } from '../card/app.ts';
import { sharedMacProblem, type KeyRing } from '../card/key-ring.ts';
import { rekeyCard } from '../card/rekey.ts';
import { deriveCardKeys } from '../card/keys.ts';
import { IDENTITY_SECTOR } from '../card/layout.ts';
import { CardError, type CardSession } from '../card/session.ts';
import type { Logger } from '../core/log.ts';
import type { Journal } from '../store/journal/journal.ts';
import { hex, KIND } from './records.ts';

/**
 * The card application of a terminal during a key rollover (洗卡 at any terminal): it holds the current
 * and the previous key version, and a card its current keys do not open is re-keyed in place on the
 * tap path, before the sale (or door, punch, top-up) the tap is for, then read as usual. Every role
 * that reads cards through the terminal's CardApp gets it.
 *
 * Torn-write safe by the re-key's own design (firmware/card/rekey.ts): only trailers are written, and a
 * cut anywhere leaves a card the next tap at any terminal holding both versions finishes. A cut tap
 * reads as "card left the field" (tap again); the finished re-key is journaled as `card.rekeyed`
 * (durable before the card is used), no money having moved.
 *
 * The data MACs do not roll over (sharedMacProblem): both versions carry the same cardMac, so a re-keyed
 * card reads with the current set as it is.
 */
export class RekeyingCardApp extends CardApp {
  constructor(
    private readonly ring: KeyRing & { previous: NonNullable<KeyRing['previous']> },
    private readonly journal: Journal,
    private readonly log: Logger,
    opts: CardAppOptions = {},
  ) {
    super(ring.current.keys, opts);
    const problem = sharedMacProblem(ring.current.keys, ring.previous.keys);
    if (problem !== null) throw new Error(`key ring: ${problem}`);
  }

  /**
   * A card that reads with the current keys is done when key B of its identity sector is current too: the
   * re-key writes that trailer last, and a cut inside it after key A (bytes 0–5) landed leaves key A new
   * and key B not. So during a rollover a tap costs one authentication more; otherwise nothing.
   */
  override async read(session: CardSession): Promise<ReadResult> {
    const first = await super.read(session);
    if (!first.ok && first.reason !== 'auth-failed') return first;
    if (first.ok) {
      const done = await this.identityKeyBCurrent(session);
      if (done !== false) return done === true ? first : done;
    }
    const outcome = await rekeyCard(session, this.ring);
    switch (outcome.kind) {
      case 'current':
        return first; // key B opens everything with the current version: nothing a re-key can do
      case 'refused':
        // A card that reads and works is served: only its identity key B is past repair (the desk re-issues it).
        this.log.warn('card.rekey-refused', { uid: hex(session.uid), reason: outcome.reason });
        return first.ok ? first : { ok: false, reason: 'auth-failed', problem: outcome.reason };
      case 'uncertain':
        this.log.warn('card.rekey-cut', { uid: hex(session.uid), problem: outcome.problem });
        return { ok: false, reason: 'removed', problem: `re-keying cut short (${outcome.problem}): tap again` };
      case 'rekeyed': {
        // Pair assertion: the card now reads with the current keys, its data (and so its money) as before.
        const again = await super.read(session);
        if (again.ok && first.ok && again.card.purse.counter !== first.card.purse.counter)
          throw new Error('bug: a re-key changed the purse');
        const cardNumber = again.ok ? again.card.identity.cardNumber : null;
        const body = {
          cardNumber,
          uid: hex(session.uid),
          fromKeyVersion: outcome.fromKeyVersion,
          toKeyVersion: outcome.toKeyVersion,
          sectors: [...outcome.sectors],
        };
        this.journal.append(KIND.rekeyed, body, cardNumber !== null ? { card: cardNumber } : {});
        this.log.info('card.rekeyed', body);
        return again;
      }
    }
  }

  /** true: key B of the identity sector is current; false: it is not; a read failure when the card left. */
  private async identityKeyBCurrent(session: CardSession): Promise<boolean | ReadResult> {
    try {
      await session.authenticate(
        IDENTITY_SECTOR,
        'B',
        deriveCardKeys(this.ring.current.keys, session.uid).keyB(IDENTITY_SECTOR),
      );
      return true;
    } catch (e) {
      if (e instanceof CardError && e.code === 'auth-failed') return false;
      return readFailure(e);
    }
  }
}

function readFailure(e: unknown): ReadResult {
  if (e instanceof CardError && e.code === 'removed')
    return { ok: false, reason: 'removed', problem: 'card left the field' };
  if (e instanceof CardError) return { ok: false, reason: 'transport', problem: e.message };
  throw e; // a bug, not an operating error
}

/** The terminal's card application: re-keying on the tap path while the key file holds a previous version. */
export function cardAppFor(ring: KeyRing, journal: Journal, log: Logger, opts: CardAppOptions = {}): CardApp {
  const previous = ring.previous;
  if (previous === null) return new CardApp(ring.current.keys, opts);
  return new RekeyingCardApp({ ...ring, previous }, journal, log, opts);
}
