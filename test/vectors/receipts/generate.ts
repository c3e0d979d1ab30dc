/**
 * Generator of test/vectors/receipts/*.json: for every template, language and
 * roll (cases.ts), the ESC/POS bytes and the transcript the printer twin
 * renders from them. Run by hand only when a template or the layout
 * deliberately changes, review the diff, check it in:
 *
 *   node --import tsx test/vectors/receipts/generate.ts
 *
 * test/firmware/receipts/golden.test.ts compares the checked-in files with the code.
 */
import { writeFileSync } from 'node:fs';
import { receiptVector } from './vector.ts';
import { LANGUAGES, PAPERS, TEMPLATES, vectorFile } from './cases.ts';

for (const template of Object.keys(TEMPLATES))
  for (const language of LANGUAGES)
    for (const paperMm of PAPERS)
      writeFileSync(
        vectorFile(template, language, paperMm),
        `${JSON.stringify(receiptVector(template, language, paperMm), null, 2)}\n`,
      );
