import { formatCents } from '../base/money.ts';
import type { AdminResult } from './admin.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend records <terminal> [kind]`: what a terminal's journal
 * uploaded, as the backend stores it (by kind: sales, door decisions and
 * alarms, punches, car-park passages alike). Without a kind, the count of
 * each; with one, its newest records and their bodies.
 */
export const RECORDS_HELP = [
  '  records <terminal> [kind]      count per record kind a terminal uploaded; with a kind, its newest bodies',
];

/** A kind's listing shows this many, newest first: enough for a glance, the database has them all. */
const RECORDS_LISTED = 20;
const usage: AdminResult = { code: 2, lines: ['usage: onecard backend records <terminal> [kind]'] };

export function recordsAdmin(b: Backend, args: string[]): AdminResult {
  const [t, kind] = args;
  const terminal = t !== undefined && /^\d{1,8}$/.test(t) ? Number(t) : null;
  if (terminal === null || args.length > 2) return usage;
  const counts = b.db
    .prepare<[number], { kind: string; n: number }>(
      'SELECT kind, count(*) AS n FROM records WHERE terminal = ? GROUP BY kind ORDER BY kind',
    )
    .all(terminal);
  if (counts.length === 0) return { code: 0, lines: [`terminal ${terminal} has uploaded no records`] };
  const total = counts.reduce((sum, c) => sum + c.n, 0);
  if (kind === undefined)
    return {
      code: 0,
      lines: [
        `terminal ${terminal}: ${total} records, acked to ${b.journal.highWater(terminal)}`,
        ...counts.map((c) => `  ${c.kind.padEnd(16)} ${c.n}`),
        ...txLines(b, terminal),
      ],
    };
  if (!counts.some((c) => c.kind === kind))
    return {
      code: 1,
      lines: [`terminal ${terminal} has no "${kind}" records (has: ${counts.map((c) => c.kind).join(', ')})`],
    };
  const seqs = b.db
    .prepare<[number, string, number], number>(
      'SELECT seq FROM records WHERE terminal = ? AND kind = ? ORDER BY seq DESC LIMIT ?',
    )
    .pluck()
    .all(terminal, kind, RECORDS_LISTED);
  const lines = seqs.map((seq) => {
    const [r] = b.journal.records(terminal, seq - 1, 1);
    const card = r.card !== null ? ` card ${r.card}` : '';
    return `  #${r.seq} ${new Date(r.atMs).toISOString()}${card} ${JSON.stringify(r.body)}`;
  });
  return { code: 0, lines: [`terminal ${terminal} ${kind}: newest ${seqs.length}`, ...lines] };
}

/** The money of its landed card writes, per tx: a desk's payouts (退卡) stand apart from sales, never in them. */
function txLines(b: Backend, terminal: number): string[] {
  const totals = b.ledger.totalsByTx(terminal);
  if (totals.length === 0) return [];
  return [
    'landed card writes (+ off the cards, - onto them):',
    ...totals.map((t) => `  ${t.tx.padEnd(16)} ${t.count}  ${formatCents(t.cents)}`),
  ];
}
