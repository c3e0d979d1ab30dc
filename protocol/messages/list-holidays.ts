/**
 * The holidays list's entry (PROTOCOL.md §6.4.2, list 4): one u32 key per
 * holiday, `site × 65,536 + day`. The day is a card day (a local calendar
 * day, u16 as on the card); site 0 means every site, site n only the door
 * terminals configured with `door.site: n`. Keys travel like the blacklist's
 * cards, so a year of holidays costs a few bytes.
 */
export const HOLIDAY_SITE_MAX = 0xffff;
const DAYS_PER_SITE = 0x1_0000;

export interface Holiday {
  /** 0: every site. */
  site: number;
  /** Card day (days since 2000-01-01, local). */
  day: number;
}

export function holidayKey(h: Holiday): number {
  return h.site * DAYS_PER_SITE + h.day;
}

export function holidayOfKey(key: number): Holiday {
  return { site: Math.floor(key / DAYS_PER_SITE), day: key % DAYS_PER_SITE };
}
