import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardNumbers } from '../../firmware/desk/numbering.ts';
import { deskRange, NUMBERS_PER_DESK } from '../../protocol/desk-range.ts';

/**
 * The numbers this desk gives new cards, from its own range
 * (protocol/desk-range.ts): the next one kept in a small file in the data
 * dir, written (temp file, rename) before the number is used, so a crash
 * mid-issue burns a number and never hands one out twice. A file and not the
 * journal: acknowledged records are pruned, the counter must outlive them.
 */
export const CARD_NUMBERS_FILE = 'desk-card-numbers.json';

export type { CardNumbers } from '../../firmware/desk/numbering.ts';

/**
 * `unknown`: no number file — a new data dir, maybe on a desk replaced under the same terminal id, whose
 * cards in the field already carry the first numbers of its range. It issues nothing until the backend said
 * where the range stands (`seedCardNumbers`) or the file is restored.
 */
export type OpenedCardNumbers = { ok: true; numbers: CardNumbers; unknown: boolean } | { ok: false; message: string };

/** Said at `issue` while the desk does not know where its range stands. */
export function unknownRangeMessage(path: string): string {
  return (
    `issue: no ${path}, and the backend has not said which numbers this desk gave out already ` +
    '(a new data dir: cards in the field may carry its first numbers); nothing changed. Start the backend and ' +
    'run onecard desk once with --backend-db FILE, or restore the file from a backup'
  );
}

/**
 * Writes the number file of a desk that had none, from the highest card number the backend knows in the
 * desk's range (null: none): the next number is the one after it. Refused when a file is there already.
 */
export function seedCardNumbers(dataDir: string, terminalId: number, highestKnown: number | null): OpenedCardNumbers {
  const range = deskRange(terminalId);
  if (!range.ok) return range;
  const { first, last } = range.range;
  if (highestKnown !== null && (highestKnown < first || highestKnown > last))
    return { ok: false, message: `the backend's highest card ${highestKnown} lies outside this desk's range` };
  const next = highestKnown === null ? first : highestKnown + 1;
  const path = join(dataDir, CARD_NUMBERS_FILE);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // as the terminal makes it: the desk opens its numbers first
    // 'wx': a file written meanwhile (restored by hand) is not overwritten.
    writeFileSync(path, `${JSON.stringify({ next })}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    return {
      ok: false,
      message: `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    };
  }
  return openCardNumbers(dataDir, terminalId);
}

export function openCardNumbers(dataDir: string, terminalId: number): OpenedCardNumbers {
  const range = deskRange(terminalId);
  if (!range.ok) return range;
  const { first, last } = range.range;
  const path = join(dataDir, CARD_NUMBERS_FILE);
  let next = first;
  let unknown = false;
  try {
    const held = (JSON.parse(readFileSync(path, 'utf8')) as { next?: unknown }).next;
    if (typeof held !== 'number' || !Number.isSafeInteger(held) || held < 1)
      return { ok: false, message: `${path}: holds no next card number ({"next": N})` };
    // Below 100,000: numbered before desks had ranges (from 10001), inside no desk's range; this desk moves on to its own.
    if (held >= NUMBERS_PER_DESK) next = held;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { ok: false, message: `${path}: cannot read (${code ?? (e as Error).message})` };
    unknown = true;
  }
  if (next < first || next > last + 1)
    return {
      ok: false,
      message: `${path}: next number ${next} lies outside this desk's range ${first}..${last} (was terminal.id changed?)`,
    };
  const numbers: CardNumbers = {
    next: () => (unknown || next > last ? null : next),
    ...(unknown ? { whyNone: () => unknownRangeMessage(path) } : {}),
    used(n) {
      if (unknown) throw new Error(`card numbers: ${n} used while the range is unknown (a bug)`);
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ next: n + 1 })}\n`, { mode: 0o600 });
      renameSync(tmp, path);
      next = n + 1;
    },
  };
  return { ok: true, numbers, unknown };
}
