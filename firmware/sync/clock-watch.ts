import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { clockOffset, type ClockStateName, type TimeRequest, type TimeResponse } from '../../protocol/index.ts';

/**
 * The terminal's clock against the backend's (PROTOCOL.md §6.2). It measures
 * the drift and reports it (STATUS clockDriftMs, the log); it moves the
 * terminal's clock only through the runtime's `stepClock` hook, and a step
 * is journaled as `clock.step` so the backend can re-date what came before.
 * Without a hook — or when the hook declines, e.g. for a step backwards on a
 * terminal whose money records must not go back in time — nothing moves and
 * the drift is logged and reported, never applied silently.
 */

/** §6.2: a sample whose round trip exceeds this says more about the link than the clocks. */
export const TIME_ROUND_TRIP_MS_MAX = 2_000;
/** §6.2: beyond this, a correction is a jump (journaled), not a slew. */
export const CLOCK_STEP_MS = 2_000;
/**
 * A clock this far from the backend's needs a person: card days turn at the
 * wrong midnight, and a remote open-door (valid one minute) is judged wrong.
 * The terminal marks it (SyncClient.syncAlarm), the backend raises an alarm.
 */
export const CLOCK_FAR_MS = 60_000;

export interface ClockStepper {
  /** Sets the terminal clock to `toMs`; false when the runtime will not (then only the report stands). */
  stepClock(fromMs: number, toMs: number): boolean;
}

export class ClockWatch {
  private driftMs = 0;
  private measured = false;
  /** Backend time minus terminal time, from WELCOME / STATUS_ACK: command deadlines are judged on it. */
  private backendOffsetMs: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly journal: { append(kind: string, body: unknown): unknown },
    private readonly stepper?: ClockStepper,
  ) {}

  get state(): ClockStateName {
    return this.measured ? 'synced' : this.backendOffsetMs !== null ? 'estimated' : 'unknown';
  }

  /** Last measured backend − terminal offset (0 before any). */
  get clockDriftMs(): number {
    return this.driftMs;
  }

  backendNowMs(): number | null {
    return this.backendOffsetMs === null ? null : this.clock.nowMs() + this.backendOffsetMs;
  }

  request(): TimeRequest {
    return { type: 'timeRequest', t1Ms: this.clock.nowMs(), clock: this.state };
  }

  /** A backend timestamp heard (WELCOME, STATUS_ACK): a coarse offset, good enough for command deadlines. */
  heardBackendTime(backendTimeMs: number): void {
    this.backendOffsetMs = backendTimeMs - this.clock.nowMs();
  }

  onResponse(m: TimeResponse): void {
    const t4 = this.clock.nowMs();
    const { offsetMs, roundTripMs } = clockOffset(m, t4);
    if (roundTripMs < 0 || roundTripMs > TIME_ROUND_TRIP_MS_MAX) {
      this.log.info('sync.time-sample-dropped', { roundTripMs });
      return;
    }
    this.driftMs = offsetMs;
    this.measured = true;
    this.backendOffsetMs = offsetMs;
    if (Math.abs(offsetMs) <= CLOCK_STEP_MS) return;
    const toMs = t4 + offsetMs;
    if (this.stepper?.stepClock(t4, toMs)) {
      this.journal.append('clock.step', { fromMs: t4, toMs, offsetMs });
      this.driftMs = 0;
      this.backendOffsetMs = 0;
      this.log.warn('sync.clock-stepped', { fromMs: t4, toMs, offsetMs });
    } else {
      this.log.warn(offsetMs < 0 ? 'sync.clock-ahead' : 'sync.clock-behind', { offsetMs, roundTripMs, stepped: false });
    }
  }
}
