import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { POLE_AMOUNT_CENTS_MAX, POLE_BAUD_DEFAULT, PoleDisplay } from '../../../drivers/customer-display/pole.ts';
import { SerialLink } from '../../../drivers/customer-display/serial.ts';
import { VFD_BAUD_DEFAULT, VfdDisplay } from '../../../drivers/customer-display/vfd.ts';
import { blankGlass, feed } from '../../../simulator/customer-display/parser.ts';
import { CustomerDisplayTwin } from '../../../simulator/customer-display/twin.ts';
import { runSale, SALE_STEPS } from './sale.ts';

const golden = JSON.parse(
  readFileSync(new URL('../../vectors/customer-display/pole-sale.json', import.meta.url), 'utf8'),
) as { steps: { step: string; hex: string }[] };
const goldenBytes = (): number[] => golden.steps.flatMap((s) => [...Buffer.from(s.hex, 'hex')]);

async function openPole() {
  const twin = await CustomerDisplayTwin.open('pole', POLE_BAUD_DEFAULT);
  const opened = await PoleDisplay.open(twin.link);
  assert.ok(opened.ok);
  return { twin, pole: opened.display };
}

test('the pole display driver sends the golden bytes for amount, total, paid and change', async () => {
  const { twin, pole } = await openPole();
  await runSale(pole);
  assert.deepEqual(Buffer.from(twin.sent()).toString('hex'), golden.steps.map((s) => s.hex).join(''));
  // By hand: change 7.50 = ESC s '4', ESC Q A "7.50" CR.
  assert.equal(golden.steps[4]!.hex, Buffer.from('\x1bs4\x1bQA7.50\r', 'latin1').toString('hex'));
  await pole.close();
});

test('the twin reads the glass back after each step: lamp and number', async () => {
  const { twin, pole } = await openPole();
  for (const s of SALE_STEPS) {
    await pole.show(s.lamp, s.amountCents);
    const g = twin.glass();
    assert.equal(g.lamp, ['off', 'price', 'total', 'paid', 'change'].indexOf(s.lamp));
    assert.equal(g.lines.A, `${Math.floor(s.amountCents / 100)}.${String(s.amountCents % 100).padStart(2, '0')}`);
    assert.deepEqual(g.errors, []);
  }
  await pole.clear();
  assert.deepEqual({ lamp: twin.glass().lamp, A: twin.glass().lines.A }, { lamp: 0, A: '' });
  await pole.close();
});

test('the device-side parser gives the same glass at every chunking of the stream', () => {
  const bytes = goldenBytes();
  const whole = feed(blankGlass(), bytes);
  assert.deepEqual(whole.lines.A, '7.50');
  for (let cut = 0; cut <= bytes.length; cut++)
    assert.deepEqual(feed(feed(blankGlass(), bytes.slice(0, cut)), bytes.slice(cut)), whole, `cut at ${cut}`);
  for (let size = 1; size <= 5; size++) {
    let g = blankGlass();
    for (let i = 0; i < bytes.length; i += size) g = feed(g, bytes.slice(i, i + size));
    assert.deepEqual(g, whole, `chunks of ${size}`);
  }
});

test('bad bytes are named and change nothing shown', () => {
  const before = feed(blankGlass(), goldenBytes());
  const after = feed(before, [0x1b, 0x73, 0x39, 0x1b, 0x51, 0x41, 0x01, 0x0d]);
  assert.deepEqual({ lamp: after.lamp, lines: after.lines }, { lamp: before.lamp, lines: before.lines });
  assert.deepEqual(after.errors, ['lamp out of range (0x39)', 'bad line byte (0x01)', 'stray byte (0x0d)']);
});

test('an amount that does not fit eight digits is refused before any byte is sent', async () => {
  const { twin, pole } = await openPole();
  const sent = twin.sent().length;
  assert.equal((await pole.show('total', POLE_AMOUNT_CENTS_MAX + 1)).ok, false);
  assert.equal((await pole.show('total', 12.5)).ok, false);
  assert.equal(twin.sent().length, sent);
  assert.ok((await pole.show('total', POLE_AMOUNT_CENTS_MAX)).ok);
  assert.equal(twin.glass().lines.A, '999999.99');
  await pole.close();
});

test('the CD5220 VFD shows a label and the amount on its two lines, and free text', async () => {
  const twin = await CustomerDisplayTwin.open('vfd', VFD_BAUD_DEFAULT);
  const opened = await VfdDisplay.open(twin.link);
  assert.ok(opened.ok);
  await opened.display.show('total', 1250);
  assert.deepEqual(twin.glass().lines, { A: 'TOTAL'.padEnd(20), B: '12.50'.padStart(20) });
  await opened.display.lines('Welcome', '欢迎');
  assert.deepEqual(twin.glass().lines, { A: 'Welcome'.padEnd(20), B: '??'.padEnd(20) });
  assert.deepEqual(twin.glass().errors, []);
  await opened.display.close();
});

test('a port that fails a write gives a value naming the display', async () => {
  const broken = new SerialLink(
    {
      write: (_d, cb) => {
        cb(new Error('EIO'));
        return false;
      },
      drain: (cb) => cb(),
      close: (cb) => cb(),
    },
    'pole',
  );
  assert.deepEqual(await PoleDisplay.open(broken), { ok: false, error: 'pole: EIO' });
});
