import type { Logger } from '../../core/log.ts';
import { holidayKey } from '../../../protocol/index.ts';
import { BLACKLIST_SPEC } from './blacklist.ts';
import type { ListTableSpec } from './list-schema.ts';
import { ListFile } from './list-file.ts';

/**
 * The holidays pushed from the backend (PROTOCOL.md §6.4.2 list 4): keys
 * `site × 65,536 + card day`, site 0 for every site. Same mechanism and
 * durability as the blacklist, in its own file `holidays.db`: only door
 * terminals keep it.
 */
/** Ten years of daily holidays at a hundred sites: far beyond any calendar. */
export const HOLIDAYS_MAX_ENTRIES = 400_000;
const SCHEMA_VERSION = 1;

// Keys are u32s stored and checked exactly as the blacklist's cards are.
export const HOLIDAYS_SPEC: ListTableSpec<number> = {
  ...BLACKLIST_SPEC,
  list: 'holidays',
  maxEntries: HOLIDAYS_MAX_ENTRIES,
};

export class Holidays extends ListFile<number> {
  /** Opens or creates the holidays file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): Holidays {
    const { db, table } = ListFile.openTable(opts, HOLIDAYS_SPEC, SCHEMA_VERSION);
    return new Holidays(db, table);
  }

  /** True when the card day is a holiday at every site or at `site` (0: the terminal names no site). */
  isHoliday(day: number, site: number): boolean {
    if (this.table.has(holidayKey({ site: 0, day }))) return true;
    return site !== 0 && this.table.has(holidayKey({ site, day }));
  }
}
