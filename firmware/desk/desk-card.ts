import type { CardApp, CardImage } from '../card/app.ts';
import type { CardKeys } from '../card/keys.ts';
import type { CardSession } from '../card/session.ts';
import { applyPendingCredits, type CreditSource } from '../card-tx/credits-at-tap.ts';
import type { CardTransactions, SettledIntent } from '../card-tx/card-tx.ts';
import { hex } from '../card-tx/records.ts';
import { cardDay, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { formatCents } from '../core/money.ts';
import { policyContextFor } from '../policy/context.ts';
import { decide, type PolicyContext, type PolicyRules } from '../policy/policy.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { DeskResult, Resume } from './desk-machine.ts';

/** What the desk works with: the terminal's stores, card application and money rules. */
export interface DeskDeps {
  journal: Journal;
  tx: CardTransactions;
  cards: CardApp;
  credits: CreditSource;
  blacklisted(cardNumber: number): boolean;
  rules: PolicyRules;
  utcOffsetMinutes: number;
  clock: Clock;
  log: Logger;
}

export type ReadCard =
  | { ok: true; card: CardImage; keys: CardKeys; settled: SettledIntent[] }
  | { ok: false; result: DeskResult };

/** How the desk reads a card before any operation: as every money terminal does (DeskApp, desk.ts). */
export class DeskCards {
  constructor(private readonly d: DeskDeps) {}

  /** Reads the card, settles its open writes and lands its pending credits, as every money terminal does first. */
  async readAndLoad(session: CardSession, resume: Resume): Promise<ReadCard> {
    const read = await this.d.cards.read(session);
    if (!read.ok)
      return { ok: false, result: { kind: 'refused', detail: `card not read (${read.reason}): ${read.problem}` } };
    const settled = this.d.tx.settleOpen(read.card);
    const credit = await applyPendingCredits(
      this.d.credits,
      this.d.tx,
      (card, req) => decide(this.context(card), req),
      session,
      read.card,
      read.keys,
      this.today(),
    );
    if (credit.kind === 'cut')
      return {
        ok: false,
        result: { kind: 'cut', uid: hex(session.uid), resume, problem: 'card left while its credits were written' },
      };
    return { ok: true, card: credit.card, keys: read.keys, settled };
  }

  context(card: CardImage): PolicyContext {
    const lookups = { blacklisted: this.d.blacklisted, lastSeenCounter: (n: number) => this.d.tx.lastSeenCounter(n) };
    return policyContextFor(card, lookups, this.today(), this.d.rules);
  }

  today(): number {
    return cardDay(this.d.clock.nowMs(), this.d.utcOffsetMinutes);
  }

  /**
   * What became of a cut write (its intent seq) now that its card was read:
   * landed, not (aborted, or settled not-landed: write again), or still open —
   * the card moved on elsewhere twice, so only the backend can tell: doing it
   * again could move the money twice.
   */
  earlierWrite(read: Extract<ReadCard, { ok: true }>, seq: number | null): 'landed' | 'not' | 'open' {
    if (seq === null) return 'not';
    if (read.settled.some((s) => s.intent.seq === seq && s.outcome === 'landed')) return 'landed';
    const open = this.d.tx.openIntents(read.card.identity.cardNumber).some((r) => r.seq === seq);
    return open ? 'open' : 'not';
  }
}

/** The purse as the desk shows it to the holder. */
export function purseLine(card: Pick<CardImage, 'purse'>): string {
  const p = card.purse;
  return `balance ${formatCents(p.balance)}, subsidy ${formatCents(p.subsidy)}, total ${formatCents(p.balance + p.subsidy)}`;
}
