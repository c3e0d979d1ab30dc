import WebSocket from 'ws';
import { LinkBase, type Dial, type Link } from './link.ts';

/**
 * The protocol over WebSocket binary messages (docs/dependencies.md: ws 8, for client and
 * server alike — Node 20's global WebSocket needs a flag). Each message
 * carries one or more whole frames; the receiver does not rely on that.
 * No permessage-deflate: the frames are already compact, and compressing
 * MAC'd binary buys little for the CPU it costs on a Pi.
 */
export class WebSocketLink extends LinkBase {
  constructor(private readonly socket: WebSocket) {
    super();
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data, isBinary) => {
      // A text message is not ours: the protocol is binary only (PROTOCOL.md §1).
      if (!isBinary) return this.close('text message on a binary protocol link');
      this.deliver(toBytes(data));
    });
    socket.on('close', (code, reason) =>
      this.ended(`websocket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`),
    );
    socket.on('error', (err) => this.ended(`websocket error: ${err.message}`));
  }

  /** Bytes queued in the socket but not yet handed to the OS: the backpressure a sender can watch. */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  protected write(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  protected shutdown(): void {
    this.socket.close(1000);
    // A peer that never answers the close handshake must not hold the socket for ws's 30 s default.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export interface WebSocketDialOptions {
  /** Give up opening after this long (TCP connect + HTTP upgrade). */
  openTimeoutMs?: number;
  /** Largest WebSocket message accepted: a little above the largest frame (64 KiB payload). */
  maxMessageBytes?: number;
}

/** Connects to `ws://host:port/path`; the promise settles once, with an open link or the reason it failed. */
export function dialWebSocket(url: string, opts: WebSocketDialOptions = {}): Promise<Link> {
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: opts.openTimeoutMs ?? 10_000,
        maxPayload: opts.maxMessageBytes ?? 1 << 20,
      });
    } catch (err) {
      return reject(err as Error);
    }
    const failed = (err: Error) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
      reject(err);
    };
    socket.once('error', failed);
    socket.once('open', () => {
      socket.off('error', failed);
      resolve(new WebSocketLink(socket));
    });
  });
}

/** A Dial for the sync client. */
export function webSocketDialer(url: string, opts: WebSocketDialOptions = {}): Dial {
  return () => dialWebSocket(url, opts);
}
