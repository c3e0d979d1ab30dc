/**
 * Anti-replay window over a direction's frame sequence numbers (PROTOCOL.md
 * §3.5), the IPsec/DTLS sliding window: a frame is accepted once if its seq
 * is above the highest seen, or within `size` below it and not seen before.
 * Over TCP frames arrive in order and the window only ever slides; it earns
 * its keep on transports that may duplicate or reorder (a WebSocket relay,
 * a store-and-forward modem).
 */
export type SeqVerdict = 'ok' | 'replay' | 'out-of-window';

export const REPLAY_WINDOW_DEFAULT = 64;
export const REPLAY_WINDOW_MAX = 4096;

export class ReplayWindow {
  private readonly seen: Uint8Array;
  private hi: number;

  /** `startSeq` counts as already seen (the last handshake frame). */
  constructor(
    readonly size: number,
    startSeq: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > REPLAY_WINDOW_MAX)
      throw new RangeError(`replay window ${size} outside 1..${REPLAY_WINDOW_MAX}`);
    this.seen = new Uint8Array(size);
    this.hi = startSeq;
    this.seen[startSeq % size] = 1;
  }

  get highest(): number {
    return this.hi;
  }

  check(seq: number): SeqVerdict {
    if (seq > this.hi) return 'ok';
    if (this.hi - seq >= this.size) return 'out-of-window';
    return this.seen[seq % this.size] ? 'replay' : 'ok';
  }

  /** Marks seq as seen; call only after check() said ok and the MAC verified. */
  accept(seq: number): void {
    if (seq > this.hi) {
      const clear = Math.min(seq - this.hi, this.size);
      for (let i = 1; i <= clear; i++) this.seen[(this.hi + i) % this.size] = 0;
      this.hi = seq;
    }
    this.seen[seq % this.size] = 1;
  }
}
