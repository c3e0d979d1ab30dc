import { connect, type Socket } from 'node:net';
import { LinkBase, type Dial, type Link } from './link.ts';

/**
 * The protocol over a raw TCP stream: frames follow one another and reads
 * split them anywhere (PROTOCOL.md §1); the session's FrameDecoder rebuilds
 * them. Same frames as the WebSocket link, byte for byte.
 */
export class TcpLink extends LinkBase {
  constructor(private readonly socket: Socket) {
    super();
    // Frames are small and latency matters (an authorisation waits on it): no Nagle delay.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.deliver(chunk));
    socket.on('close', () => this.ended('tcp connection closed'));
    socket.on('error', (err) => this.ended(`tcp error: ${err.message}`));
  }

  protected write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  protected shutdown(): void {
    this.socket.end();
    // A peer that never closes its side must not hold the socket open.
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }
}

/** Connects to host:port; settles once, with an open link or the reason it failed. */
export function dialTcp(host: string, port: number, opts: { openTimeoutMs?: number } = {}): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TCP connection to ${host}:${port} within ${opts.openTimeoutMs ?? 10_000} ms`)),
      opts.openTimeoutMs ?? 10_000,
    );
    timer.unref();
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new TcpLink(socket));
    });
  });
}

export function tcpDialer(host: string, port: number): Dial {
  return () => dialTcp(host, port);
}
