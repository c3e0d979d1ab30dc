import { encodeJob } from '../../../drivers/printer/encode.ts';
import type { Language } from '../../../firmware/receipts/document.ts';
import { layoutJob } from '../../../firmware/receipts/layout.ts';
import type { PaperMm } from '../../../firmware/receipts/paper.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { settingsFor, TEMPLATES } from './cases.ts';

/** One receipt vector: its bytes (hex, 64 digits a line, so a diff shows where) and the twin's transcript. */
export interface ReceiptVector {
  bytesHex: string[];
  transcript: string[];
}

export function receiptBytes(template: string, language: Language, paperMm: PaperMm): Uint8Array {
  const doc = TEMPLATES[template]!(language);
  const encoded = encodeJob(layoutJob(doc, settingsFor(language, paperMm)));
  if (!encoded.ok) throw new Error(encoded.error);
  return encoded.bytes;
}

export function receiptVector(template: string, language: Language, paperMm: PaperMm): ReceiptVector {
  const bytes = receiptBytes(template, language, paperMm);
  const sim = new SimPrinter();
  sim.receive(bytes);
  const hex = Buffer.from(bytes).toString('hex');
  return { bytesHex: hex.match(/.{1,64}/g) ?? [], transcript: sim.transcript().split('\n') };
}
