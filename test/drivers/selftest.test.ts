import assert from 'node:assert/strict';
import { test } from 'node:test';
import { POLE_BAUD_DEFAULT, PoleDisplay } from '../../drivers/customer-display/pole.ts';
import { customerDisplaySelftest } from '../../drivers/customer-display/selftest.ts';
import { PANELS } from '../../drivers/display/index.ts';
import { cells } from '../../drivers/display/layout.ts';
import { displaySelftest, testPattern } from '../../drivers/display/selftest.ts';
import { keyEcho } from '../../drivers/keypad/selftest.ts';
import { voiceSelftest } from '../../drivers/voice/selftest.ts';
import { CustomerDisplayTwin } from '../../simulator/customer-display/twin.ts';
import { VoiceTwin } from '../../simulator/voice/twin.ts';
import { openOnTwin } from './display/sale.ts';

test('display selftest: every cell of every row written, Chinese on the ST7920, read back by the twin', async () => {
  for (const panel of [PANELS.st7920_128x64, PANELS.hd44780_20x4, PANELS.hd44780_16x2]) {
    const run = await openOnTwin(panel);
    assert.deepEqual(await displaySelftest(run.display), { ok: true });
    assert.deepEqual(run.twin.rows(), testPattern(panel));
    for (const row of run.twin.rows())
      assert.equal(cells(row.replace(/ +$/, '')), panel.columns, `${panel.name}: "${row}"`);
  }
  assert.equal(testPattern(PANELS.st7920_128x64)[1], '一卡通显示屏测试');
});

test('customer display selftest: each lamp in turn with every segment lit, then blank', async () => {
  const twin = await CustomerDisplayTwin.open('pole', POLE_BAUD_DEFAULT);
  const opened = await PoleDisplay.open(twin.link);
  assert.ok(opened.ok);
  const seen: [number, string][] = [];
  const r = await customerDisplaySelftest(opened.display, async () => {
    seen.push([twin.glass().lamp, twin.glass().lines.A]);
  });
  assert.deepEqual(r, { ok: true });
  assert.deepEqual(
    seen,
    [1, 2, 3, 4].map((lamp) => [lamp, '888888.88']),
  );
  assert.deepEqual([twin.glass().lamp, twin.glass().lines.A], [0, '']);
});

test('keypad selftest echoes keys until cancel', async () => {
  const lines: string[] = [];
  const echo = keyEcho((l) => lines.push(l));
  for (const k of ['1', 'confirm', 'cancel'] as const) echo.onKey(k);
  assert.deepEqual(await echo.done, ['1', 'confirm', 'cancel']);
  assert.deepEqual(lines.slice(1), ['key 1', 'key confirm', 'key cancel']);
});

test('voice selftest says the sale sentence', async () => {
  const voice = new VoiceTwin();
  const said = voiceSelftest(voice, 'zh');
  voice.finish();
  assert.equal(await said, 'done');
  assert.equal(voice.said[0]!.text, '消费十二元五角pause余额八十七元');
});
