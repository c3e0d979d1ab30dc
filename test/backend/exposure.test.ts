import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ManualClock } from '../../firmware/core/clock.ts';
import { webSocketDialer } from '../../base/ws-link.ts';
import { SOM } from '../../protocol/index.ts';
import {
  BACKEND_HANDSHAKE_TIMEOUT_MS,
  UNAUTHENTICATED_BYTES_MAX,
  UNAUTHENTICATED_PER_ADDRESS_MAX,
  UNAUTHENTICATED_TOTAL_MAX,
  WS_MESSAGE_BYTES_MAX,
} from '../../backend/admission.ts';
import { BackendServer } from '../../backend/server.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';
import { terminal } from './loopback-terminal.ts';

/**
 * What a stranger can cost the backend before it authenticates (issue 9,
 * items 1 and 2): connections that never handshake are capped per address
 * and in all, refused at once beyond that, and ended by the handshake
 * deadline on the backend's injected clock; a WebSocket message longer than
 * one protocol frame is refused from its header. Strangers come from other
 * loopback addresses (127.0.0.x) than the good terminal. What the server
 * holds is counted by the server itself (`exposure()`), not by RSS.
 */
async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-exposure-'));
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 9));
  const sched = new VirtualScheduler(clock);
  const server = await BackendServer.start({
    dbPath: join(dir, 'backend.db'),
    clock,
    scheduler: sched,
    port: 0,
    tcpPort: 0,
  });
  const port = Number(new URL(server.url).port);
  const done = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, clock, sched, server, port, done };
}

/** A WebSocket client from `localAddress`; `ended` settles with the close code whenever the server ends it. */
function wsFrom(port: number, localAddress: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress, perMessageDeflate: false });
  ws.on('error', () => {});
  const opened = new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  const ended = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, opened, ended };
}

/** A raw TCP client from `localAddress` that starts a frame and never finishes it. */
function tcpFrom(port: number, localAddress: string) {
  const sock: Socket = connect({ host: '127.0.0.1', port, localAddress });
  sock.on('error', () => {});
  // SOM and the first header bytes of a frame: the decoder waits for the rest.
  sock.on('connect', () => sock.write(Uint8Array.from([...SOM, 1, 0x10, 0])));
  const ended = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  return { sock, ended };
}

/** Settles when `n` of the promises have. */
function firstEnded(all: Promise<unknown>[], n: number): Promise<void> {
  let ended = 0;
  return new Promise<void>((resolve) => all.forEach((p) => void p.then(() => ++ended === n && resolve())));
}

test('strangers that never handshake are capped per address, refused at once beyond it, and ended at the deadline', {
  timeout: 60_000,
}, async () => {
  const r = await rig();
  const extra = 5;
  const ws = Array.from({ length: UNAUTHENTICATED_PER_ADDRESS_MAX + extra }, () => wsFrom(r.port, '127.0.0.2'));
  const tcp = Array.from({ length: UNAUTHENTICATED_PER_ADDRESS_MAX + extra }, () =>
    tcpFrom(r.server.tcpPort as number, '127.0.0.3'),
  );
  const t = terminal(r.dir, webSocketDialer(r.server.url), r.server.backend.keyFor(101, 1) as Uint8Array);
  try {
    await Promise.all(ws.map((c) => c.opened));
    // The refused ones end at once: no deadline has run (the backend's clock has not moved).
    await Promise.all([
      firstEnded(
        ws.map((c) => c.ended),
        extra,
      ),
      firstEnded(
        tcp.map((c) => c.ended),
        extra,
      ),
    ]);
    const held = r.server.backend.admission.exposure();
    assert.equal(held.unauthenticated, 2 * UNAUTHENTICATED_PER_ADDRESS_MAX);
    assert.equal(held.addresses, 2);
    assert.equal(held.refused, 2 * extra);
    assert.ok(held.bytesHeldMax <= 2 * UNAUTHENTICATED_PER_ADDRESS_MAX * UNAUTHENTICATED_BYTES_MAX);

    // A message longer than one protocol frame is refused from its header (1009: too big).
    const big = wsFrom(r.port, '127.0.0.4');
    assert.equal(await big.opened, true);
    big.ws.send(Buffer.alloc(WS_MESSAGE_BYTES_MAX + 1));
    assert.equal(await big.ended, 1009);

    // Beside them, a good terminal from its own address authenticates and uploads.
    t.journal.append('tap.refused', { cardNumber: 5, uid: '04a1b2c3', reason: 'expired', detail: 'test' }, { card: 5 });
    const acked = t.next((e) => e.type === 'acked' && e.upto === 1, 'ack of record 1');
    t.client.start();
    await acked;
    assert.equal(r.server.backend.journal.highWater(101), 1);
    assert.equal(
      r.server.backend.admission.exposure().unauthenticated,
      2 * UNAUTHENTICATED_PER_ADDRESS_MAX,
      'the good terminal holds no stranger slot',
    );

    // The handshake deadline, on the backend's clock: every stranger is ended and its slot freed.
    await r.sched.run(BACKEND_HANDSHAKE_TIMEOUT_MS + 1_000);
    assert.equal(r.server.backend.admission.exposure().unauthenticated, 0);
    await Promise.all([...ws.map((c) => c.ended), ...tcp.map((c) => c.ended)]);
    assert.equal(r.server.backend.connected().has(101), true, 'the good terminal stays');
  } finally {
    t.close();
    ws.forEach((c) => c.ws.terminate());
    tcp.forEach((c) => c.sock.destroy());
    await r.done();
  }
});

test('the cap on all unauthenticated connections holds across addresses', { timeout: 60_000 }, async () => {
  const r = await rig();
  const addresses = UNAUTHENTICATED_TOTAL_MAX / UNAUTHENTICATED_PER_ADDRESS_MAX;
  const clients: ReturnType<typeof wsFrom>[] = [];
  try {
    for (let a = 0; a < addresses; a++)
      for (let i = 0; i < UNAUTHENTICATED_PER_ADDRESS_MAX; i++) clients.push(wsFrom(r.port, `127.0.1.${a + 1}`));
    await Promise.all(clients.map((c) => c.opened));
    assert.equal(r.server.backend.admission.exposure().unauthenticated, UNAUTHENTICATED_TOTAL_MAX);
    const late = wsFrom(r.port, `127.0.1.${addresses + 1}`);
    clients.push(late);
    await late.ended;
    assert.equal(r.server.backend.admission.exposure().refused, 1);
    assert.equal(r.server.backend.admission.exposure().unauthenticated, UNAUTHENTICATED_TOTAL_MAX);
  } finally {
    clients.forEach((c) => c.ws.terminate());
    await r.done();
  }
});

/** POSTs to `url` from `localAddress`; resolves with the status, or the connection error's code. */
function post(url: string, token: string, localAddress = '127.0.0.1'): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end(JSON.stringify({ args: ['status'] }));
  });
}

test('admin listens on loopback only, on its own port, with a constant-time token check', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-exposure-'));
  // Terminals on every address; admin must still be 127.0.0.1 alone.
  const server = await BackendServer.start({ dbPath: join(dir, 'backend.db'), host: '0.0.0.0', port: 0 });
  try {
    const admin = new URL(server.adminUrl);
    const terminals = new URL(server.url);
    assert.equal(admin.hostname, '127.0.0.1');
    assert.notEqual(admin.port, terminals.port);
    assert.equal(await post(server.adminUrl, server.adminToken), 200);
    assert.equal(await post(server.adminUrl, 'x'.repeat(server.adminToken.length)), 401);
    // The terminals' port answers no admin, even with the token.
    assert.equal(await post(`http://127.0.0.1:${terminals.port}/admin`, server.adminToken), 404);
    // Bound to 127.0.0.1 itself, not to every address: another address of this host finds nothing there.
    assert.equal(await post(`http://127.0.0.2:${admin.port}/admin`, server.adminToken, '127.0.0.2'), 'ECONNREFUSED');
  } finally {
    await server.stop();
  }
  await assert.rejects(
    BackendServer.start({ dbPath: join(dir, 'backend.db'), adminHost: '0.0.0.0' }),
    /admin must listen on loopback/,
  );
  rmSync(dir, { recursive: true, force: true });
});
