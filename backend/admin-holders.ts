import { cardDayToIso } from '../protocol/card-day.ts';
import { HOLDER_GROUP_MAX as GROUP_MAX, groupsOfMask, type Holder } from '../protocol/index.ts';
import type { AdminResult } from './admin.ts';
import { cardDayArg, decimalU32 } from './admin-args.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend holder …`: what the site knows of a card's holder beyond
 * the card (PROTOCOL.md §6.4 list 3). Each change is a new holders version,
 * pushed at once to every connected terminal that keeps the list (door,
 * punch-clock and car-park terminals): the punch clock shows the name, door
 * rules naming a group open for the card, a pass parks free through its day.
 */
export const HOLDER_HELP = [
  '  holder name <card> <name…>     the holder\'s name for the punch clock\'s display ("-" clears it)',
  '  holder groups <card> <g,g…|none>   access groups 0..31 that door rules name ({"group": g, …})',
  '  holder pass <card> <YYYY-MM-DD|none>   a car-park pass, valid through that local day',
  "  holder show <card>             the card's entry and the holders version",
];

const usage: AdminResult = {
  code: 2,
  lines: [
    'usage: onecard backend holder name <card> <name…> | holder groups <card> <g,g…|none>',
    '       | holder pass <card> <YYYY-MM-DD|none> | holder show <card>',
  ],
};

function describe(h: Holder): string {
  const groups = groupsOfMask(h.groups);
  const pass = h.passUntilDay === 0 ? 'no pass' : `pass through ${cardDayToIso(h.passUntilDay)}`;
  return `name ${h.name ? JSON.stringify(h.name) : '(none)'}, groups ${groups.join(',') || '(none)'}, ${pass}`;
}

/** "1,3" → the mask with bits 1 and 3; "none" → 0; null when a group is not 0..31. */
function groupMask(text: string): number | null {
  if (text === 'none') return 0;
  let mask = 0;
  for (const g of text.split(',')) {
    if (!/^\d{1,2}$/.test(g) || Number(g) > GROUP_MAX) return null;
    mask = (mask | (1 << Number(g))) >>> 0;
  }
  return mask;
}

/** 0 (no pass) for "none", else the pass's last day: a real date after the card epoch's day 0. */
function passDay(text: string): number | null {
  if (text === 'none') return 0;
  const day = cardDayArg(text);
  return day !== null && day >= 1 ? day : null;
}

export function holderAdmin(b: Backend, args: string[]): AdminResult {
  const [what, cardText, ...rest] = args;
  const card = decimalU32(cardText);
  if (card === null) return usage;
  if (what === 'show') {
    if (rest.length !== 0) return usage;
    const h = b.lists.holders.of(card);
    return { code: 0, lines: [`card ${card}: ${describe(h)} (holders version ${b.lists.version('holders')})`] };
  }
  let change: ((h: Holder) => Holder) | null = null;
  if (what === 'name' && rest.length > 0) {
    const name = rest.join(' ');
    change = (h) => ({ ...h, name: name === '-' ? '' : name });
  } else if (what === 'groups' && rest.length === 1) {
    const groups = groupMask(rest[0]);
    if (groups === null) return { code: 2, lines: [`groups: a comma list of 0..${GROUP_MAX}, or none`] };
    change = (h) => ({ ...h, groups });
  } else if (what === 'pass' && rest.length === 1) {
    const passUntilDay = passDay(rest[0]);
    if (passUntilDay === null) return { code: 2, lines: ['pass: the last valid day as YYYY-MM-DD, or none'] };
    change = (h) => ({ ...h, passUntilDay });
  }
  if (change === null) return usage;
  const unknown = b.cards.refusal(card);
  if (unknown !== null) return { code: 1, lines: [unknown] };
  const v = b.holderSet(card, change);
  const now = describe(b.lists.holders.of(card));
  if (v === null)
    return { code: 0, lines: [`card ${card}: ${now}, already so (holders version ${b.lists.version('holders')})`] };
  return {
    code: 0,
    lines: [`card ${card}: ${now}; holders version ${v}, pushed to ${b.connected().size} connected terminal(s)`],
  };
}
