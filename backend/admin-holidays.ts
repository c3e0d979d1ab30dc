import { cardDayToIso } from '../protocol/card-day.ts';
import { HOLIDAY_SITE_MAX, holidayKey, holidayOfKey } from '../protocol/index.ts';
import type { AdminResult } from './admin.ts';
import { cardDayArg } from './admin-args.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend holiday …`: the days a door's time zones use their holiday
 * intervals (PROTOCOL.md §6.4.2 list 4). Each change is a new holidays
 * version, pushed at once to every connected door terminal.
 */
export const HOLIDAY_HELP = [
  '  holiday add <YYYY-MM-DD> [site]     a holiday at every site, or at door terminals with door.site',
  '  holiday remove <YYYY-MM-DD> [site]  takes it off again',
  '  holiday list                        every holiday and the holidays version',
];

const usage: AdminResult = {
  code: 2,
  lines: ['usage: onecard backend holiday add|remove <YYYY-MM-DD> [site 1..65535] | holiday list'],
};

function siteOf(text: string | undefined): number | null {
  if (text === undefined) return 0;
  return /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= HOLIDAY_SITE_MAX ? Number(text) : null;
}

const describe = (key: number): string => {
  const h = holidayOfKey(key);
  return `${cardDayToIso(h.day)} ${h.site === 0 ? 'every site' : `site ${h.site}`}`;
};

export function holidayAdmin(b: Backend, args: string[]): AdminResult {
  const [what, dayText, siteText, ...extra] = args;
  if (what === 'list' && args.length === 1) {
    const keys = b.lists.holidays.all();
    return {
      code: 0,
      lines: [...keys.map(describe), `${keys.length} holiday(s), holidays version ${b.lists.version('holidays')}`],
    };
  }
  if ((what !== 'add' && what !== 'remove') || dayText === undefined || extra.length > 0) return usage;
  const day = cardDayArg(dayText);
  if (day === null) return { code: 2, lines: [`holiday: ${JSON.stringify(dayText)} is not a date YYYY-MM-DD`] };
  const site = siteOf(siteText);
  if (site === null) return { code: 2, lines: [`holiday: a site is 1..${HOLIDAY_SITE_MAX}, got ${siteText}`] };
  const key = holidayKey({ site, day });
  const v = b.holidaysChange([key], what === 'add');
  const now = b.lists.version('holidays');
  if (v === null) return { code: 0, lines: [`${describe(key)}: already so (holidays version ${now})`] };
  const done = what === 'add' ? 'added' : 'removed';
  return {
    code: 0,
    lines: [`${describe(key)} ${done}; holidays version ${v}, pushed to ${b.connected().size} connected terminal(s)`],
  };
}
