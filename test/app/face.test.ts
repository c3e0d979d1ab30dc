import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Face } from '../../app/face.ts';
import { clockStatus } from '../../drivers/display/status.ts';
import { poleShowFor, sentenceFor } from '../../app/face-plan.ts';
import { JsonLogger, MemorySink } from '../../base/log.ts';
import type { Display } from '../../drivers/display/index.ts';
import { PANELS } from '../../drivers/display/index.ts';
import { screens } from '../../firmware/pos/screen.ts';
import { VoiceTwin } from '../../simulator/voice/twin.ts';

test('the pole display: due on the total lamp, paid on the paid lamp, a refusal keeps the amount, rest blanks', () => {
  assert.deepEqual(poleShowFor(screens.awaitCard(1250, false).figure), { lamp: 'total', amountCents: 1250 });
  assert.deepEqual(poleShowFor(screens.paid(1250, 8700, 'cents').figure), { lamp: 'paid', amountCents: 1250 });
  assert.equal(poleShowFor(screens.refused('blacklisted').figure), 'keep');
  assert.equal(poleShowFor(screens.idle(null).figure), 'clear');
  // A count purse's uses are no amount: nothing for the pole display to light.
  assert.equal(poleShowFor(screens.paid(1, 9, 'uses').figure), 'clear');
});

test('the voice: results are spoken, an amount still due is not', () => {
  assert.equal(sentenceFor(screens.awaitCard(1250, false).figure, 'zh'), null);
  assert.deepEqual(
    sentenceFor(screens.paid(1250, 8700, 'cents').figure, 'zh')?.clips.join(''),
    '消费十二元五角pause余额八十七元',
  );
  assert.deepEqual(sentenceFor(screens.refused('blacklisted').figure, 'en')?.clips, ['refused', 'reason-blacklisted']);
});

test('the status line is local time from the injected clock', () => {
  const at = Date.parse('2026-11-23T23:59:00+08:00');
  assert.deepEqual(
    clockStatus(
      () => at,
      480,
      () => true,
    )(),
    { time: '23:59', online: true },
  );
  assert.deepEqual(
    clockStatus(
      () => at,
      -300,
      () => false,
    )(),
    { time: '10:59', online: false },
  );
});

test('a dead panel is logged once, the voice still speaks, and its recovery is logged', async () => {
  let fail = true;
  const display: Display = {
    panel: PANELS.hd44780_20x4,
    show: async () => (fail ? { ok: false, error: 'hd44780: no ACK' } : { ok: true }),
    close: async () => {},
  };
  const sink = new MemorySink();
  const voice = new VoiceTwin();
  const face = new Face(
    { display, voice: { player: voice, lang: 'en' } },
    () => ({ time: '11:30', online: true }),
    new JsonLogger(sink, () => 0, 'debug'),
  );
  const out = { screen: screens.paid(1250, 8700, 'cents'), beeps: [], receipts: [] };
  await face.present(out);
  await face.present(out);
  fail = false;
  await face.present(out);
  assert.deepEqual(
    sink.lines.map((l) => (JSON.parse(l) as { event: string }).event),
    ['face.failed', 'face.recovered'],
  );
  assert.equal(voice.said.length, 3);
});
