import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { OfflineReason, OnlineAuthorizer, OnlineAuthRequest, OnlineAuthResult } from '../online/authorizer.ts';
import type { AuthorizeRequest, AuthorizeResponse } from '../../protocol/index.ts';
import type { Cancel, Scheduler } from './scheduler.ts';

/**
 * Online authorisation over the sync session (PROTOCOL.md §6.7), behind the
 * OnlineAuthorizer contract (firmware/online/authorizer.ts): every call
 * settles by its deadline and never throws.
 *
 * - No open session → 'unavailable' (backend-unreachable) at once: the sale falls to the offline floors.
 * - No answer by the deadline → 'unavailable' (timeout). An answer after that is logged
 *   and dropped: it must not approve. What the sale became is journaled
 *   (online.result offline-approved / offline-declined) and reaches the
 *   backend as an ADVICE or a REVERSAL (owed.ts) and in the journal upload;
 *   the backend books each STAN once.
 *
 * Made before the Terminal (Terminal.open takes the authorizer), attached to
 * a session by the SyncClient while one is open.
 */
export interface AuthSender {
  send(m: AuthorizeRequest): boolean;
}

/** Requests waiting at once: a till has one sale at a time; more is a bug or a flood. */
const PENDING_MAX = 64;
/** STANs whose deadline passed, remembered so a late answer is recognised in the log. */
const LATE_KEPT = 256;

interface Pending {
  amountCents: number;
  deadlineMs: number;
  resolve: (r: OnlineAuthResult) => void;
  cancelTimer: Cancel;
}

export class SessionAuthorizer implements OnlineAuthorizer {
  private sender: AuthSender | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly late: number[] = [];
  readonly stats = { requests: 0, approved: 0, declined: 0, unavailable: 0, late: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {}

  /** The session to ask through; null when it closes (waiting requests settle 'unavailable'). */
  attach(sender: AuthSender | null): void {
    this.sender = sender;
    // Sent, then the session went: the backend may have seen it, so it counts as no answer in time.
    if (sender === null)
      for (const stan of [...this.pending.keys()]) this.settle(stan, unavailable('timeout'), 'session closed');
  }

  authorize(req: OnlineAuthRequest, deadlineMs: number): Promise<OnlineAuthResult> {
    this.stats.requests++;
    const now = this.clock.nowMs();
    if (this.sender === null || deadlineMs <= now || this.pending.size >= PENDING_MAX || this.pending.has(req.stan)) {
      this.stats.unavailable++;
      return Promise.resolve(unavailable('backend-unreachable'));
    }
    const m: AuthorizeRequest = {
      type: 'authorizeRequest',
      stan: req.stan,
      purpose: 'sale',
      cardNumber: req.cardNumber,
      uid: req.uid,
      amountCents: req.amountCents,
      terminalTimeMs: now,
      deadlineMs: Math.min(deadlineMs - now, 3_600_000),
    };
    return new Promise((resolve) => {
      const cancelTimer = this.scheduler.after(deadlineMs - now, () => this.expire(req.stan));
      this.pending.set(req.stan, { amountCents: req.amountCents, deadlineMs, resolve, cancelTimer });
      if (!this.sender?.send(m)) this.settle(req.stan, unavailable('backend-unreachable'), 'send failed');
    });
  }

  onResponse(m: AuthorizeResponse): void {
    const p = this.pending.get(m.stan);
    if (!p) {
      this.stats.late++;
      this.log.warn('sync.auth-late', { stan: m.stan, result: m.result, known: this.late.includes(m.stan) });
      return;
    }
    // A response can reach us at the very instant the deadline falls: late is late.
    if (this.clock.nowMs() >= p.deadlineMs) return this.expire(m.stan);
    if (m.result === 'approved' && m.approvedAmountCents === p.amountCents) {
      this.stats.approved++;
      return this.settle(m.stan, { kind: 'approved', authCode: String(m.authCode), balanceCents: m.balanceCents });
    }
    // §6.7: a backend that cannot answer within the deadline answers retry.
    if (m.result === 'retry') return this.settle(m.stan, unavailable('timeout'), 'backend said retry');
    this.stats.declined++;
    return this.settle(m.stan, { kind: 'declined', reason: declineReason(m) });
  }

  private expire(stan: number): void {
    if (!this.pending.has(stan)) return;
    this.late.push(stan);
    if (this.late.length > LATE_KEPT) this.late.shift();
    this.settle(stan, unavailable('timeout'), 'deadline passed');
  }

  private settle(stan: number, r: OnlineAuthResult, why?: string): void {
    const p = this.pending.get(stan);
    if (!p) return;
    this.pending.delete(stan);
    p.cancelTimer();
    if (r.kind === 'unavailable') {
      this.stats.unavailable++;
      this.log.info('sync.auth-unavailable', { stan, why, reason: r.why });
    }
    p.resolve(r);
  }
}

const unavailable = (why: OfflineReason): OnlineAuthResult => ({ kind: 'unavailable', why });

function declineReason(m: AuthorizeResponse): 'insufficient-balance' | 'blacklisted' | 'account-closed' | 'other' {
  if (m.result === 'approved') return 'other'; // approved for another amount: not this sale
  if (m.reason === 'insufficient-funds') return 'insufficient-balance';
  if (m.reason === 'card-lost') return 'blacklisted';
  if (m.reason === 'card-frozen' || m.reason === 'unknown-card') return 'account-closed';
  return 'other';
}
