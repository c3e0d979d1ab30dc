import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { TcpLink } from '../../firmware/sync/tcp-link.ts';
import { WebSocketLink } from '../../firmware/sync/ws-link.ts';
import { runAdmin } from './admin.ts';
import { Backend, type BackendOptions } from './backend.ts';

/**
 * The backend on the network: one HTTP server on one port carries
 *   ws://host:port/        terminals (WebSocket upgrade, binary frames)
 *   POST /admin            admin commands from `onecard backend card lost …` on the same machine
 * and optionally a raw TCP port for terminals (same frames, no WebSocket).
 * The admin endpoint needs the token the server wrote beside its database
 * (mode 0600), so only whoever can read the database can command it.
 */
export interface ListenOptions {
  host?: string;
  port?: number;
  /** Also accept terminals over raw TCP on this port (0 = any free one). */
  tcpPort?: number;
}

/** An admin request body beyond this is not an admin command. */
const ADMIN_BODY_BYTES_MAX = 64 * 1024;

export class BackendServer {
  private constructor(
    readonly backend: Backend,
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly tcp: TcpServer | null,
    readonly url: string,
    readonly adminToken: string,
    readonly tcpPort: number | null,
  ) {}

  /** Starts a backend listening on host:port (127.0.0.1 and a free port by default). */
  static async start(opts: BackendOptions & ListenOptions): Promise<BackendServer> {
    const backend = Backend.open(opts);
    const token = randomBytes(24).toString('hex');
    const host = opts.host ?? '127.0.0.1';
    let server: BackendServer | null = null;
    const http = createServer((req, res) => void handleAdmin(req, res, token, backend));
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 1 << 20 });
    wss.on('connection', (socket) => backend.accept(new WebSocketLink(socket)));
    // ws re-emits the HTTP server's listen errors; the listen below reports them, so they must not crash us here.
    wss.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(opts.port ?? 0, host, () => resolve());
      });
      let tcp: TcpServer | null = null;
      let tcpPort: number | null = null;
      if (opts.tcpPort !== undefined) {
        tcp = createTcpServer((sock) => backend.accept(new TcpLink(sock)));
        await new Promise<void>((resolve, reject) => {
          tcp!.once('error', reject);
          tcp!.listen(opts.tcpPort, host, () => resolve());
        });
        tcpPort = (tcp.address() as { port: number }).port;
      }
      const port = (http.address() as { port: number }).port;
      server = new BackendServer(backend, http, wss, tcp, `ws://${host}:${port}/`, token, tcpPort);
      return server;
    } catch (err) {
      backend.stop();
      http.close();
      throw err;
    }
  }

  get adminUrl(): string {
    return this.url.replace(/^ws:/, 'http:') + 'admin';
  }

  async stop(): Promise<void> {
    this.backend.stop();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections?.();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    if (this.tcp) await new Promise<void>((resolve) => this.tcp!.close(() => resolve()));
  }
}

async function handleAdmin(req: IncomingMessage, res: ServerResponse, token: string, backend: Backend): Promise<void> {
  const reply = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.url !== '/admin') return reply(404, { error: 'terminals connect by WebSocket; admin is POST /admin' });
  if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'bad admin token' });
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
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return reply(400, { error: 'args must be an array of strings' });
  reply(200, runAdmin(backend, args as string[]));
}
