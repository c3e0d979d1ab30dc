/**
 * Generator of test/vectors/printer/sample-receipt.json: the ESC/POS bytes of
 * SAMPLE_RECEIPT and the transcript the simulator renders from them. Run by
 * hand only when the encoder deliberately changes, review the diff, check it in:
 *
 *   node --import tsx test/vectors/printer/generate.ts
 *
 * test/drivers/printer/golden.test.ts compares the checked-in file with the code.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeJob } from '../../../drivers/printer/encode.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { SAMPLE_RECEIPT } from './sample-receipt.ts';

const encoded = encodeJob(SAMPLE_RECEIPT);
if (!encoded.ok) throw new Error(encoded.error);
const sim = new SimPrinter();
sim.receive(encoded.bytes);
const hex = Buffer.from(encoded.bytes).toString('hex');
const out = { bytesHex: hex.match(/.{1,64}/g), transcript: sim.transcript().split('\n') };
writeFileSync(fileURLToPath(new URL('./sample-receipt.json', import.meta.url)), `${JSON.stringify(out, null, 2)}\n`);
