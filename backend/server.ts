import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { isLoopbackHost } from '../base/net.ts';
import { TcpLink } from '../base/tcp-link.ts';
import { WebSocketLink } from '../base/ws-link.ts';
import { runAdmin } from './admin.ts';
import { EXPORT_FILE_BYTES_MAX } from './journal-import.ts';
import { WS_MESSAGE_BYTES_MAX } from './admission.ts';
import { CREDITS_FILE_BYTES_MAX } from './credit-import.ts';
import { Backend, type BackendOptions } from './backend.ts';

/**
 * The backend on the network:
 *   ws://host:port/                 terminals (WebSocket upgrade, binary frames); nothing else on this port
 *   tcp host:tcpPort                optionally, terminals over raw TCP (same frames, no WebSocket)
 *   POST http://127.0.0.1:P/admin   admin commands from `onecard backend card lost …`, on a listener
 *                                   of its own that is bound to loopback whatever `host` the terminals use
 * The admin endpoint needs the token the server wrote beside its database
 * (mode 0600), so only whoever can read the database can command it.
 * Connections that have not authenticated are capped (admission.ts).
 */
export interface ListenOptions {
  host?: string;
  port?: number;
  /** Also accept terminals over raw TCP on this port (0 = any free one). */
  tcpPort?: number;
  /** The admin listener's address: loopback only (default 127.0.0.1); anything else refuses to start. */
  adminHost?: string;
  /** The admin listener's port (default: any free one; the admin file says which). */
  adminPort?: number;
}

/** An admin request body beyond this is not an admin command: the largest is a journal export, JSON-escaped. */
const ADMIN_BODY_BYTES_MAX = 2 * Math.max(CREDITS_FILE_BYTES_MAX, EXPORT_FILE_BYTES_MAX);

/** The peer's address as the admission caps count it (an IPv4-mapped IPv6 address is the IPv4 one). */
function peerAddress(addr: string | undefined): string {
  return (addr ?? 'unknown').replace(/^::ffff:/, '');
}

function listen(server: Server | TcpServer, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export class BackendServer {
  private constructor(
    readonly backend: Backend,
    private readonly http: Server,
    private readonly admin: Server,
    private readonly wss: WebSocketServer,
    private readonly tcp: TcpServer | null,
    readonly url: string,
    readonly adminUrl: string,
    readonly adminToken: string,
    readonly tcpPort: number | null,
  ) {}

  /** Starts a backend listening on host:port (127.0.0.1 and a free port by default). */
  static async start(opts: BackendOptions & ListenOptions): Promise<BackendServer> {
    const adminHost = opts.adminHost ?? '127.0.0.1';
    if (!isLoopbackHost(adminHost))
      throw new Error(`admin must listen on loopback (127.0.0.1 or ::1), not ${adminHost}`);
    const backend = Backend.open(opts);
    const token = randomBytes(24).toString('hex');
    const host = opts.host ?? '127.0.0.1';
    // The terminals' port serves the WebSocket upgrade only: a plain HTTP request there is not admin.
    const http = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('terminals connect here by WebSocket\n');
    });
    const admin = createServer((req, res) => void handleAdmin(req, res, token, backend));
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: WS_MESSAGE_BYTES_MAX });
    wss.on('connection', (socket, req) =>
      backend.accept(new WebSocketLink(socket), peerAddress(req.socket.remoteAddress)),
    );
    let tcp: TcpServer | null = null;
    // ws re-emits the HTTP server's listen errors; the listen below reports them, so they must not crash us here.
    wss.on('error', () => {});
    try {
      const port = await listen(http, opts.port ?? 0, host);
      const adminPort = await listen(admin, opts.adminPort ?? 0, adminHost);
      let tcpPort: number | null = null;
      if (opts.tcpPort !== undefined) {
        tcp = createTcpServer((sock) => backend.accept(new TcpLink(sock), peerAddress(sock.remoteAddress)));
        tcpPort = await listen(tcp, opts.tcpPort, host);
      }
      const adminUrl = `http://${adminHost.includes(':') ? `[${adminHost}]` : adminHost}:${adminPort}/admin`;
      return new BackendServer(backend, http, admin, wss, tcp, `ws://${host}:${port}/`, adminUrl, token, tcpPort);
    } catch (err) {
      backend.stop();
      http.close();
      admin.close();
      tcp?.close();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.backend.stop();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections?.();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.admin.closeAllConnections?.();
    await new Promise<void>((resolve) => this.admin.close(() => resolve()));
    if (this.tcp) await new Promise<void>((resolve) => this.tcp!.close(() => resolve()));
  }
}

async function handleAdmin(req: IncomingMessage, res: ServerResponse, token: string, backend: Backend): Promise<void> {
  const reply = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  // Bound to loopback already; a request from elsewhere (a proxy, a misbinding) is refused all the same.
  if (!isLoopbackHost(peerAddress(req.socket.remoteAddress)))
    return reply(403, { error: 'admin answers loopback only' });
  if (req.method !== 'POST' || req.url !== '/admin') return reply(404, { error: 'admin is POST /admin' });
  if (!tokenMatches(req.headers.authorization, `Bearer ${token}`)) return reply(401, { error: 'bad admin token' });
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > ADMIN_BODY_BYTES_MAX) return reply(413, { error: 'admin request too large' });
    chunks.push(c as Buffer);
  }
  let args: unknown;
  try {
    args = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { args?: unknown }).args;
  } catch {
    return reply(400, { error: 'body must be JSON {"args": [...]}' });
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
    return reply(400, { error: 'args must be an array of strings' });
  reply(200, runAdmin(backend, args as string[]));
}

/** Compares in constant time (both sides hashed first, so their lengths say nothing either). */
function tokenMatches(given: string | undefined, expected: string): boolean {
  const h = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(h(given ?? ''), h(expected));
}
