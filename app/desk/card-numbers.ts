import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_CARD_NUMBER } from '../../firmware/desk/commands.ts';

/**
 * The numbers this desk gives new cards: the next one kept in a small file in
 * the data dir, written (temp file, rename) before the number is used, so a
 * crash mid-issue burns a number and never hands one out twice. A file and not
 * the journal: acknowledged records are pruned, the counter must outlive them.
 * One desk per tenant numbers its cards this way (docs/cards.md).
 */
export const CARD_NUMBERS_FILE = 'desk-card-numbers.json';

export interface CardNumbers {
  /** The number the next issue gets. */
  next(): number;
  /** The issue under `n` went ahead: `n` is never given again, even after a crash. */
  used(n: number): void;
}

export type OpenedCardNumbers = { ok: true; numbers: CardNumbers } | { ok: false; message: string };

export function openCardNumbers(dataDir: string): OpenedCardNumbers {
  const path = join(dataDir, CARD_NUMBERS_FILE);
  let next = FIRST_CARD_NUMBER;
  try {
    const held = (JSON.parse(readFileSync(path, 'utf8')) as { next?: unknown }).next;
    if (typeof held !== 'number' || !Number.isSafeInteger(held) || held < 1)
      return { ok: false, message: `${path}: holds no next card number ({"next": N})` };
    next = held;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { ok: false, message: `${path}: cannot read (${code ?? (e as Error).message})` };
  }
  const numbers: CardNumbers = {
    next: () => next,
    used(n) {
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ next: n + 1 })}\n`, { mode: 0o600 });
      renameSync(tmp, path);
      next = n + 1;
    },
  };
  return { ok: true, numbers };
}
