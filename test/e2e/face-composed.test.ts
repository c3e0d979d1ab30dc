import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Face } from '../../app/face.ts';
import { type Faced, FacedPos } from '../../app/faced-pos.ts';
import { openPeripherals, type Peripherals } from '../../app/registry.ts';
import { silentLogger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { clockStatus } from '../../drivers/display/status.ts';
import { PeripheralsSchema } from '../../firmware/config/schema.ts';
import type { SimWorld } from '../../simulator/world.ts';
import { posWorld } from '../firmware/pos/pos-world.ts';

/**
 * A whole sale through the face the composition opens from a config: the
 * scripted keypad's event bytes through the USB keypad driver and key map,
 * the POS, its screens on the ST7920 driver into the panel twin, the amount
 * through the pole display driver onto the mock serial port, the result
 * spoken into the voice twin. Nothing here glues a device by hand.
 */
const FACE = {
  reader: { kind: 'virtual' },
  display: { kind: 'twin', panel: 'st7920-128x64' },
  customerDisplay: { kind: 'pole', device: 'twin' },
  keypad: { kind: 'scripted' },
  voice: { kind: 'twin', lang: 'zh' },
};

/** The drivers' init waits, run at once: the twins need no settling time. */
const soon: Scheduler = {
  after: (_ms, fn) => {
    queueMicrotask(fn);
    return () => {};
  },
};
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Rig {
  w: SimWorld;
  p: Peripherals;
  pos: FacedPos;
  /** Each keypad key's result, as the run loop receives it. */
  keyed: Faced[];
}

/** pos1 with the face its peripherals config names, keys relayed; the sync link's state as given. */
async function withFace(
  peripherals: Record<string, unknown>,
  opts: { pos?: Record<string, unknown>; online: boolean },
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  const w = await posWorld('virtual', opts.pos ?? {});
  const deps = { clock: w.clock, scheduler: soon, nowUs: () => w.clock.nowMs() * 1000, log: silentLogger };
  const opened = await openPeripherals(PeripheralsSchema.parse(peripherals), deps);
  assert.ok(opened.ok, opened.ok ? '' : opened.message);
  const p = opened.value;
  try {
    const status = clockStatus(
      () => w.clock.nowMs(),
      480,
      () => opts.online,
    );
    const face = new Face(p.face.devices, status, silentLogger, p.face.failing);
    const keyed: Faced[] = [];
    const pos = new FacedPos(w.terminal('pos1').terminal.pos, face, (f) => keyed.push(f), p.keys);
    await body({ w, p, pos, keyed });
  } finally {
    await p.close();
    w.close();
  }
}

test('a 12.50 sale keyed on the keypad twin reaches the panel, the pole display and the voice', () =>
  withFace(FACE, { online: false }, async ({ w, p, pos, keyed }) => {
    const twins = p.face.twins;
    twins.keypad!.press([{ key: 'KP1' }, { key: 'KP2' }, { key: 'KPDOT' }, { key: 'KP5' }, { key: 'KPENTER' }]);
    await tick();
    assert.equal(keyed.length, 5);
    await Promise.all(keyed.map((k) => k.shown));
    assert.deepEqual(twins.display!.rows(), [
      '11:30       离线',
      '应收 12.50, 请刷',
      '卡              ',
      '请付 12.50  元  ',
    ]);
    assert.deepEqual([twins.customerDisplay!.glass().lamp, twins.customerDisplay!.glass().lines.A], [2, '12.50']);
    assert.equal(twins.voice!.said.length, 0, 'an amount still due is not spoken');

    const reader = p.reader.twin!;
    reader.place(w.card('alice').card);
    const paid = await pos.tap(reader.open()!);
    reader.remove();
    await paid.shown;
    assert.equal(twins.display!.rows()[1], '收款成功 12.50  ');
    assert.deepEqual([twins.customerDisplay!.glass().lamp, twins.customerDisplay!.glass().lines.A], [3, '12.50']);
    assert.equal(twins.voice!.said.at(-1)!.text, '消费十二元五角pause余额一百九十二元五角');
    assert.equal(twins.voice!.said.at(-1)!.outcome, 'playing');

    // The next customer's tap cuts the sentence still playing (bob's class pays 90%).
    twins.keypad!.press([{ key: 'KP3' }, { key: 'KPENTER' }]);
    await tick();
    reader.place(w.card('bob').card);
    const tapping = pos.tap(reader.open()!);
    // Cut as the tap starts, not when its result is ready: bob must not hear alice's balance while his card is read.
    assert.equal(twins.voice!.said[0]!.outcome, 'interrupted');
    const next = await tapping;
    reader.remove();
    await next.shown;
    assert.equal(twins.voice!.said.at(-1)!.text, '消费二元七角pause余额四十七元三角');
    assert.deepEqual(twins.display!.errors, []);
    assert.deepEqual(twins.customerDisplay!.glass().errors, []);
  }));

test('simple keypad mode: one key of the keypad twin is one price, on the panel and the pole display', () =>
  withFace(FACE, { pos: { entryMode: 'simple' }, online: true }, async ({ p, keyed }) => {
    const twins = p.face.twins;
    // KPPLUS is the simple keypad's 2.00 key (the seeds' simple keys: + = 2.00).
    twins.keypad!.press([{ key: 'KPPLUS' }]);
    await tick();
    await Promise.all(keyed.map((k) => k.shown));
    assert.equal(keyed.length, 1);
    assert.equal(twins.display!.rows()[0], '11:30       在线');
    assert.match(twins.display!.rows()[1]!, /^应收 2\.00/);
    assert.deepEqual([twins.customerDisplay!.glass().lamp, twins.customerDisplay!.glass().lines.A], [2, '2.00']);
  }));

test('a panel whose bus dies: the sale goes on, STATUS reports the display failed', () =>
  withFace(
    { reader: { kind: 'virtual' }, display: { kind: 'twin', panel: 'hd44780-20x4' }, keypad: { kind: 'scripted' } },
    { online: false },
    async ({ p, pos }) => {
      assert.deepEqual(p.health().slice(1), [
        { kind: 'display', health: 'ok' },
        { kind: 'keypad', health: 'ok' },
      ]);
      await p.face.twins.display!.close();
      const keyed = pos.key('5');
      await keyed.shown;
      assert.equal(keyed.out.screen.customer.en, '5');
      assert.deepEqual(p.health()[1], { kind: 'display', health: 'failed' });
    },
  ));
