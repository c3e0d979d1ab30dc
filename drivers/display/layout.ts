import type { PanelSize, ScreenText, StatusFacts } from './index.ts';

/**
 * Lays a POS screen out as the lines of one panel. Pure. Every line is padded
 * to the panel's width, so a driver overwrites whole rows and never needs the
 * slow clear instruction between screens.
 *
 * The rule, for every panel: the cashier's text, then the customer's (the
 * cashier sees the balance too), word-wrapped; the status line (time, link)
 * on top when the text leaves a row free. Latin-only panels show the English
 * texts, Chinese-capable panels the Chinese ones.
 */

/** Cells a character takes: CJK ideographs, CJK punctuation and full-width forms take two. */
export function cellWidth(ch: string): 1 | 2 {
  const cp = ch.codePointAt(0) ?? 0;
  return cp >= 0x2e80 && !(cp >= 0xff61 && cp <= 0xff9f) ? 2 : 1;
}

export const cells = (text: string): number => [...text].reduce((n, ch) => n + cellWidth(ch), 0);

/** What a Latin-only ROM can draw: printable ASCII; anything else becomes '?', never a garbage glyph. */
const latinOnly = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');

/** Units that wrap as one: a run of half-width non-spaces is a word, each wide character stands alone. */
function units(text: string): { unit: string; spaceBefore: boolean }[] {
  const out: { unit: string; spaceBefore: boolean }[] = [];
  let spaced = false;
  for (const m of text.matchAll(/ +|[\u2e80-\u{10ffff}]|[!-\u2e7f]+/gu)) {
    const u = m[0];
    if (u.startsWith(' ')) spaced = true;
    else {
      out.push({ unit: u, spaceBefore: spaced });
      spaced = false;
    }
  }
  return out;
}

/** Greedy word wrap into lines of at most `width` cells; a wide glyph never starts on an odd cell if asked. */
export function wrap(text: string, width: number, wideOnEvenCell: boolean): string[] {
  const lines: string[] = [];
  let line = '';
  const put = (ch: string): void => {
    const w = cellWidth(ch);
    const pad = wideOnEvenCell && w === 2 && cells(line) % 2 === 1 ? 1 : 0;
    if (cells(line) + pad + w > width) {
      lines.push(line);
      line = '';
      if (ch === ' ') return;
      put(ch);
      return;
    }
    line += ' '.repeat(pad) + ch;
  };
  for (const { unit, spaceBefore } of units(text)) {
    const needed = (line && spaceBefore ? 1 : 0) + cells(unit);
    if (line && cells(line) + needed > width && cells(unit) <= width) {
      lines.push(line);
      line = '';
    } else if (line && spaceBefore) put(' ');
    for (const ch of unit) put(ch);
  }
  if (line) lines.push(line);
  return lines;
}

export const padCells = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - cells(text)));

const MARK = { chinese: { on: '在线', off: '离线' }, latin: { on: 'online', off: 'OFFLINE' } };

export function statusLine(status: StatusFacts, panel: PanelSize): string {
  const mark = MARK[panel.script][status.online ? 'on' : 'off'];
  const gap = Math.max(1, panel.columns - cells(status.time) - cells(mark));
  return status.time + ' '.repeat(gap) + mark;
}

/** The screen as exactly `panel.rows` lines of exactly `panel.columns` cells. */
export function layout(screen: ScreenText, status: StatusFacts, panel: PanelSize): string[] {
  const pick = (t: { zh: string; en: string }): string => (panel.script === 'chinese' ? t.zh : latinOnly(t.en));
  const body = [...wrap(pick(screen.cashier), panel.columns, panel.wideOnEvenCell)];
  if (screen.customer.en !== screen.cashier.en)
    body.push(...wrap(pick(screen.customer), panel.columns, panel.wideOnEvenCell));
  const lines = body.length < panel.rows ? [statusLine(status, panel), ...body] : body.slice(0, panel.rows);
  while (lines.length < panel.rows) lines.push('');
  return lines.map((l) => padCells(l, panel.columns));
}
