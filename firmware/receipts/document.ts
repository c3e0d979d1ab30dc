import type { Align } from '../../drivers/printer/index.ts';

/**
 * A receipt as the templates build it: what each line says and how it stands
 * out, with no paper width and no printer in it. layout.ts fits it to 58 or
 * 80 mm paper and turns it into a print job; the same document prints the
 * same on any ReceiptPrinter.
 */
export type Language = 'zh' | 'en';

export type DocLine =
  /** Centred, bold, double width and height: the shop's name, the receipt's kind. */
  | { kind: 'title'; text: string }
  | { kind: 'text'; text: string; align?: Align; bold?: boolean }
  /** A label on the left, its value flush right (on a line of its own when both do not fit). */
  | { kind: 'pair'; label: string; value: string; bold?: boolean }
  | { kind: 'rule' }
  /** The record's reference (reference.ts) as a QR code. */
  | { kind: 'qr'; data: string };

export interface ReceiptDoc {
  lines: readonly DocLine[];
}
