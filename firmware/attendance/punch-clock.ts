import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { CardRules } from '../policy/policy.ts';
import type { Credential } from '../policy/credential.ts';
import { decidePunch, type PunchType, type PunchVerdict, punchTypeForKey } from './punch.ts';
import type { PunchStore } from './punch-store.ts';

/**
 * The attendance role's app: a key chooses the next punch's type (F1 in,
 * F2 out, F3 break; `in` until one is pressed, and again after each punch),
 * a tap decides it (./punch.ts) and a punch is journaled before the beep
 * (the store's durable append). A duplicate is shown, never stored.
 */
export interface PunchClockDeps {
  store: PunchStore;
  cardRules: CardRules;
  blacklisted(cardNumber: number): boolean;
  nameOf(cardNumber: number): string | null;
  duplicateWindowMs: number;
  utcOffsetMinutes: number;
  clock: Clock;
  log: Logger;
}

export class PunchClock {
  private chosen: PunchType | null = null;

  constructor(private readonly d: PunchClockDeps) {}

  /** A key before the tap; a wrong key is a message and changes nothing. */
  key(key: string): { ok: true; type: PunchType } | { ok: false; message: string } {
    const r = punchTypeForKey(key);
    if (r.ok) this.chosen = r.type;
    return r;
  }

  /** A card at the reader; `readerType` when the reader itself says in or out (one by each door). */
  tap(credential: Credential, readerType: PunchType | null = null): PunchVerdict {
    const type = readerType ?? this.chosen ?? 'in';
    const via = readerType !== null ? 'reader' : 'key';
    const v = decidePunch(credential, type, via, {
      cardRules: this.d.cardRules,
      blacklisted: (n) => this.d.blacklisted(n),
      nameOf: (n) => this.d.nameOf(n),
      lastPunch: (n) => this.d.store.lastPunch(n),
      duplicateWindowMs: this.d.duplicateWindowMs,
      utcOffsetMinutes: this.d.utcOffsetMinutes,
      nowMs: this.d.clock.nowMs(),
    });
    if (v.kind === 'punch') {
      const rec = this.d.store.append(v.body);
      this.chosen = null;
      this.d.log.info('punch', { seq: rec.seq, card: v.body.cardNumber, type: v.body.type });
    } else if (v.kind === 'duplicate') this.d.log.info('punch.duplicate', { card: v.cardNumber, type: v.type });
    else this.d.log.info('punch.refused', { card: v.cardNumber, reason: v.reason });
    return v;
  }
}
