/**
 * A receipt's reference: which journal record it was printed from, so a
 * scanned QR (or the printed text) leads a clerk or the backend to exactly
 * one record. `R<terminal id>-<journal seq>`, both decimal: a journal seq is
 * unique within its terminal for ever and a terminal id within the fleet
 * (seq 0: totals taken before the journal held any record).
 * docs/receipts.md describes it for integrators.
 */
export function receiptReference(terminalId: number, seq: number): string {
  return `R${terminalId}-${seq}`;
}

const REFERENCE_PATTERN = /^R([1-9]\d{0,9})-(0|[1-9]\d{0,15})$/;

/** The terminal id and seq of a scanned reference, or null when it is not one of ours. */
export function parseReceiptReference(text: string): { terminalId: number; seq: number } | null {
  const m = REFERENCE_PATTERN.exec(text);
  if (!m) return null;
  const terminalId = Number(m[1]);
  const seq = Number(m[2]);
  return Number.isSafeInteger(terminalId) && Number.isSafeInteger(seq) ? { terminalId, seq } : null;
}
