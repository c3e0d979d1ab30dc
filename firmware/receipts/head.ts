import { localTime } from '../core/clock.ts';
import type { DocLine } from './document.ts';
import type { Labels } from './labels.ts';
import { receiptReference } from './reference.ts';

/** What every receipt says about where and when: the record it was printed from, and who was at the till. */
export interface ReceiptHead {
  shopName: string;
  terminalId: number;
  /** The journal seq of the record the receipt is for (a sale's intent, a sign-out …): its reference. */
  seq: number;
  atMs: number;
  utcOffsetMinutes: number;
  operator: string | null;
}

export function headLines(h: ReceiptHead, kind: string, t: Labels): DocLine[] {
  return [
    { kind: 'title', text: h.shopName },
    { kind: 'title', text: kind },
    { kind: 'pair', label: t.terminal, value: `${h.terminalId}` },
    { kind: 'pair', label: t.time, value: localTime(h.atMs, h.utcOffsetMinutes) },
  ];
}

/** The foot of every receipt: operator, the reference in words and as a QR. */
export function footLines(h: ReceiptHead, t: Labels): DocLine[] {
  const reference = receiptReference(h.terminalId, h.seq);
  return [
    ...(h.operator ? [{ kind: 'pair', label: t.operator, value: h.operator } as const] : []),
    { kind: 'rule' },
    { kind: 'pair', label: t.reference, value: reference },
    { kind: 'qr', data: reference },
  ];
}
