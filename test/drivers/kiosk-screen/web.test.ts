import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { KioskScreenConfigSchema } from '../../../drivers/kiosk-screen/config.ts';
import type { KioskView } from '../../../drivers/kiosk-screen/index.ts';
import { KIOSK_SCREEN_CLIENTS_MAX, WebKioskScreen } from '../../../drivers/kiosk-screen/web.ts';
import { silentLogger } from '../../../firmware/core/log.ts';

const view = (kind: string, balance: string | null = null): KioskView => ({
  kind,
  tone: 'calm',
  lines: { zh: '请刷卡充值', en: 'Tap your card to top up' },
  balance,
  inserted: null,
  room: null,
  progressPercent: null,
});

/** A bound on a wait that never ends (a push that never comes), not a timing assertion. */
const TEST_TIMEOUT_MS = 10_000;

let web: WebKioskScreen;
before(async () => {
  const opened = await WebKioskScreen.open({ host: '127.0.0.1', port: 0, allowNonLoopback: false, log: silentLogger });
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  web = opened.screen;
});
after(() => web.close());

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${web.url.replace(/\/$/, '')}${path}`, { headers, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A page's WebSocket: each message parsed, in order; `next()` waits for the next one. */
async function page(headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, { headers });
  const got: KioskView[] = [];
  const waiting: ((v: KioskView) => void)[] = [];
  ws.on('message', (data) => {
    const v = JSON.parse(String(data)) as KioskView;
    const w = waiting.shift();
    if (w) w(v);
    else got.push(v);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    next: () => new Promise<KioskView>((resolve) => (got.length ? resolve(got.shift()!) : waiting.push(resolve))),
    closed: () => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))),
  };
}

/** The HTTP status a refused upgrade answers with. */
function refusedUpgrade(headers: Record<string, string>, path = '/ws'): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${path}`, { headers });
  // Ending a socket that never opened makes ws emit an error: expected here.
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
  });
}

test('the page is served whole from loopback: Chinese and English, nothing fetched from elsewhere', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/html; charset=utf-8/);
  for (const text of ['余额', 'Balance', '已投入', 'Inserted', 'id="balance"', 'id="progress"'])
    assert.ok(r.body.includes(text), text);
  assert.doesNotMatch(r.body, /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no script, style or font from another host');
  assert.equal((await get('/nothing')).status, 404);
  assert.equal((await get('/', {}, 'POST')).status, 405, 'the page takes nothing');
  assert.equal((await get('/ws')).status, 426, 'the state comes over a WebSocket only');
  assert.equal((await get('/', { host: 'rebound.example:80' })).status, 421, 'a DNS name rebound to us is not ours');
});

test('a page gets the screen now on connect, then each change once, in order', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  web.show(view('idle'));
  const p = await page();
  assert.equal((await p.next()).kind, 'idle', 'the current screen on connect');
  web.show(view('balance', '¥10.00'));
  web.show(view('balance', '¥10.00'));
  web.show(view('balance', '¥20.00'));
  assert.equal((await p.next()).balance, '¥10.00');
  assert.equal((await p.next()).balance, '¥20.00', 'a repeat of the screen shown is not pushed again');
  p.ws.close();
  await p.closed();
});

test('a page that sends more than a small message is cut off', { timeout: TEST_TIMEOUT_MS }, async () => {
  const p = await page();
  await p.next();
  p.ws.send('x'.repeat(4_096));
  assert.equal(await p.closed(), 1009, 'message too big');
});

test('upgrades from another origin, another host name or past the page limit are refused', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  assert.equal(await refusedUpgrade({ origin: 'http://evil.example' }), 403);
  assert.equal(await refusedUpgrade({ origin: 'http://127.0.0.1:1' }), 403, 'another port is another origin');
  assert.equal(await refusedUpgrade({ host: 'rebound.example' }), 421);
  assert.equal(await refusedUpgrade({}, '/other'), 404);
  const pages = [];
  for (let i = 0; i < KIOSK_SCREEN_CLIENTS_MAX; i++) pages.push(await page({ origin: `http://127.0.0.1:${web.port}` }));
  assert.equal(await refusedUpgrade({}), 503);
  for (const p of pages) {
    p.ws.close();
    await p.closed();
  }
});

test('a host beyond loopback is refused with the reason, unless the config allows it', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  const opened = await WebKioskScreen.open({ host: '0.0.0.0', port: 0, allowNonLoopback: false, log: silentLogger });
  assert.equal(opened.ok, false);
  assert.match(opened.ok ? '' : opened.error, /not loopback.*no login.*balances/);
  const refused = KioskScreenConfigSchema.safeParse({ kind: 'web', host: '192.168.1.20' });
  assert.equal(refused.success, false);
  assert.match(refused.error?.issues[0]?.message ?? '', /allowNonLoopback/);
  assert.equal(
    KioskScreenConfigSchema.safeParse({ kind: 'web', host: '192.168.1.20', allowNonLoopback: true }).success,
    true,
  );
  assert.deepEqual(KioskScreenConfigSchema.parse({ kind: 'web' }), {
    kind: 'web',
    host: '127.0.0.1',
    port: 8780,
    allowNonLoopback: false,
  });
});

test('a screen the config opened to the network answers the names the network knows it by', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  const opened = await WebKioskScreen.open({ host: '127.0.0.1', port: 0, allowNonLoopback: true, log: silentLogger });
  assert.ok(opened.ok);
  const status = await new Promise<number>((resolve, reject) =>
    request(opened.screen.url, { headers: { host: 'kiosk.lan' }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(),
  );
  await opened.screen.close();
  assert.equal(status, 200);
});
