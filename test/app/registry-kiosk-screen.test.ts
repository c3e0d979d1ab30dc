import assert from 'node:assert/strict';
import { get } from 'node:http';
import { test } from 'node:test';
import { openPeripherals } from '../../app/registry.ts';
import { ManualClock } from '../../base/clock.ts';
import { silentLogger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { PeripheralsSchema } from '../../firmware/config/schema.ts';
import { KioskScreenTwin } from '../../simulator/kiosk-screen/twin.ts';

const clock = new ManualClock(0);
const never: Scheduler = { after: () => () => {} };
const deps = { clock, scheduler: never, nowUs: () => 0, log: silentLogger };
const open = (kioskScreen: unknown) =>
  openPeripherals(PeripheralsSchema.parse({ reader: { kind: 'virtual' }, kioskScreen }), deps);

const status = (url: string) =>
  new Promise<number>((resolve, reject) =>
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject),
  );

test('kioskScreen "twin" opens the recorder; "web" the page on loopback, closed with the rest', async () => {
  const twin = await open({ kind: 'twin' });
  assert.ok(twin.ok);
  assert.ok(twin.value.kioskScreen?.twin instanceof KioskScreenTwin);
  assert.equal(twin.value.kioskScreen?.screen, twin.value.kioskScreen?.twin);
  await twin.value.close();

  const web = await open({ kind: 'web', port: 0 });
  assert.ok(web.ok, web.ok ? '' : web.message);
  try {
    const url = web.value.kioskScreen?.url ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await status(url), 200);
    await web.value.close();
    await assert.rejects(status(url), /ECONNREFUSED/, 'the port is free again after close');
  } finally {
    // A failed check must not leave the server holding the test process open.
    await web.value.kioskScreen?.screen.close();
  }

  const none = await open(undefined);
  assert.ok(none.ok);
  assert.equal(none.value.kioskScreen, undefined);
  await none.value.close();
});

test('beyond loopback: refused by the config with the reason; a busy port: an error naming the field', async () => {
  const parsed = PeripheralsSchema.safeParse({
    reader: { kind: 'virtual' },
    kioskScreen: { kind: 'web', host: '0.0.0.0' },
  });
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues[0]?.path, ['kioskScreen', 'host']);
  assert.match(parsed.error?.issues[0]?.message ?? '', /not loopback/);

  const first = await open({ kind: 'web', port: 0 });
  assert.ok(first.ok);
  const port = Number(new URL(first.value.kioskScreen?.url ?? '').port);
  const second = await open({ kind: 'web', port });
  await first.value.close();
  if (second.ok) await second.value.close();
  assert.equal(second.ok, false);
  assert.match(
    second.ok ? '' : second.message,
    /^peripherals\.kioskScreen: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
  );
});
