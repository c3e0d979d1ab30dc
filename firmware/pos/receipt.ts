import type { MenuItem, TerminalConfig } from '../config/schema.ts';
import { formatCents, formatPurse } from '../core/money.ts';
import type { ReceiptDoc } from '../receipts/document.ts';
import { localTime } from '../core/clock.ts';
import type { ReceiptHead } from '../receipts/head.ts';
import { docText } from '../receipts/layout.ts';
import { PAPER } from '../receipts/paper.ts';
import {
  type CountAndAmount,
  type SaleFacts,
  saleReceipt,
  topupReceipt,
  totalsReceipt,
  undoReceipt,
} from '../receipts/templates.ts';
import type { IntentBody } from '../../protocol/messages/record-kinds.ts';
import type { SaleLine } from './entry.ts';

/**
 * A POS receipt, built from the committed record so a reprint shows the same:
 * `doc` is what the printer prints (firmware/receipts: 58/80 mm, Chinese or
 * English per config pos.printer, the record's reference as a QR), `lines` the
 * bilingual text the simulator's display shows.
 */
/**
 * A step's receipts, built when first asked for: after the tap's result (and
 * its beep) is out, so formatting a receipt never holds the beep back.
 */
export type LaterReceipts = () => Receipt[];

export const noReceipts: LaterReceipts = () => [];

export interface Receipt {
  lines: string[];
  doc: ReceiptDoc;
  /** A sale's facts: its print-once invoice is printed from them (receipts/invoice.ts). */
  sale?: SaleFacts;
}

/** Where and when, for every receipt of this till: the record's seq is its reference. */
function headOf(config: TerminalConfig, seq: number, atMs: number, operator: string | null): ReceiptHead {
  const { name, id, utcOffsetMinutes } = config.terminal;
  return { shopName: name, terminalId: id, seq, atMs, utcOffsetMinutes, operator };
}

/** A receipt other than a sale's: the display shows the printed text (in the receipts' language). */
function printedAs(config: TerminalConfig, doc: ReceiptDoc): Receipt {
  return { lines: docText(doc, PAPER[config.pos.printer.paperMm].columns), doc };
}

export function undoReceiptFor(
  config: TerminalConfig,
  intent: { seq: number; body: IntentBody },
  balance: number,
  atMs: number,
  operator: string | null,
): Receipt {
  const b = intent.body;
  const facts = { ...headOf(config, intent.seq, atMs, operator), cardNumber: b.cardNumber, unit: b.unit, balance };
  const doc = undoReceipt(
    { ...facts, undoOf: b.undoOf ?? 0, refundedAmount: -b.chargedAmount, points: b.points },
    config.pos.printer.language,
  );
  return printedAs(config, doc);
}

export function topupReceiptFor(
  config: TerminalConfig,
  intent: { seq: number; body: IntentBody },
  balanceCents: number,
  atMs: number,
  operator: string | null,
): Receipt {
  const head = headOf(config, intent.seq, atMs, operator);
  const facts = {
    ...head,
    cardNumber: intent.body.cardNumber,
    // Cash and bonus apart: the bonus is the subsidy part of a top-up (firmware/policy/points.ts).
    creditedCents: -intent.body.fromBalance,
    bonusCents: -intent.body.fromSubsidy,
    balanceCents,
    points: intent.body.points,
  };
  return printedAs(config, topupReceipt(facts, config.pos.printer.language));
}

/** The day's (and the open shift's) totals as the journal counts them, referenced by its last record. */
export function totalsReceiptsFor(
  config: TerminalConfig,
  lastSeq: number,
  atMs: number,
  day: { key: string; sales: CountAndAmount; topups: CountAndAmount },
  shift: { key: string; sales: CountAndAmount; operator: string } | null,
): Receipt[] {
  const language = config.pos.printer.language;
  const dayDoc = totalsReceipt(
    { ...headOf(config, lastSeq, atMs, shift?.operator ?? null), scope: 'day', ...day },
    language,
  );
  if (!shift) return [printedAs(config, dayDoc)];
  const shiftHead = headOf(config, lastSeq, atMs, shift.operator);
  const shiftDoc = totalsReceipt({ ...shiftHead, scope: 'shift', key: shift.key, sales: shift.sales }, language);
  return [printedAs(config, dayDoc), printedAs(config, shiftDoc)];
}

export function receiptFor(r: {
  config: TerminalConfig;
  intentSeq: number;
  cardNumber: number;
  /** What was sold (empty for an amount typed or a fixed price) and its price before the class discount. */
  lines: readonly SaleLine[];
  listAmountCents: number;
  charged: number;
  balance: number;
  unit: 'cents' | 'uses';
  atMs: number;
  operator: string | null;
  points?: number;
}): Receipt {
  const local = localTime(r.atMs, r.config.terminal.utcOffsetMinutes);
  const lines = [
    `${r.config.terminal.name}`,
    `终端 Terminal ${r.config.terminal.id}  流水 No. ${r.intentSeq}`,
    `时间 Time ${local}`,
    `卡号 Card ${r.cardNumber}`,
  ];
  const menu = new Map(r.config.pos.menu.map((m) => [m.code, m]));
  const sold = r.lines.map((l) => {
    const name = menu.get(l.code)?.name ?? { zh: `${l.code}`, en: `${l.code}` };
    return { name, qty: l.qty, amountCents: l.qty * l.priceCents };
  });
  for (const [i, l] of r.lines.entries()) {
    const item = menu.get(l.code);
    lines.push(`${item?.name.zh ?? l.code} ${item?.name.en ?? ''} x${l.qty}  ${formatCents(sold[i]!.amountCents)}`);
  }
  if (r.unit === 'cents' && r.listAmountCents !== r.charged) lines.push(`原价 List ${formatCents(r.listAmountCents)}`);
  lines.push(`实收 Paid ${formatPurse(r.charged, r.unit)}`, `余额 Balance ${formatPurse(r.balance, r.unit)}`);
  if (r.points) lines.push(`积分 Points +${r.points}`);
  if (r.operator) lines.push(`操作员 Operator ${r.operator}`);
  const facts: SaleFacts = {
    ...headOf(r.config, r.intentSeq, r.atMs, r.operator),
    cardNumber: r.cardNumber,
    unit: r.unit,
    lines: sold,
    listAmountCents: r.listAmountCents,
    chargedAmount: r.charged,
    balance: r.balance,
    ...(r.points ? { points: r.points } : {}),
  };
  return { lines, doc: saleReceipt(facts, r.config.pos.printer.language), sale: facts };
}

/**
 * The sold lines of a journaled write (it keeps codes and portions), priced
 * from the menu: for a receipt of a sale that settled after the cashier moved on.
 */
export function linesOf(
  items: readonly { code: number; qty: number }[] | undefined,
  menu: readonly MenuItem[],
): SaleLine[] {
  return (items ?? []).map((i) => ({ ...i, priceCents: menu.find((m) => m.code === i.code)?.priceCents ?? 0 }));
}
