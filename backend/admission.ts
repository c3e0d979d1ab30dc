import { frameBytes, PAYLOAD_BYTES_DEFAULT } from '../protocol/index.ts';

/**
 * What a peer that has not authenticated may cost the backend. Until the
 * handshake proves a terminal's key, a connection is anybody's: it is
 * counted here (in total and per address), refused at once beyond the caps,
 * and ended by the session's handshake deadline. Pure bookkeeping: the
 * backend asks `admit` for a new connection (its link the holder of the
 * slot) and calls `release` when it authenticates or ends.
 */

/**
 * Concurrent unauthenticated connections from one address. A terminal holds
 * one session; a site behind one NAT address reconnecting after a power cut
 * has a few handshakes in flight at once, not dozens.
 */
export const UNAUTHENTICATED_PER_ADDRESS_MAX = 8;
/**
 * Concurrent unauthenticated connections in all. A handshake takes two round
 * trips, so even a fleet of hundreds reconnecting at once has few in flight;
 * 64 × the bytes one may hold (below) bounds what strangers cost to ~4.2 MB.
 */
export const UNAUTHENTICATED_TOTAL_MAX = 64;
/**
 * Handshake deadline at the backend (the protocol's default is 15 s): HELLO,
 * CHALLENGE, PROVE are two round trips of a few hundred bytes, under 3 s on
 * GPRS; a peer slower than this is holding a slot, not handshaking.
 */
export const BACKEND_HANDSHAKE_TIMEOUT_MS = 6_000;
/**
 * Largest WebSocket message the backend accepts: one frame of the protocol's
 * largest payload with its MAC (a link sends each frame as its own message).
 * ws refuses a longer message from its header, before buffering any of it.
 */
export const WS_MESSAGE_BYTES_MAX = frameBytes(PAYLOAD_BYTES_DEFAULT, true);
/**
 * What one unauthenticated connection can make the backend hold: a WebSocket
 * message being received plus the session's frame decoder buffer (raw TCP:
 * the decoder only). Kernel socket buffers are the OS's and not counted.
 */
export const UNAUTHENTICATED_BYTES_MAX = WS_MESSAGE_BYTES_MAX + frameBytes(PAYLOAD_BYTES_DEFAULT, true);

export type Admit = { ok: true } | { ok: false; reason: string };

export interface Exposure {
  /** Connections that have not authenticated yet. */
  unauthenticated: number;
  /** Addresses they come from. */
  addresses: number;
  /** Connections refused at once since start. */
  refused: number;
  /** Upper bound of the bytes they can make the backend hold. */
  bytesHeldMax: number;
}

export class Admission {
  private readonly byAddress = new Map<string, number>();
  private readonly holders = new Map<object, string>();
  private total = 0;
  private refusedCount = 0;

  constructor(
    private readonly totalMax = UNAUTHENTICATED_TOTAL_MAX,
    private readonly perAddressMax = UNAUTHENTICATED_PER_ADDRESS_MAX,
  ) {}

  /** Counts `holder`, a new connection from `address`, or says why it is refused (nothing counted then). */
  admit(address: string, holder: object): Admit {
    const here = this.byAddress.get(address) ?? 0;
    const reason =
      here >= this.perAddressMax
        ? `${here} unauthenticated connections from ${address} already`
        : this.total >= this.totalMax
          ? `${this.total} unauthenticated connections already`
          : null;
    if (reason !== null) {
      this.refusedCount++;
      return { ok: false, reason };
    }
    this.byAddress.set(address, here + 1);
    this.holders.set(holder, address);
    this.total++;
    return { ok: true };
  }

  /** The connection authenticated or ended: its slot is free (again, or for one never admitted: nothing). */
  release(holder: object): void {
    const address = this.holders.get(holder);
    if (address === undefined) return;
    this.holders.delete(holder);
    const here = this.byAddress.get(address) ?? 0;
    if (here <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, here - 1);
    this.total--;
  }

  exposure(): Exposure {
    return {
      unauthenticated: this.total,
      addresses: this.byAddress.size,
      refused: this.refusedCount,
      bytesHeldMax: this.total * UNAUTHENTICATED_BYTES_MAX,
    };
  }
}
