import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairLines, textColumns, wrapColumns } from '../../../firmware/receipts/columns.ts';
import { layoutJob } from '../../../firmware/receipts/layout.ts';
import { PAPER } from '../../../firmware/receipts/paper.ts';
import { LANGUAGES, PAPERS, settingsFor, TEMPLATES } from '../../vectors/receipts/cases.ts';

test('a Chinese character takes two columns, Latin text and ¥ one', () => {
  assert.equal(textColumns('实收 Paid ¥1'), 4 + 1 + 4 + 1 + 2);
});

test('a pair fills its line exactly; when label and value do not fit, the value goes flush right below', () => {
  assert.deepEqual(pairLines('余额', '70.75', 12), ['余额   70.75']);
  assert.deepEqual(pairLines('牛肉面牛肉面', '1234.00', 12), ['牛肉面牛肉面', '     1234.00']);
});

test('wrapping breaks at spaces and never splits a wide character', () => {
  assert.deepEqual(wrapColumns('一号食堂 Canteen 1', 16), ['一号食堂 Canteen', '1']);
  assert.deepEqual(wrapColumns('牛肉面牛肉面', 5), ['牛肉', '面牛', '肉面']);
});

test('every line of every receipt fits its roll (58 mm: 32 columns, 80 mm: 48), titles at double width', () => {
  for (const template of Object.keys(TEMPLATES))
    for (const language of LANGUAGES)
      for (const paperMm of PAPERS) {
        const job = layoutJob(TEMPLATES[template]!(language), settingsFor(language, paperMm));
        for (const item of job.items)
          if (item.kind === 'text') {
            const used = textColumns(item.text) * (item.style?.widthMul ?? 1);
            assert.ok(used <= PAPER[paperMm].columns, `${template} ${language} ${paperMm}: "${item.text}"`);
          }
      }
});

test('the QR goes native (GS ( k) where the printer has it, rasterised (GS v 0) where not', () => {
  const qrOf = (nativeQr: boolean) =>
    layoutJob(TEMPLATES.sale!('en'), { ...settingsFor('en', 58), nativeQr }).items.find((i) => i.kind === 'qr');
  assert.deepEqual(qrOf(true), { kind: 'qr', data: 'R101-42', render: 'native', moduleDots: 4 });
  assert.equal(qrOf(false)?.kind === 'qr' && qrOf(false)?.render, 'raster');
});
