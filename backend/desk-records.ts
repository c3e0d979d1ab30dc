import { KIND, type DeskCancelBody, type DeskIssueBody, type WireRecord } from '../protocol/index.ts';
import type { IssuedUids } from './issued-uids.ts';
import type { ListStore } from './lists.ts';
import type { Replacements } from './replacements.ts';

/**
 * What the card office's records make the backend do, inside the ingest
 * transaction (journal-store.ts), exactly once per record:
 *   card.issued of a desk.issue with `replaces` → the replacement (replacements.ts);
 *   card.issued of a desk.issue → its number booked to the card's UID (issued-uids.ts: a second UID is flagged);
 *   desk.cancel → the cancelled number is blacklisted;
 * and after each batch, the replaced cards it touched are settled again.
 */
export class DeskRecords {
  constructor(
    private readonly lists: ListStore,
    readonly replacements: Replacements,
    private readonly uids: IssuedUids | null = null,
  ) {}

  /** One stored record; `lookup` finds the record it refers to (same batch or stored). True: lists changed. */
  onRecord(r: WireRecord, lookup: (seq: number) => WireRecord | undefined, nowMs: number, terminal: number): boolean {
    if (r.kind === KIND.deskCancel) {
      const b = r.body as Partial<DeskCancelBody>;
      return typeof b.cardNumber === 'number' && this.lists.blacklistAdd([b.cardNumber], 'cancelled', nowMs) !== null;
    }
    if (r.kind !== KIND.issued || r.ref === null) return false;
    const issue = lookup(r.ref);
    if (issue?.kind !== KIND.deskIssue) return false;
    const b = issue.body as Partial<DeskIssueBody>;
    if (typeof b.cardNumber === 'number' && typeof b.uid === 'string')
      this.uids?.issued(b.cardNumber, b.uid, terminal, issue.seq, nowMs);
    if (typeof b.replaces !== 'number' || typeof b.cardNumber !== 'number') return false;
    // A refusal (replaced already) changes nothing: the record stays stored for the operator to read.
    return this.replacements.replace(b.replaces, b.cardNumber, nowMs).ok;
  }

  /** After a batch: every replaced card among `cards` gets its corrections brought up to date. */
  settle(cards: Iterable<number>, nowMs: number): boolean {
    let changed = false;
    for (const card of cards) if (this.replacements.settle(card, nowMs)) changed = true;
    return changed;
  }
}
