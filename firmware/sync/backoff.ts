import type { Random } from '../core/random.ts';

/**
 * Reconnect delays: exponential with jitter, so a fleet that lost its backend
 * at the same instant does not come back at the same instant (AWS
 * "exponential backoff and jitter", the "equal jitter" variant: half fixed so
 * a terminal never hammers, half random so the fleet spreads out).
 */
export interface BackoffPolicy {
  baseMs: number;
  /** Cap: a terminal retries at least this often, so it is back within this long of the backend. */
  maxMs: number;
}

export const BACKOFF_DEFAULT: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

export class Backoff {
  private failures = 0;
  constructor(
    private readonly random: Random,
    private readonly policy: BackoffPolicy = BACKOFF_DEFAULT,
  ) {
    if (!(policy.baseMs >= 1 && policy.maxMs >= policy.baseMs))
      throw new RangeError(`backoff ${policy.baseMs}..${policy.maxMs} ms is not a range`);
  }

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    // 2^20 × base is far past any cap: bound the exponent so the product stays exact.
    const ceiling = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    const half = Math.floor(ceiling / 2);
    return half + this.random.int(ceiling - half + 1);
  }

  /** After a session opened: the next failure starts from the base again. */
  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
