import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { POLE_BAUD_DEFAULT, PoleDisplay } from '../../drivers/customer-display/pole.ts';
import { PANELS } from '../../drivers/display/index.ts';
import { layout } from '../../drivers/display/layout.ts';
import { parseUsbKeypadConfig, type PosKey } from '../../drivers/keypad/keymap.ts';
import { UsbKeypad } from '../../drivers/keypad/usb.ts';
import { say } from '../../drivers/voice/sentences.ts';
import type { PosOutput } from '../../firmware/pos/pos.ts';
import { CustomerDisplayTwin } from '../../simulator/customer-display/twin.ts';
import { scriptBytes } from '../../simulator/keypad/twin.ts';
import { VoiceTwin } from '../../simulator/voice/twin.ts';
import { openOnTwin } from '../drivers/display/sale.ts';
import { posWorld, total } from '../firmware/pos/pos-world.ts';

/**
 * A whole sale through the terminal's face, with the real driver code on
 * every device and a twin where the hardware would be: key bytes from the
 * USB keypad twin, the POS deciding, its screens on an ST7920 and a 20×4
 * HD44780 read back from their bus bytes, the amount on the pole display,
 * the result spoken. The glue here is the test's own (the composition root
 * will own it); the point is that the drivers carry a sale end to end.
 */
test('a 12.50 sale: keypad bytes in, panels, pole display and voice out', async () => {
  const w = await posWorld('virtual');
  try {
    const st7920 = await openOnTwin(PANELS.st7920_128x64);
    const lcd = await openOnTwin(PANELS.hd44780_20x4);
    const poleTwin = await CustomerDisplayTwin.open('pole', POLE_BAUD_DEFAULT);
    const pole = await PoleDisplay.open(poleTwin.link);
    assert.ok(pole.ok);
    const voice = new VoiceTwin();
    const status = { time: '11:30', online: false };
    const shown = async (out: PosOutput) => {
      for (const p of [st7920, lcd])
        assert.deepEqual(await p.display.show(layout(out.screen, status, p.display.panel)), { ok: true });
    };

    const config = parseUsbKeypadConfig({ device: '/dev/input/event0', layout: '32' });
    assert.ok(config.ok);
    const keys: PosKey[] = [];
    const source = new PassThrough();
    new UsbKeypad(source, config.config, { onKey: (k) => keys.push(k) });
    source.write(
      scriptBytes([{ key: 'KP1' }, { key: 'KP2' }, { key: 'KPDOT' }, { key: 'KP5' }, { key: 'KPENTER' }], 32),
    );
    assert.deepEqual(keys, ['1', '2', '.', '5', 'confirm']);

    let out: PosOutput | null = null;
    for (const k of keys) out = w.key('pos1', k);
    await shown(out!);
    assert.deepEqual(st7920.twin.rows(), [
      '11:30       离线',
      '应收 12.50, 请刷',
      '卡              ',
      '请付 12.50  元  ',
    ]);
    assert.deepEqual(lcd.twin.rows(), [
      '11:30        OFFLINE',
      'Due 12.50, tap card ',
      'Please pay 12.50    ',
      ' '.repeat(20),
    ]);
    assert.ok((await pole.display.show('total', 1250)).ok);
    assert.deepEqual([poleTwin.glass().lamp, poleTwin.glass().lines.A], [2, '12.50']);

    const paid = await w.tap('pos1', 'alice');
    await shown(paid);
    assert.equal(lcd.twin.rows()[1], 'Paid 12.50          ');
    assert.equal(st7920.twin.rows()[1], '收款成功 12.50  ');
    // The balance the customer is told: cash plus subsidy, as the POS's own screen says it.
    const balanceCents = 20_500 - 1_250;
    assert.equal(await total(w, 'alice'), balanceCents);
    assert.match(paid.screen.customer.en, /balance 192\.50$/);
    assert.ok((await pole.display.show('paid', 1250)).ok);
    assert.deepEqual([poleTwin.glass().lamp, poleTwin.glass().lines.A], [3, '12.50']);
    const spoken = voice.say(say.paid('zh', 1250, balanceCents));
    voice.finish();
    assert.equal(await spoken, 'done');
    assert.equal(voice.said[0]!.text, '消费十二元五角pause余额一百九十二元五角');
    for (const p of [st7920, lcd]) assert.deepEqual(p.twin.errors, []);
    assert.deepEqual(poleTwin.glass().errors, []);
    await pole.display.close();
  } finally {
    w.close();
  }
});
