/**
 * A link carries the protocol's frames between a terminal and its backend
 * (PROTOCOL.md §1 "Transport"): a WebSocket connection, a raw TCP stream, an
 * in-process loopback or a faulty link in tests. The session above it is
 * sans-IO; this is the only place bytes meet a socket.
 *
 * Contract (serialport's bindings-interface in spirit):
 * - `send` queues bytes (one or more whole frames) and never throws; after
 *   close it drops them silently — the session's acknowledgements, not the
 *   link, decide what was delivered.
 * - `onData` receives bytes in any chunking (a stream may split or join
 *   frames; the session's FrameDecoder copes). Bytes that arrive before a
 *   handler is set are held and handed over when it is.
 * - `onClose` fires exactly once, whoever closed it, with a reason for logs,
 *   never from inside a `send` or `close` call (always on a later turn).
 */
export interface Link {
  send(bytes: Uint8Array): void;
  onData(handler: (bytes: Uint8Array) => void): void;
  onClose(handler: (reason: string) => void): void;
  close(reason?: string): void;
  readonly closed: boolean;
}

/** Opens a new link to the backend; rejects (never throws synchronously) when it cannot. */
export type Dial = () => Promise<Link>;

/**
 * The common part of every link: buffering until handlers are set, and the
 * once-only close. Subclasses call `deliver` and `ended`, and implement
 * `write` and `shutdown`.
 */
export abstract class LinkBase implements Link {
  private dataHandler: ((bytes: Uint8Array) => void) | null = null;
  private closeHandler: ((reason: string) => void) | null = null;
  private early: Uint8Array[] = [];
  private endReason: string | null = null;
  private closeReported = false;

  get closed(): boolean {
    return this.endReason !== null;
  }

  send(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    try {
      this.write(bytes);
    } catch (err) {
      this.ended(`write failed: ${(err as Error).message}`);
    }
  }

  onData(handler: (bytes: Uint8Array) => void): void {
    this.dataHandler = handler;
    const early = this.early;
    this.early = [];
    for (const b of early) handler(b);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
    if (this.endReason !== null) this.reportClose();
  }

  close(reason = 'closed locally'): void {
    if (this.closed) return;
    this.ended(reason);
    try {
      this.shutdown();
    } catch {
      // Closing a socket that is already gone is not an error worth a report.
    }
  }

  protected deliver(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.dataHandler) this.dataHandler(bytes);
    else this.early.push(bytes);
  }

  protected ended(reason: string): void {
    if (this.endReason !== null) return;
    this.endReason = reason;
    // Reported on a fresh turn, as a socket's 'close' event is: a close caused by a send
    // must not pull state out from under the code that is in the middle of sending.
    queueMicrotask(() => this.reportClose());
  }

  private reportClose(): void {
    if (this.closeReported || !this.closeHandler) return;
    this.closeReported = true;
    this.closeHandler(this.endReason as string);
  }

  protected abstract write(bytes: Uint8Array): void;
  protected abstract shutdown(): void;
}
