import type { TerminalConfig } from '../config/schema.ts';
import { formatCents, formatPurse } from '../core/money.ts';
import type { MenuItem } from '../config/schema.ts';
import type { SaleLine } from './entry.ts';

/**
 * A receipt as lines of text; the printer driver turns it into ESC/POS bytes
 * (GB18030). Built from the committed record, so a reprint shows the same.
 */
export interface Receipt {
  lines: string[];
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
}): Receipt {
  const local = new Date(r.atMs + r.config.terminal.utcOffsetMinutes * 60_000)
    .toISOString()
    .replace('T', ' ')
    .slice(0, 19);
  const lines = [
    `${r.config.terminal.name}`,
    `终端 Terminal ${r.config.terminal.id}  流水 No. ${r.intentSeq}`,
    `时间 Time ${local}`,
    `卡号 Card ${r.cardNumber}`,
  ];
  const menu = new Map(r.config.pos.menu.map((m) => [m.code, m]));
  for (const l of r.lines) {
    const item = menu.get(l.code);
    lines.push(`${item?.name.zh ?? l.code} ${item?.name.en ?? ''} x${l.qty}  ${formatCents(l.qty * l.priceCents)}`);
  }
  if (r.unit === 'cents' && r.listAmountCents !== r.charged) lines.push(`原价 List ${formatCents(r.listAmountCents)}`);
  lines.push(`实收 Paid ${formatPurse(r.charged, r.unit)}`, `余额 Balance ${formatPurse(r.balance, r.unit)}`);
  if (r.operator) lines.push(`操作员 Operator ${r.operator}`);
  return { lines };
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
