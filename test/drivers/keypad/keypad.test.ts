import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  decodeChunk,
  decodeStart,
  EV,
  type EventLayout,
  type InputEvent,
} from '../../../drivers/keypad/input-event.ts';
import { keyStart, nextKey } from '../../../drivers/keypad/keys.ts';
import { parseUsbKeypadConfig, POS_KEYS, type PosKey } from '../../../drivers/keypad/keymap.ts';
import { UsbKeypad } from '../../../drivers/keypad/usb.ts';
import { freeEntry } from '../../../firmware/pos/entry.ts';
import { scriptBytes } from '../../../simulator/keypad/twin.ts';
import { SALE_PRESSES } from './sale.ts';

const golden = JSON.parse(readFileSync(new URL('../../vectors/keypad/sale-keys.json', import.meta.url), 'utf8')) as {
  layout64Hex: string;
  layout32Hex: string;
};
const GOLDEN: Record<EventLayout, Buffer> = {
  64: Buffer.from(golden.layout64Hex, 'hex'),
  32: Buffer.from(golden.layout32Hex, 'hex'),
};
const config = (extra: Record<string, unknown> = {}) => {
  const r = parseUsbKeypadConfig({ device: '/dev/input/event0', ...extra });
  assert.ok(r.ok);
  return r.config;
};

/** The POS keys a byte stream yields through the real driver class (a PassThrough stands in for the device file). */
function keysOf(bytes: Buffer, layout: EventLayout, extra = {}): PosKey[] {
  const source = new PassThrough();
  const keys: PosKey[] = [];
  new UsbKeypad(source, config({ layout: String(layout), ...extra }), { onKey: (k) => keys.push(k) });
  source.write(bytes); // a flowing PassThrough with nothing buffered emits 'data' synchronously
  return keys;
}
const SALE_KEYS: PosKey[] = ['1', '2', '7', 'back', '.', '5', '0', 'confirm'];

test('the twin makes exactly the golden input_event bytes, 64-bit and 32-bit ARM', () => {
  assert.deepEqual(scriptBytes(SALE_PRESSES, 64), GOLDEN[64]);
  assert.deepEqual(scriptBytes(SALE_PRESSES, 32), GOLDEN[32]);
  assert.equal(GOLDEN[64].length % 24, 0);
  assert.equal(GOLDEN[32].length % 16, 0);
  // By hand: the second event is KEY_KP1 (79 = 0x4f) down: type 1, code 0x4f, value 1 after the timeval.
  assert.equal(GOLDEN[64].subarray(24 + 16, 48).toString('hex'), '01004f0001000000');
  assert.equal(GOLDEN[32].subarray(16 + 8, 32).toString('hex'), '01004f0001000000');
});

test('the golden bytes drive a 12.50 sale through the keypad driver and the POS entry', () => {
  for (const layout of [64, 32] as const) {
    const keys = keysOf(GOLDEN[layout], layout);
    assert.deepEqual(keys, SALE_KEYS, `layout ${layout}`);
    let buffer = '';
    let amountCents: number | null = null;
    for (const k of keys) {
      const r = k === 'back' ? ({ kind: 'editing', buffer: buffer.slice(0, -1) } as const) : freeEntry(buffer, k);
      if (r.kind === 'editing') buffer = r.buffer;
      else if (r.kind === 'done') amountCents = r.amountCents;
      else assert.fail(r.en);
    }
    assert.equal(amountCents, 1250);
  }
});

test('the decoder yields the same events at every chunking (a read may end mid-event)', () => {
  for (const layout of [64, 32] as const) {
    const bytes = GOLDEN[layout];
    const whole = decodeChunk(decodeStart(layout), bytes).events;
    for (let cut = 0; cut <= bytes.length; cut++) {
      const a = decodeChunk(decodeStart(layout), bytes.subarray(0, cut));
      const b = decodeChunk(a.state, bytes.subarray(cut));
      assert.deepEqual([...a.events, ...b.events], whole, `layout ${layout} cut ${cut}`);
    }
    for (const size of [1, 3, 7, 23, 25]) {
      let s = decodeStart(layout);
      const got: InputEvent[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        const d = decodeChunk(s, bytes.subarray(i, i + size));
        s = d.state;
        got.push(...d.events);
      }
      assert.deepEqual(got, whole, `layout ${layout} chunks of ${size}`);
    }
  }
});

test('repeats count only for the listed keys, and never for a key not seen going down', () => {
  const c = config();
  const ev = (code: number, value: number): InputEvent => ({ sec: 0, usec: 0, type: EV.KEY, code, value });
  let s = keyStart();
  const run = (events: InputEvent[]) =>
    events.flatMap((e) => {
      const step = nextKey(s, e, c);
      s = step.state;
      return step.key ? [step.key] : [];
    });
  assert.deepEqual(run([ev(14, 1), ev(14, 2), ev(14, 2), ev(14, 0)]), ['back', 'back', 'back']);
  assert.deepEqual(run([ev(76, 1), ev(76, 2), ev(76, 0)]), ['5']);
  assert.deepEqual(run([ev(14, 2)]), [], 'held before we started');
});

test('NumLock: ignored by default; in track mode digits fall silent while it is off', () => {
  const presses = [{ key: 'NUMLOCK' }, { key: 'KP1' }, { key: 'NUMLOCK' }, { key: 'KP2' }] as const;
  const bytes = scriptBytes(presses, 64);
  assert.deepEqual(keysOf(bytes, 64), ['1', '2']);
  assert.deepEqual(keysOf(bytes, 64, { numLock: 'track' }), ['2']);
});

test('a broken key map is refused naming the field; every POS key the map can name exists in the POS', () => {
  const bad = parseUsbKeypadConfig({ device: '/dev/input/event0', map: { KP1: 'launch' } });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /^keypad\.map\.KP1: must be a POS key: 0 1 2 /);
  // A key the pad does not have is named, with the names it does have (the fix).
  const noSuchKey = parseUsbKeypadConfig({ device: '/dev/input/event0', map: { KP11: '1' } });
  const noKeyError = noSuchKey.ok ? '' : noSuchKey.error;
  assert.match(noKeyError, /^keypad\.map: a USB numeric keypad has no key KP11: use BACKSPACE/);
  const wrongPath = parseUsbKeypadConfig({ device: '/tmp/kbd' });
  assert.match(wrongPath.ok ? '' : wrongPath.error, /^keypad\.device: must be a device under \/dev\/input\//);
  const unknownField = parseUsbKeypadConfig({ device: '/dev/input/event0', mapp: {} });
  assert.equal(unknownField.ok, false);
  // The POS machine's own keys (firmware/pos/machine-keys.ts, entry.ts).
  const machine = readFileSync(new URL('../../../firmware/pos/machine-keys.ts', import.meta.url), 'utf8');
  for (const k of ['confirm', 'cancel', 'back', 'undo', 'totals', 'topup'])
    assert.ok(machine.includes(`'${k}'`) && POS_KEYS.includes(k as PosKey), k);
});
