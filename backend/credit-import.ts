import { createHash } from 'node:crypto';
import { formatCents } from '../base/money.ts';
import { cardDay, cardDayToIso, isoToCardDay } from '../protocol/card-day.ts';
import type { PendingCredit } from '../protocol/index.ts';
import type { AdminResult } from './admin.ts';
import { readAdminFile } from './admin-file.ts';
import type { Backend } from './backend.ts';
import { checkCreditCsv, normalisedRow, type CreditRow } from './credit-csv.ts';

/**
 * `onecard backend credits import FILE.csv`: batch subsidies and deposits. The CLI reads the file and sends
 * its text (the server may run elsewhere, a relative path is the admin's); here the whole file is checked
 * (credit-csv.ts), and only a file with no refused row is applied — as one credits list version, in one
 * transaction with its batch row. The batch is known by the hash of its normalised, sorted rows, so the
 * same file imported again (or re-saved with other spacing or row order) changes nothing.
 *
 * "Today" for expiry dates is the backend's local day (its utcOffsetMinutes, as for grants); a credit is
 * valid through its expiry day, and each terminal forfeits an expired one by its own day at the tap.
 */
export const CREDITS_HELP = [
  '  credits import <file.csv>      pending credits from a CSV (card,amount,wallet,expiry): all rows or none, once',
];

const usage = (): AdminResult => ({ code: 2, lines: ['usage: onecard backend credits import <file.csv>'] });

/** The wire has no room for an explicit "never": expiry 0 means none (PendingCredit.expiryDay). */
const NO_EXPIRY_DAY = 0;

/** MAX_CSV_ROWS rows of at most ~40 bytes, with room to spare; a bigger file is the wrong file. */
export const CREDITS_FILE_BYTES_MAX = 4 * 1024 * 1024;

/** CLI side: appends the file's text to `credits import <file>`; returns an error line when it cannot be read. */
export function readCreditsFileArg(args: string[], read: (path: string) => string): string | null {
  if (args[0] !== 'credits' || args[1] !== 'import' || args.length !== 3) return null;
  const file = readAdminFile(args[2] as string, CREDITS_FILE_BYTES_MAX, read);
  if ('error' in file) return file.error;
  args.push(file.text);
  return null;
}

/** `args` after `credits`: `import <file> <text>` (the text appended by readCreditsFileArg). */
export function creditsAdmin(b: Backend, args: string[]): AdminResult {
  const [sub, file, text] = args;
  if (sub !== 'import' || file === undefined || text === undefined || args.length !== 3) return usage();
  const today = cardDayToIso(cardDay(b.nowMs(), b.utcOffsetMinutes));
  const checked = checkCreditCsv(text, (card) => creditRefusal(b, card), today);
  if (!checked.ok)
    return {
      code: 1,
      lines: [
        `${file}: ${checked.refusals.length} row(s) refused; nothing imported`,
        ...checked.refusals.map((r) => `  line ${r.line}: ${r.reason}`),
      ],
    };
  if (checked.rows.length === 0) return { code: 1, lines: [`${file}: no rows after the header; nothing imported`] };
  const r = applyBatch(b, checked.rows);
  if (r.already) return { code: 0, lines: [`${file}: already imported as batch ${r.batch}; nothing changed`] };
  return { code: 0, lines: [`${file}: imported as batch ${r.batch}`, ...report(checked.rows, r.version)] };
}

function report(rows: CreditRow[], version: number): string[] {
  const lines = [`  ${rows.length} row(s), credits version ${version}`];
  for (const wallet of ['subsidy', 'balance'] as const) {
    const mine = rows.filter((r) => r.wallet === wallet);
    if (mine.length > 0)
      lines.push(`  ${wallet}: ${mine.length} row(s), ${formatCents(mine.reduce((n, r) => n + r.amountCents, 0))}`);
  }
  return lines;
}

type Applied = { already: true; batch: number } | { already: false; batch: number; version: number };

function applyBatch(b: Backend, rows: CreditRow[]): Applied {
  const hash = batchHash(rows);
  const totalCents = rows.reduce((n, r) => n + r.amountCents, 0);
  const applied = b.db.transaction((): Applied => {
    const known = b.db.prepare<[string], number>('SELECT id FROM credit_batches WHERE rows_hash = ?').pluck().get(hash);
    if (known !== undefined) return { already: true, batch: known };
    const { version } = b.lists.issueCredits(rows.map(toCredit), b.nowMs());
    // Read back what the version holds before the batch is recorded: a mismatch rolls everything back.
    const storedCents = b.db
      .prepare<[number], number>(
        `SELECT coalesce(sum(c.amount), 0) FROM list_log l JOIN credits c ON c.card = l.k1 AND c.credit_seq = l.k2
         WHERE l.list = 'credits' AND l.version = ?`,
      )
      .pluck()
      .get(version);
    if (storedCents !== totalCents)
      throw new Error(`credit batch: ${totalCents} cents checked but ${storedCents} stored; nothing imported`);
    const batch = b.db
      .prepare(
        `INSERT INTO credit_batches (rows_hash, row_count, total_cents, credits_version, imported_ms)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(hash, rows.length, totalCents, version, b.nowMs()).lastInsertRowid;
    return { already: false, batch: Number(batch), version };
  })();
  // Terminals online get the new version at once, as for a single credit.
  if (!applied.already) b.pushAll();
  return applied;
}

/** The batch's identity: its rows as a set (order and spacing in the file do not matter). */
export function batchHash(rows: readonly CreditRow[]): string {
  const lines = rows.map(normalisedRow).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Why money may not be booked for `card` (null: it may), for `credit` and `credits import` alike: a card
 * not known here, or one replaced (补卡) — its credits would wait on a card that is listed everywhere and
 * never taps again. The operator is told the replacement's number and books it there: not redirected by
 * the backend, because the file's row (a payroll's, say) names the old card and should be corrected at
 * its source.
 */
export function creditRefusal(b: Backend, card: number): string | null {
  const unknown = b.cards.refusal(card);
  if (unknown !== null) return unknown;
  const r = b.replacements.of(card);
  return r ? `card ${card} was replaced by ${r.newCard}: credit ${r.newCard} instead; nothing changed` : null;
}

/** Money into the subsidy wallet is a subsidy, into the balance a deposit (`credit` and `credits import`). */
export function creditReason(purse: PendingCredit['purse']): PendingCredit['reason'] {
  return purse === 'subsidy' ? 'subsidy' : 'topup';
}

function toCredit(r: CreditRow): Omit<PendingCredit, 'creditSeq'> {
  return {
    cardNumber: r.card,
    amount: r.amountCents,
    purse: r.wallet,
    reason: creditReason(r.wallet),
    expiryDay: r.expiry === null ? NO_EXPIRY_DAY : isoToCardDay(r.expiry),
  };
}
