import { formatCents } from '../base/money.ts';
import type { OptionSpec } from '../base/cli-args.ts';
import type { AdminResult } from './admin.ts';
import { decimalU32 } from './admin-args.ts';
import type { Backend } from './backend.ts';
import type { PointsLevel } from './points.ts';

/**
 * `onecard backend points …`: member points (积分) at the backend, which holds
 * the authoritative balance (points.ts). Redeeming is the desk's job: for a
 * credit (money onto the card at its next tap) or a gift (a record here).
 */
export const POINTS_HELP = [
  "  points show <card>             a member's points: balance, earned, not yet landed, level",
  '  points redeem <card> <n> --credit|--gift [--ref SLIP]   spend n points; a --ref is redeemed once',
  '  points levels <points>=<class>,...   member levels by points earned (100=3,500=6); none: "-";' +
    ' terminals are told points.memberLevels',
  '  points rate <cents>            what a point is worth redeemed for a credit (default 1 cent)',
];

const usage: AdminResult = {
  code: 2,
  lines: [
    'usage: onecard backend points show <card> | points redeem <card> <n> --credit|--gift [--ref SLIP]' +
      ' | points levels <points>=<class>,... | points rate <cents>',
  ],
};

export function pointsAdmin(b: Backend, args: string[]): AdminResult {
  const [sub, x, y, ...flags] = args;
  if (sub === 'show' && args.length === 2 && decimalU32(x) !== null) return show(b, decimalU32(x) as number);
  if (sub === 'redeem') return redeem(b, decimalU32(x), decimalU32(y), flags);
  if (sub === 'levels' && args.length === 2 && x !== undefined) return levels(b, x);
  if (sub === 'rate' && args.length === 2 && decimalU32(x) !== null) {
    const problem = b.points.setSettings({ ...b.points.settings(), redeemCentsPerPoint: decimalU32(x) as number });
    return problem ? { code: 1, lines: [problem] } : { code: 0, lines: [`a point redeems for ${x} cent(s)`] };
  }
  return usage;
}

function show(b: Backend, card: number): AdminResult {
  const p = b.points.show(card);
  const level = p.levelClass === null ? 'no level yet' : `level class ${p.levelClass}`;
  return {
    code: 0,
    lines: [`card ${card}: ${p.balance} points, ${p.earned} earned, ${p.pending} not landed yet, ${level}`],
  };
}

/** `--credit` or `--gift` (one), `--ref SLIP` optional: main.ts hands the options on as these words. */
function redeem(b: Backend, card: number | null, n: number | null, flags: string[]): AdminResult {
  const kinds = flags.filter((f) => f === '--credit' || f === '--gift');
  const refAt = flags.indexOf('--ref');
  const ref = refAt >= 0 ? (flags[refAt + 1] ?? null) : null;
  const known = flags.length === kinds.length + (refAt >= 0 ? 2 : 0);
  if (card === null || n === null || kinds.length !== 1 || !known || (refAt >= 0 && !ref)) return usage;
  const unknown = b.cards.refusal(card);
  if (unknown !== null) return { code: 1, lines: [unknown] };
  const kind = kinds[0] === '--credit' ? 'credit' : 'gift';
  const r = b.points.redeem(card, n, kind, ref, b.nowMs());
  if (r.kind === 'refused') return { code: 1, lines: [`${r.reason}; nothing redeemed`] };
  if (r.creditSeq !== null) b.pushAll(); // the credit joins list 2: every open session gets it now
  const what = r.creditSeq !== null ? `credit ${card}#${r.creditSeq} of ${formatCents(r.cents)}` : 'a gift';
  const head = r.kind === 'already' ? `already redeemed as #${r.id} (ref ${ref})` : `redemption #${r.id}`;
  return { code: 0, lines: [`${head}: ${r.points} points for ${what}; card ${card} holds ${r.balance} points`] };
}

function levels(b: Backend, spec: string): AdminResult {
  const parsed: PointsLevel[] = [];
  for (const part of spec === '-' ? [] : spec.split(',')) {
    const m = /^(\d{1,10})=(\d{1,3})$/.exec(part);
    if (!m) return usage;
    parsed.push({ minPoints: Number(m[1]), cardClass: Number(m[2]) });
  }
  const problem = b.points.setSettings({ ...b.points.settings(), levels: parsed });
  if (problem) return { code: 1, lines: [`${problem}; levels unchanged`] };
  const told = b.memberLevels.tellAll();
  const ladder = parsed.length
    ? parsed.map((l) => `${l.minPoints} points → class ${l.cardClass}`).join(', ')
    : 'no levels';
  const memberLevels = b.memberLevels.gives() ? 'true' : 'false';
  return {
    code: 0,
    lines: [ladder, ...(told > 0 ? [`points.memberLevels ${memberLevels} queued for ${told} terminal(s)`] : [])],
  };
}

/** `points redeem`'s options, handed to the admin command as words (redeem below reads them). */
export const POINTS_OPTIONS: OptionSpec[] = [
  { name: 'credit', help: 'redeem for a credit onto the card (lands at its next tap)' },
  { name: 'gift', help: 'redeem for a gift handed over at the desk (a record)' },
  { name: 'ref', value: 'SLIP', help: "the desk's slip number: the same one again is not redeemed twice" },
];
export function pointsWords(options: Record<string, unknown>): string[] {
  const words: string[] = [];
  if (options.credit === true) words.push('--credit');
  if (options.gift === true) words.push('--gift');
  if (typeof options.ref === 'string') words.push('--ref', options.ref);
  return words;
}
