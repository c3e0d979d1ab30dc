import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { clockOffset, KIND, type ClockStateName, type TimeRequest, type TimeResponse } from '../../protocol/index.ts';

/**
 * The terminal's clock against the backend's (PROTOCOL.md §6.2). `clock` is
 * the terminal's time (what the journal and the decisions read). A jump is
 * stepped through the `stepper` (the terminal's SteppedClock, or a runtime
 * hook) and journaled as `clock.step`, so the backend can re-date what came
 * before. A clock that could not be stepped is never reported `synced`: it
 * says `estimated`, with the drift it measured.
 */

/** §6.2: a sample whose round trip exceeds this says more about the link than the clocks. */
export const TIME_ROUND_TRIP_MS_MAX = 2_000;
/** §6.2: beyond this, a correction is a jump (journaled), not a slew. */
export const CLOCK_STEP_MS = 2_000;
/** Both ends judge a far clock by the same bound: it lives in protocol/ (messages/time.ts). */
export { CLOCK_FAR_MS } from '../../protocol/index.ts';
/**
 * §6.2 first fix: WELCOME's time is off by the one-way delay (seconds on a slow link), so it steps only
 * an obviously wrong clock; the TIME exchange that follows measures the round trip and steps the rest.
 */
export const WELCOME_STEP_MS = 60_000;

export interface ClockStepper {
  /** Sets the terminal clock to `toMs`; false when the runtime will not (then only the report stands). */
  stepClock(fromMs: number, toMs: number): boolean;
}

export class ClockWatch {
  private driftMs = 0;
  /** A TIME exchange measured the clock, and it is within CLOCK_STEP_MS of the backend's (or was stepped there). */
  private synced = false;
  /** Backend time minus terminal time, from WELCOME / STATUS_ACK: command deadlines are judged on it. */
  private backendOffsetMs: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly journal: { append(kind: string, body: unknown): unknown },
    private readonly stepper?: ClockStepper,
  ) {}

  /** `backend`: a jump is stepped to the backend's time; `local`: nothing can step it, only the drift is reported. */
  get source(): 'backend' | 'local' {
    return this.stepper ? 'backend' : 'local';
  }

  get state(): ClockStateName {
    return this.synced ? 'synced' : this.backendOffsetMs !== null ? 'estimated' : 'unknown';
  }

  /** Last measured backend − terminal offset (0 before any, and after a step). */
  get clockDriftMs(): number {
    return this.driftMs;
  }

  backendNowMs(): number | null {
    return this.backendOffsetMs === null ? null : this.clock.nowMs() + this.backendOffsetMs;
  }

  request(): TimeRequest {
    return { type: 'timeRequest', t1Ms: this.clock.nowMs(), clock: this.state };
  }

  /** WELCOME's time (§6.2 first fix): a coarse offset, and a step when the clock is obviously wrong. */
  welcomed(backendTimeMs: number): void {
    const nowMs = this.clock.nowMs();
    const offsetMs = backendTimeMs - nowMs;
    this.backendOffsetMs = offsetMs;
    if (Math.abs(offsetMs) > WELCOME_STEP_MS) this.jump(nowMs, offsetMs, 'welcome');
  }

  /** A backend timestamp heard (STATUS_ACK): a coarse offset, good enough for command deadlines. */
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
    this.backendOffsetMs = offsetMs;
    // §6.2: small corrections are left to slew (the OS's NTP, or none); the drift is reported.
    this.synced = Math.abs(offsetMs) <= CLOCK_STEP_MS || this.jump(t4, offsetMs, 'time');
  }

  /** Steps the terminal clock by offsetMs and journals it; false (logged, reported) when it cannot. */
  private jump(fromMs: number, offsetMs: number, source: 'welcome' | 'time'): boolean {
    const toMs = fromMs + offsetMs;
    if (!this.stepper?.stepClock(fromMs, toMs)) {
      this.synced = false;
      this.driftMs = offsetMs;
      this.log.warn(offsetMs < 0 ? 'sync.clock-ahead' : 'sync.clock-behind', { offsetMs, source, stepped: false });
      return false;
    }
    this.journal.append(KIND.clockStep, { fromMs, toMs, offsetMs });
    this.driftMs = 0;
    this.backendOffsetMs = 0;
    this.log.warn('sync.clock-stepped', { fromMs, toMs, offsetMs, source });
    return true;
  }
}
