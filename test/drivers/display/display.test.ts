import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type I2cBus, parseI2cPath } from '../../../drivers/display/i2c.ts';
import { Hd44780Display } from '../../../drivers/display/hd44780.ts';
import { PANELS } from '../../../drivers/display/index.ts';
import { cells, cellWidth, layout, wrap } from '../../../drivers/display/layout.ts';
import { ConsoleDisplay } from '../../../drivers/display/console.ts';
import { screens } from '../../../firmware/pos/screen.ts';
import { noWait, openOnTwin, SALE_STATUS } from './sale.ts';

/** One of each kind of POS screen the issue names. */
const SCREENS = {
  idle: screens.idle(null),
  entry: screens.entry('12*2+7', { zh: '金额', en: 'Amount' }),
  due: screens.awaitCard(1250, false),
  paid: screens.paid(1250, 8700, 'cents'),
  refused: screens.refused('blacklisted'),
  tapAgain: screens.tapAgain(),
  pin: screens.enterPin(4, 'card-pin'),
  totals: screens.totals({ count: 12, amountCents: 34500 }, { count: 3, amountCents: 4050 }),
};
const LCDS = [PANELS.st7920_128x64, PANELS.hd44780_20x4, PANELS.hd44780_16x2];

test('every screen on every panel: exactly rows × columns cells, Latin panels ASCII only', () => {
  for (const panel of [...LCDS, PANELS.console])
    for (const [name, screen] of Object.entries(SCREENS)) {
      const lines = layout(screen, SALE_STATUS, panel);
      assert.equal(lines.length, panel.rows, `${panel.name} ${name}`);
      for (const l of lines) assert.equal(cells(l), panel.columns, `${panel.name} ${name}: "${l}"`);
      if (panel.script === 'latin') for (const l of lines) assert.match(l, /^[\x20-\x7e]*$/);
    }
});

test('the idle screen shows the clock and the link state on the 4-row panels', () => {
  assert.equal(layout(SCREENS.idle, { time: '09:05', online: false }, PANELS.hd44780_20x4)[0], '09:05        OFFLINE');
  assert.equal(layout(SCREENS.idle, { time: '09:05', online: true }, PANELS.st7920_128x64)[0], '09:05       在线');
});

test('on the ST7920 a Chinese character never starts on an odd cell (it would show garbage)', () => {
  for (const [name, screen] of Object.entries(SCREENS))
    for (const l of layout(screen, SALE_STATUS, PANELS.st7920_128x64)) {
      let cell = 0;
      for (const ch of l) {
        if (cellWidth(ch) === 2) assert.equal(cell % 2, 0, `${name}: "${l}"`);
        cell += cellWidth(ch);
      }
    }
  assert.deepEqual(wrap('a应', 16, true), ['a 应']);
});

test('words wrap whole; a word longer than the line is cut', () => {
  assert.deepEqual(wrap('Due 12.50, tap card', 16, false), ['Due 12.50, tap', 'card']);
  assert.deepEqual(wrap('abcdefghij', 4, false), ['abcd', 'efgh', 'ij']);
});

test('each panel twin reads back, from the bytes alone, the lines the layout made', async () => {
  for (const panel of LCDS) {
    const run = await openOnTwin(panel);
    for (const [name, screen] of Object.entries(SCREENS)) {
      const lines = layout(screen, SALE_STATUS, panel);
      assert.deepEqual(await run.display.show(lines), { ok: true });
      assert.deepEqual(run.twin.rows(), lines, `${panel.name} ${name}`);
    }
    assert.deepEqual(run.twin.errors, [], panel.name);
  }
});

test('a dead bus is a value, not an exception; a wrong device path is refused with its name', async () => {
  let fail = false;
  const flaky: I2cBus = {
    write: async () => {
      if (fail) throw new Error('remote I/O error');
    },
    close: async () => {},
  };
  const lcd = await Hd44780Display.open(PANELS.hd44780_16x2, flaky, noWait);
  fail = true;
  assert.deepEqual(await lcd.show(['x', 'y']), { ok: false, error: 'hd44780: remote I/O error' });
  assert.equal(parseI2cPath('/dev/i2c-1'), 1);
  assert.throws(() => parseI2cPath('/dev/spidev0.0'), /want \/dev\/i2c-N/);
});

test('lines a panel cannot take are refused before any byte is sent', async () => {
  const run = await openOnTwin(PANELS.hd44780_16x2);
  const sent = run.twin.sent.length;
  assert.deepEqual(await run.display.show(['x']), { ok: false, error: 'hd44780-16x2: 1 lines for 2 rows' });
  assert.deepEqual(await run.display.show(['x', 'y'.repeat(17)]), {
    ok: false,
    error: 'hd44780-16x2: line 2 is 17 cells, the panel has 16',
  });
  const st = await openOnTwin(PANELS.st7920_128x64);
  assert.equal((await st.display.show(['', '', '', '一卡通一卡通一卡通'])).ok, false, '18 cells');
  assert.equal(run.twin.sent.length, sent);
});

test('the console frames the lines so trailing spaces stay visible', async () => {
  let out = '';
  await new ConsoleDisplay({ write: (t: string) => (out += t) }).show(['在线 ', 'ab   ']);
  assert.equal(out, '+-----+\n|在线 |\n|ab   |\n+-----+\n');
});
