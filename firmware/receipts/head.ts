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

/** Local wall time `YYYY-MM-DD HH:MM:SS` of a record's atMs (the clock is the caller's, injected). */
export function localTime(atMs: number, utcOffsetMinutes: number): string {
  return new Date(atMs + utcOffsetMinutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
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
