import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deskRange, NUMBERS_PER_DESK, type CardNumbers } from '../../firmware/desk/numbering.ts';

/**
 * The numbers this desk gives new cards, from its own range
 * (firmware/desk/numbering.ts): the next one kept in a small file in the data
 * dir, written (temp file, rename) before the number is used, so a crash
 * mid-issue burns a number and never hands one out twice. A file and not the
 * journal: acknowledged records are pruned, the counter must outlive them.
 */
export const CARD_NUMBERS_FILE = 'desk-card-numbers.json';

export type { CardNumbers } from '../../firmware/desk/numbering.ts';

export type OpenedCardNumbers = { ok: true; numbers: CardNumbers } | { ok: false; message: string };

export function openCardNumbers(dataDir: string, terminalId: number): OpenedCardNumbers {
  const range = deskRange(terminalId);
  if (!range.ok) return range;
  const { first, last } = range.range;
  const path = join(dataDir, CARD_NUMBERS_FILE);
  let next = first;
  try {
    const held = (JSON.parse(readFileSync(path, 'utf8')) as { next?: unknown }).next;
    if (typeof held !== 'number' || !Number.isSafeInteger(held) || held < 1)
      return { ok: false, message: `${path}: holds no next card number ({"next": N})` };
    // Below 100,000: numbered before desks had ranges (from 10001), inside no desk's range; this desk moves on to its own.
    if (held >= NUMBERS_PER_DESK) next = held;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { ok: false, message: `${path}: cannot read (${code ?? (e as Error).message})` };
  }
  if (next < first || next > last + 1)
    return {
      ok: false,
      message: `${path}: next number ${next} lies outside this desk's range ${first}..${last} (was terminal.id changed?)`,
    };
  const numbers: CardNumbers = {
    next: () => (next > last ? null : next),
    used(n) {
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ next: n + 1 })}\n`, { mode: 0o600 });
      renameSync(tmp, path);
      next = n + 1;
    },
  };
  return { ok: true, numbers };
}
