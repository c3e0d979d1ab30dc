import { parseAmount } from '../core/money.ts';
import type { MenuItem, PosConfig } from '../config/schema.ts';

/**
 * Keypad entry for a sale, per entry mode. Pure: (buffer, key) → buffer or a
 * finished amount, or an error for the cashier. A wrong key never changes
 * anything but the message.
 */
export type Key = string;

export interface SaleLine {
  code: number;
  qty: number;
  priceCents: number;
}

export type EntryResult =
  | { kind: 'editing'; buffer: string }
  | { kind: 'done'; amountCents: number; lines: SaleLine[] }
  | { kind: 'error'; buffer: string; zh: string; en: string };

/** Limits on what a cashier can type: a 9-digit yuan amount, a 3-digit portion count. */
export const ENTRY_CHARS_MAX = 32;
export const PORTIONS_MAX = 99;

const DIGIT = /^[0-9]$/;

/** Free amount: digits and one decimal point, confirmed by `confirm`. */
export function freeEntry(buffer: string, key: Key): EntryResult {
  if (DIGIT.test(key) || key === '.') {
    const next = buffer + key;
    if (next.length > ENTRY_CHARS_MAX || !/^\d{0,9}(\.\d{0,2})?$/.test(next))
      return { kind: 'error', buffer, zh: '金额格式错误', en: 'Invalid amount' };
    return { kind: 'editing', buffer: next };
  }
  if (key === 'confirm') {
    const cents = parseAmount(buffer);
    if (cents === null || cents === 0) return { kind: 'error', buffer, zh: '请输入金额', en: 'Enter an amount' };
    return { kind: 'done', amountCents: cents, lines: [] };
  }
  return { kind: 'error', buffer, zh: '无效按键', en: 'Invalid key' };
}

/**
 * Item codes: `code` [`*` portions] then `+` for the next item, `confirm` to
 * finish. "12*2+7" = two portions of item 12 and one of item 7.
 */
export function itemEntry(buffer: string, key: Key, menu: readonly MenuItem[]): EntryResult {
  if (DIGIT.test(key) || key === '*' || key === '+') {
    const next = buffer + key;
    if (next.length > ENTRY_CHARS_MAX || !/^(\d{1,3}(\*\d{0,2})?\+)*(\d{0,3}(\*\d{0,2})?)?$/.test(next)) {
      return { kind: 'error', buffer, zh: '菜品号格式错误', en: 'Invalid item entry' };
    }
    return { kind: 'editing', buffer: next };
  }
  if (key !== 'confirm') return { kind: 'error', buffer, zh: '无效按键', en: 'Invalid key' };
  const lines: SaleLine[] = [];
  for (const part of buffer.split('+').filter((p) => p.length > 0)) {
    const [codeText, qtyText] = part.split('*');
    const code = Number(codeText);
    const qty = qtyText === undefined || qtyText === '' ? 1 : Number(qtyText);
    const item = menu.find((m) => m.code === code);
    if (!item) return { kind: 'error', buffer, zh: `无此菜品 ${code}`, en: `No item ${code}` };
    if (qty < 1 || qty > PORTIONS_MAX) return { kind: 'error', buffer, zh: '份数错误', en: 'Invalid portions' };
    lines.push({ code, qty, priceCents: item.priceCents });
  }
  if (lines.length === 0) return { kind: 'error', buffer, zh: '请输入菜品号', en: 'Enter an item code' };
  return { kind: 'done', amountCents: lines.reduce((s, l) => s + l.qty * l.priceCents, 0), lines };
}

/** The item the code being keyed names (the part after the last `+`), for the entry screen; null while none. */
export function currentItem(buffer: string, menu: readonly MenuItem[]): MenuItem | null {
  const m = /^(\d{1,3})(\*\d{0,2})?$/.exec(buffer.slice(buffer.lastIndexOf('+') + 1));
  return m ? (menu.find((i) => i.code === Number(m[1])) ?? null) : null;
}

/** Simple keypad: each key is a price (the seeds' mapping by default). */
export function simpleEntry(key: Key, pos: PosConfig): EntryResult {
  const cents = (pos.simpleKeys as Record<string, number | undefined>)[key];
  if (cents === undefined) return { kind: 'error', buffer: '', zh: '无效按键', en: 'Invalid key' };
  return { kind: 'done', amountCents: cents, lines: [] };
}
