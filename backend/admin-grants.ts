import { CARD_EPOCH_MS, cardMinute } from '../protocol/card-day.ts';
import type { AdminResult } from './admin.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend grant …`: temporary door access (PROTOCOL.md §6.4 list 1,
 * meeting rooms). One grant per card; a new one replaces the last. Every
 * change is a new grants version, pushed at once to every connected terminal
 * that keeps grants (those that offered the grants capability).
 *
 * doors: a bit mask, door n = bit n (5 = doors 0 and 2), decimal or 0x…
 * from/until: minutes since 2000-01-01T00:00Z, or a date-time such as
 * 2026-11-23T14:00 (the backend's UTC offset unless it carries Z or ±hh:mm);
 * until may also be +90m, +2h or +1d after from. Until is exclusive.
 */
export const GRANT_HELP = [
  '  grant <card> <doors> <from> <until>   door access: doors a bit mask (door n = bit n), from/until a date-time',
  '                                 (2026-11-23T14:00, backend offset) or card-epoch minutes; until may be +90m/+2h/+1d',
  "  grant revoke <card>            take a card's grant away",
  "  grant show <card>              the card's grant and the grants version",
];

const usage: AdminResult = {
  code: 2,
  lines: ['usage: onecard backend grant <card> <doors> <from> <until> | grant revoke <card> | grant show <card>'],
};
const U32_MAX = 0xffff_ffff;

function uint(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = /^0x[0-9a-f]{1,8}$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d{1,10}$/.test(s) ? Number(s) : NaN;
  return Number.isInteger(n) && n <= U32_MAX ? n : null;
}

/** A minute since the card epoch from minutes, or a date-time read in `utcOffsetMinutes` unless it names its zone. */
export function parseMinute(s: string | undefined, utcOffsetMinutes: number): number | null {
  if (s === undefined) return null;
  if (/^\d{1,10}$/.test(s)) return uint(s);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (!m) return null;
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const zone = m[3] ?? `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const ms = Date.parse(`${m[1]}T${m[2]}:00${zone}`);
  if (Number.isNaN(ms) || ms < CARD_EPOCH_MS) return null;
  return cardMinute(ms);
}

function parseUntil(s: string | undefined, from: number, utcOffsetMinutes: number): number | null {
  const rel = s === undefined ? null : /^\+(\d{1,6})([mhd])$/.exec(s);
  if (rel) return from + Number(rel[1]) * { m: 1, h: 60, d: 1_440 }[rel[2] as 'm' | 'h' | 'd'];
  return parseMinute(s, utcOffsetMinutes);
}

function minuteText(minute: number, utcOffsetMinutes: number): string {
  const local = new Date(CARD_EPOCH_MS + (minute + utcOffsetMinutes) * 60_000).toISOString().slice(0, 16);
  return `${local} (minute ${minute})`;
}

export function grantAdmin(b: Backend, args: string[]): AdminResult {
  const [first, second, third, fourth] = args;
  const off = b.utcOffsetMinutes;
  if (first === 'revoke' || first === 'show') {
    const card = uint(second);
    if (card === null || args.length !== 2) return usage;
    if (first === 'show') {
      const g = b.lists.grants.get(card);
      const v = b.lists.version('grants');
      if (!g) return { code: 0, lines: [`card ${card} has no grant (grants version ${v})`] };
      return {
        code: 0,
        lines: [
          `card ${card}: doors 0x${g.doors.toString(16)} from ${minuteText(g.validFromMinute, off)} until ${minuteText(g.validUntilMinute, off)} (grants version ${v})`,
        ],
      };
    }
    const v = b.grantRevoke(card);
    if (v === null)
      return { code: 0, lines: [`card ${card} had no grant (grants version ${b.lists.version('grants')})`] };
    return {
      code: 0,
      lines: [
        `card ${card}: grant revoked, grants version ${v}, pushed to ${b.connected().size} connected terminal(s) that keep grants`,
      ],
    };
  }
  const card = uint(first);
  const doors = uint(second);
  const from = parseMinute(third, off);
  const until = from === null ? null : parseUntil(fourth, from, off);
  if (card === null || doors === null || from === null || until === null || args.length !== 4) return usage;
  const unknown = b.cards.refusal(card);
  if (unknown !== null) return { code: 1, lines: [unknown] };
  const v = b.grant(card, doors, from, until);
  const what = `card ${card}: doors 0x${doors.toString(16)} from ${minuteText(from, off)} until ${minuteText(until, off)}`;
  if (v === null) return { code: 0, lines: [`${what}: already so (grants version ${b.lists.version('grants')})`] };
  return {
    code: 0,
    lines: [`${what}: grants version ${v}, pushed to ${b.connected().size} connected terminal(s) that keep grants`],
  };
}
