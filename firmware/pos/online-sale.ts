import { cardDay, cardDayToIso, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { OnlineAuthorizer } from '../online/authorizer.ts';
import { offlineFloorDecision, type OfflineFloors } from '../policy/offline-floor.ts';
import type { RefusalCode } from '../policy/reasons.ts';
import type { Journal, TotalsDelta } from '../store/journal/journal.ts';
import { KIND, type OnlineRequestBody, type OnlineResultBody } from '../card-tx/records.ts';

/**
 * A sale on an online-account card: journal the request (its seq is the STAN),
 * ask the backend with a deadline, journal the result. No card write: the
 * money is in the backend. When the backend is away, the offline floors
 * decide, and the record goes up later as advice (or as a reversal).
 */
export type OnlineSaleOutcome =
  | { kind: 'approved'; stan: number; offline: boolean; balanceCents: number | null }
  | { kind: 'refused'; stan: number; reason: RefusalCode; detail: string };

export class OnlineSales {
  constructor(
    private readonly journal: Journal,
    private readonly authorizer: OnlineAuthorizer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly floors: OfflineFloors & { deadlineMs: number },
    private readonly utcOffsetMinutes: number,
  ) {}

  /** Start-up: a request with no result was waiting when the power went — refuse it, so any late approval is reversed. */
  recoverInterrupted(): number {
    const open = this.journal.open(KIND.onlineRequest, [KIND.onlineResult]);
    for (const r of open) {
      const body: OnlineResultBody = {
        stan: r.seq,
        outcome: 'offline-declined',
        reason: 'terminal restarted while waiting for the backend',
      };
      this.journal.append(KIND.onlineResult, body, { card: r.card ?? undefined, ref: r.seq });
    }
    return open.length;
  }

  async sell(req: {
    cardNumber: number;
    uid: Uint8Array;
    chargedCents: number;
    listAmountCents: number;
    shift?: string;
  }): Promise<OnlineSaleOutcome> {
    const body: OnlineRequestBody = {
      cardNumber: req.cardNumber,
      amountCents: req.chargedCents,
      listAmountCents: req.listAmountCents,
      ...(req.shift ? { shift: req.shift } : {}),
    };
    const request = this.journal.append(KIND.onlineRequest, body, { card: req.cardNumber });
    const stan = request.seq;
    const answer = await this.authorizer.authorize(
      { stan, cardNumber: req.cardNumber, uid: req.uid, amountCents: req.chargedCents },
      this.clock.nowMs() + this.floors.deadlineMs,
    );
    const done = (outcome: OnlineResultBody['outcome'], extra: Partial<OnlineResultBody>, totals: TotalsDelta[]) =>
      this.journal.append(KIND.onlineResult, { stan, outcome, ...extra } satisfies OnlineResultBody, {
        card: req.cardNumber,
        ref: stan,
        totals,
      });
    if (answer.kind === 'approved') {
      done('approved', { authCode: answer.authCode }, this.saleTotals(req, false));
      return { kind: 'approved', stan, offline: false, balanceCents: answer.balanceCents };
    }
    if (answer.kind === 'declined') {
      done('declined', { reason: answer.reason }, []);
      return {
        kind: 'refused',
        stan,
        reason:
          answer.reason === 'blacklisted'
            ? 'blacklisted'
            : answer.reason === 'insufficient-balance'
              ? 'insufficient-balance'
              : 'online-declined',
        detail: `backend: ${answer.reason}`,
      };
    }
    const spent = this.journal.totals('offline-card-day', this.offlineKey(req.cardNumber)).amountCents;
    const floor = offlineFloorDecision(req.chargedCents, spent, this.floors);
    // Why the backend did not decide goes in the record: the ADVICE carries it (firmware/sync/owed.ts).
    const offlineReason = answer.why;
    if (floor.kind === 'refuse') {
      done('offline-declined', { reason: floor.detail, offlineReason }, []);
      this.log.info('online.offline-declined', { stan, cardNumber: req.cardNumber });
      return { kind: 'refused', stan, reason: floor.reason, detail: floor.detail };
    }
    done('offline-approved', { offlineReason }, this.saleTotals(req, true));
    this.log.info('online.offline-approved', {
      stan,
      cardNumber: req.cardNumber,
      amountCents: req.chargedCents,
      offlineReason,
    });
    return { kind: 'approved', stan, offline: true, balanceCents: null };
  }

  private offlineKey(cardNumber: number): string {
    return `${cardNumber}/${cardDayToIso(cardDay(this.clock.nowMs(), this.utcOffsetMinutes))}`;
  }

  private saleTotals(
    req: { cardNumber: number; chargedCents: number; shift?: string },
    offline: boolean,
  ): TotalsDelta[] {
    const day = cardDayToIso(cardDay(this.clock.nowMs(), this.utcOffsetMinutes));
    const totals: TotalsDelta[] = [{ scope: 'sales-day', key: day, count: 1, amountCents: req.chargedCents }];
    if (req.shift) totals.push({ scope: 'sales-shift', key: req.shift, count: 1, amountCents: req.chargedCents });
    if (offline)
      totals.push({
        scope: 'offline-card-day',
        key: this.offlineKey(req.cardNumber),
        count: 1,
        amountCents: req.chargedCents,
      });
    return totals;
  }
}
