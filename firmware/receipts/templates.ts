import { formatCents, formatPurse } from '../core/money.ts';
import type { DocLine, Language, ReceiptDoc } from './document.ts';
import { footLines, headLines, type ReceiptHead } from './head.ts';
import { LABELS } from './labels.ts';

/**
 * The receipt templates: facts of a journaled record in, a document out.
 * Pure; amounts are integer cents (or uses on a count purse) and are only
 * turned into text here, by core/money.
 */
export type PurseUnit = 'cents' | 'uses';

export interface SoldLine {
  name: { zh: string; en: string };
  qty: number;
  /** qty × unit price, before the class discount. */
  amountCents: number;
}

export interface SaleFacts extends ReceiptHead {
  cardNumber: number;
  unit: PurseUnit;
  lines: readonly SoldLine[];
  listAmountCents: number;
  chargedAmount: number;
  balance: number;
  /** Member points the sale earned (firmware/policy/points.ts); no line when absent or 0. */
  points?: number;
}

/** The points line of a receipt, signed ("+12", "-12"); none when the write moved no points. */
function pointsLine(points: number | undefined, language: Language): DocLine[] {
  if (!points) return [];
  return [{ kind: 'pair', label: LABELS[language].points, value: points > 0 ? `+${points}` : `${points}` }];
}

function saleBody(f: SaleFacts, language: Language): DocLine[] {
  const t = LABELS[language];
  const sold: DocLine[] = f.lines.map((l) => ({
    kind: 'pair',
    label: `${l.name[language]} x${l.qty}`,
    value: formatCents(l.amountCents),
  }));
  const list: DocLine[] =
    f.unit === 'cents' && f.listAmountCents !== f.chargedAmount
      ? [{ kind: 'pair', label: t.list, value: formatCents(f.listAmountCents) }]
      : [];
  return [
    { kind: 'pair', label: t.card, value: `${f.cardNumber}` },
    { kind: 'rule' },
    ...sold,
    ...list,
    { kind: 'pair', label: t.paid, value: formatPurse(f.chargedAmount, f.unit), bold: true },
    { kind: 'pair', label: t.balance, value: formatPurse(f.balance, f.unit) },
    ...pointsLine(f.points, language),
  ];
}

export function saleReceipt(f: SaleFacts, language: Language): ReceiptDoc {
  const t = LABELS[language];
  return { lines: [...headLines(f, t.sale, t), ...saleBody(f, language), ...footLines(f, t)] };
}

/**
 * The print-once invoice of a sale: its first print is the original, every
 * later one says COPY (invoice.ts decides which from the journal).
 */
export function invoiceReceipt(f: SaleFacts, copy: boolean, language: Language): ReceiptDoc {
  const t = LABELS[language];
  const kind = copy ? `${t.invoice} ${t.copy}` : t.invoice;
  const note: DocLine = { kind: 'text', text: copy ? t.copy : t.printOnce, align: 'center', bold: copy };
  return { lines: [...headLines(f, kind, t), ...saleBody(f, language), note, ...footLines(f, t)] };
}

export interface UndoFacts extends ReceiptHead {
  cardNumber: number;
  unit: PurseUnit;
  /** The sale's intent seq. */
  undoOf: number;
  /** What went back onto the card (positive). */
  refundedAmount: number;
  balance: number;
  /** The sale's points given back (negative). */
  points?: number;
}

export function undoReceipt(f: UndoFacts, language: Language): ReceiptDoc {
  const t = LABELS[language];
  const body: DocLine[] = [
    { kind: 'pair', label: t.card, value: `${f.cardNumber}` },
    { kind: 'pair', label: t.undoOf, value: `${f.undoOf}` },
    { kind: 'pair', label: t.refunded, value: formatPurse(f.refundedAmount, f.unit), bold: true },
    { kind: 'pair', label: t.balance, value: formatPurse(f.balance, f.unit) },
    ...pointsLine(f.points, language),
  ];
  return { lines: [...headLines(f, t.undo, t), ...body, ...footLines(f, t)] };
}

export interface TopupFacts extends ReceiptHead {
  cardNumber: number;
  /** Cash put on the card. */
  creditedCents: number;
  /** A top-up bonus tier's promotion, in the subsidy wallet; no line when absent or 0. */
  bonusCents?: number;
  balanceCents: number;
  points?: number;
}

/** copy: a reprint (the first print was cut short or refused by the printer) says COPY in its title and body. */
export function topupReceipt(f: TopupFacts, language: Language, copy = false): ReceiptDoc {
  const t = LABELS[language];
  const body: DocLine[] = [
    { kind: 'pair', label: t.card, value: `${f.cardNumber}` },
    { kind: 'pair', label: t.credited, value: formatCents(f.creditedCents), bold: true },
    ...(f.bonusCents ? [{ kind: 'pair', label: t.bonus, value: formatCents(f.bonusCents) } as const] : []),
    { kind: 'pair', label: t.balance, value: formatCents(f.balanceCents) },
    ...pointsLine(f.points, language),
    ...(copy ? [{ kind: 'text', text: t.copy, align: 'center', bold: true } as const] : []),
  ];
  return { lines: [...headLines(f, copy ? `${t.topup} ${t.copy}` : t.topup, t), ...body, ...footLines(f, t)] };
}

export interface CountAndAmount {
  count: number;
  amountCents: number;
}

/**
 * What the journal's totals counters hold: sales net of their undos (an undo
 * counts −1 and its refund), and the day's top-ups (cash taken, kept apart).
 */
export interface TotalsFacts extends ReceiptHead {
  scope: 'day' | 'shift';
  /** The day (YYYY-MM-DD) or the shift id. */
  key: string;
  sales: CountAndAmount;
  /** Top-ups are counted per day only: absent on a shift's totals. */
  topups?: CountAndAmount;
}

export function totalsReceipt(f: TotalsFacts, language: Language): ReceiptDoc {
  const t = LABELS[language];
  const topups: DocLine[] = f.topups
    ? [
        { kind: 'pair', label: t.topups, value: `${f.topups.count}` },
        { kind: 'pair', label: t.topupsAmount, value: formatCents(f.topups.amountCents) },
      ]
    : [];
  const body: DocLine[] = [
    { kind: 'pair', label: t.period, value: f.key },
    { kind: 'rule' },
    { kind: 'pair', label: t.sales, value: `${f.sales.count}` },
    { kind: 'pair', label: t.salesAmount, value: formatCents(f.sales.amountCents), bold: true },
    ...topups,
  ];
  const kind = f.scope === 'day' ? t.dayTotals : t.shiftTotals;
  return { lines: [...headLines(f, kind, t), ...body, ...footLines(f, t)] };
}
