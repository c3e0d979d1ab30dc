import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LANGUAGES, PAPERS, TEMPLATES, vectorFile } from '../../vectors/receipts/cases.ts';
import { receiptVector } from '../../vectors/receipts/vector.ts';

/**
 * Golden vectors: each template's ESC/POS bytes and the printer twin's
 * transcript of them, in Chinese and English, on 58 and 80 mm, as checked in
 * by test/vectors/receipts/generate.ts. A change to a template, the layout or
 * the encoder shows here as a diff to review.
 */
for (const template of Object.keys(TEMPLATES))
  for (const language of LANGUAGES)
    for (const paperMm of PAPERS)
      test(`receipt ${template}, ${language}, ${paperMm} mm: bytes and transcript as checked in`, () => {
        const file = JSON.parse(readFileSync(vectorFile(template, language, paperMm), 'utf8'));
        const now = receiptVector(template, language, paperMm);
        assert.deepEqual(now.transcript, file.transcript);
        assert.deepEqual(now.bytesHex, file.bytesHex);
      });

test('no vector file is left over from a case that is gone', () => {
  const dir = new URL('../../vectors/receipts/', import.meta.url);
  const cases = new Set(
    Object.keys(TEMPLATES).flatMap((t) =>
      LANGUAGES.flatMap((l) => PAPERS.map((p) => vectorFile(t, l, p).pathname.split('/').pop())),
    ),
  );
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.deepEqual(
    files.filter((f) => !cases.has(f)),
    [],
  );
});

test('the transcripts say what each receipt is, in its language', () => {
  const says = (template: string, language: 'zh' | 'en', text: string) =>
    assert.ok(
      receiptVector(template, language, 58).transcript.some((l) => l.includes(text)),
      `${template} ${language}: ${text}`,
    );
  says('sale', 'zh', '实收');
  says('sale', 'en', 'Paid');
  says('invoice-copy', 'zh', '副本');
  says('invoice-copy', 'en', 'COPY');
  says('totals', 'en', 'DAY TOTALS');
  says('topup', 'zh', '充值');
  says('undo', 'en', 'REFUND');
});
