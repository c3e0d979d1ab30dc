import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../base/log.ts';
import { isLoopbackHost } from '../../base/net.ts';
import { hostRefusal } from './config.ts';
import type { KioskScreenDisplay, KioskView } from './index.ts';

/**
 * The kiosk's screen as a local web page: one HTTP server serving page.html
 * (self-contained: no CDN, no web font) and, on /ws, a WebSocket that pushes
 * the screen as JSON when it changes and the current one to each page that
 * connects. The page reconnects by itself when the runtime restarts.
 */

/** Pages watching at once: the kiosk's own browser, its reconnect in flight, a technician's view. */
export const KIOSK_SCREEN_CLIENTS_MAX = 4;
/** The page sends nothing: ws refuses a longer message from its header, before buffering it. */
export const KIOSK_SCREEN_MESSAGE_BYTES_MAX = 1_024;
/** Open sockets in all (page loads, keep-alives, WebSockets): a few pages' worth, not a crowd's. */
const CONNECTIONS_MAX = 16;
/** A page this far behind (a frozen browser) is dropped, not queued for: it reconnects and gets the screen now. */
const CLIENT_BUFFERED_BYTES_MAX = 64 * 1_024;
export const KIOSK_SCREEN_WS_PATH = '/ws';

export interface WebKioskScreenOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  allowNonLoopback: boolean;
  log: Logger;
}

const PAGE_FILE = new URL('./page.html', import.meta.url);
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Everything the page needs is inside it; it talks to this server only.
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
  'x-content-type-options': 'nosniff',
};

/** A Host header's name without its port or IPv6 brackets. */
function hostName(header: string | undefined): string {
  if (!header) return '';
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export class WebKioskScreen implements KioskScreenDisplay {
  private current: string | null = null;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly log: Logger,
    readonly url: string,
    readonly port: number,
  ) {}

  /** Listens on host:port; a non-loopback host the config did not allow, or a busy port, is an error value. */
  static async open(
    o: WebKioskScreenOptions,
  ): Promise<{ ok: true; screen: WebKioskScreen } | { ok: false; error: string }> {
    const refusal = hostRefusal(o.host, o.allowNonLoopback);
    if (refusal) return { ok: false, error: refusal };
    let page: Buffer;
    try {
      page = readFileSync(PAGE_FILE);
    } catch (e) {
      return { ok: false, error: `cannot read the kiosk page: ${(e as Error).message}` };
    }
    // A DNS name rebound to 127.0.0.1 reaches us under its own name: only ours are answered. A site
    // that opened the screen to its network reaches it by names we cannot know: any is taken then.
    const ourName = (req: IncomingMessage) => {
      const name = hostName(req.headers.host);
      return o.allowNonLoopback || name === o.host || isLoopbackHost(name);
    };
    const http = createServer((req, res) => answer(req, res, page, ourName(req)));
    http.maxConnections = CONNECTIONS_MAX;
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: KIOSK_SCREEN_MESSAGE_BYTES_MAX,
    });
    let screen: WebKioskScreen | null = null;
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // The socket is ours from here: a peer resetting it must not end the runtime.
      socket.on('error', () => socket.destroy());
      const refused = upgradeRefusal(req, ourName(req), wss.clients.size);
      if (refused) {
        socket.end(`HTTP/1.1 ${refused}\r\nconnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => screen?.attach(ws));
    });
    const port = await new Promise<number | Error>((resolve) => {
      http.once('error', resolve);
      http.listen(o.port, o.host, () => resolve((http.address() as { port: number }).port));
    });
    if (port instanceof Error) return { ok: false, error: `cannot listen on ${o.host}:${o.port}: ${port.message}` };
    http.on('error', (e) => o.log.warn('kiosk-screen.server-error', { error: e.message }));
    const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
    screen = new WebKioskScreen(http, wss, o.log, `http://${shown}:${port}/`, port);
    o.log.info('kiosk-screen.listening', { url: screen.url });
    return { ok: true, screen };
  }

  show(view: KioskView): void {
    const json = JSON.stringify(view);
    if (json === this.current) return;
    this.current = json;
    for (const ws of this.wss.clients) this.push(ws);
  }

  /** How many pages are connected now. */
  get clients(): number {
    return this.wss.clients.size;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private attach(ws: WebSocket): void {
    ws.on('error', (e) => this.log.debug('kiosk-screen.page-error', { error: e.message }));
    this.push(ws);
  }

  private push(ws: WebSocket): void {
    if (this.current === null || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > CLIENT_BUFFERED_BYTES_MAX) {
      this.log.warn('kiosk-screen.page-behind', { bufferedBytes: ws.bufferedAmount });
      ws.terminate();
      return;
    }
    ws.send(this.current);
  }
}

function answer(req: IncomingMessage, res: ServerResponse, page: Buffer, ourName: boolean): void {
  const path = (req.url ?? '/').split('?')[0];
  if (!ourName) return plain(res, 421, 'not this host');
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'GET only');
  if (path === KIOSK_SCREEN_WS_PATH) return plain(res, 426, 'a WebSocket');
  if (path !== '/' && path !== '/index.html') return plain(res, 404, 'not found');
  res.writeHead(200, { ...PAGE_HEADERS, 'content-length': page.length });
  res.end(req.method === 'HEAD' ? undefined : page);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/** Why a WebSocket upgrade is refused (an HTTP status line), or null to accept it. */
function upgradeRefusal(req: IncomingMessage, ourName: boolean, clients: number): string | null {
  if ((req.url ?? '').split('?')[0] !== KIOSK_SCREEN_WS_PATH) return '404 Not Found';
  if (!ourName) return '421 Misdirected Request';
  // Another site's page in a browser on this machine must not read the balances: same origin only.
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host)) return '403 Forbidden';
  if (clients >= KIOSK_SCREEN_CLIENTS_MAX) return '503 Service Unavailable';
  return null;
}
