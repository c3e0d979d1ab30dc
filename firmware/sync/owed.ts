import type { Logger } from '../core/log.ts';
import type { OfflineReason } from '../online/authorizer.ts';
import type { JournalRecord } from '../store/journal/journal.ts';
import type { Advice, Reversal, WireRecord } from '../../protocol/index.ts';
import type { Owed } from './sync-state.ts';

/**
 * Advices and reversals owed to the backend (PROTOCOL.md §6.7), derived from
 * the journal's online.result records as the uploader reads them:
 *   offline-approved → ADVICE   (the sale happened; charge the STAN once),
 *                      its reason the record's offlineReason
 *   offline-declined → REVERSAL (undo any approval the backend gave too late)
 * Kept durably (SyncState) until ADVICE_ACK / REVERSAL_ACK, and sent again at
 * every session start, before the journal (money owed goes first, §8). The
 * journal upload carries the same facts; the backend books a STAN once
 * whichever arrives first.
 */
export interface OwedStore {
  addOwed(o: Owed): boolean;
  owed(limit: number): Owed[];
  clearOwed(stan: number, kind: Owed['kind']): boolean;
}

/** Sent per session start; the rest follow as acks free room. Bounds one burst on a slow link. */
const OWED_BURST_MAX = 256;

export class OwedForwarder {
  constructor(
    private readonly store: OwedStore,
    private readonly journal: { get(seq: number): JournalRecord | undefined },
    private readonly log: Logger,
  ) {}

  /** Notes what the records about to be uploaded owe; returns the new ones to send now. */
  note(records: readonly WireRecord[]): Owed[] {
    const fresh: Owed[] = [];
    for (const r of records) {
      if (r.kind !== 'online.result') continue;
      const b = r.body as { stan?: number; outcome?: string; offlineReason?: unknown };
      if (typeof b.stan !== 'number' || (b.outcome !== 'offline-approved' && b.outcome !== 'offline-declined'))
        continue;
      const request = this.journal.get(b.stan);
      const rb = (request?.body ?? {}) as { cardNumber?: number; amountCents?: number };
      const o: Owed = {
        stan: b.stan,
        kind: b.outcome === 'offline-approved' ? 'advice' : 'reversal',
        cardNumber: rb.cardNumber ?? r.card ?? 0,
        amountCents: rb.amountCents ?? 0,
        atMs: r.atMs,
        journalSeq: r.seq,
        ...(b.outcome === 'offline-approved' && isOfflineReason(b.offlineReason)
          ? { adviceReason: b.offlineReason }
          : {}),
      };
      if (this.store.addOwed(o)) fresh.push(o);
    }
    return fresh;
  }

  /** Everything still owed (oldest first), for a new session. */
  pending(): Owed[] {
    return this.store.owed(OWED_BURST_MAX);
  }

  acked(stan: number, kind: Owed['kind'], status?: string): void {
    if (this.store.clearOwed(stan, kind)) this.log.info(`sync.${kind}-acked`, { stan, status });
  }
}

/**
 * A record journaled before the reason was kept says nothing: such an advice
 * goes as `timeout`, what this terminal always sent then.
 */
const REASON_UNKNOWN: Advice['reason'] = 'timeout';

function isOfflineReason(v: unknown): v is OfflineReason {
  return v === 'backend-unreachable' || v === 'timeout';
}

export function owedMessage(o: Owed): Advice | Reversal {
  if (o.kind === 'advice') {
    return {
      type: 'advice',
      stan: o.stan,
      cardNumber: o.cardNumber,
      amountCents: o.amountCents,
      atMs: o.atMs,
      reason: o.adviceReason ?? REASON_UNKNOWN,
      journalSeq: o.journalSeq,
    };
  }
  return { type: 'reversal', stan: o.stan, reason: 'not-completed', amountCents: o.amountCents, atMs: o.atMs };
}
