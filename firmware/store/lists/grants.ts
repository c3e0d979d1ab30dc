import type { Logger } from '../../core/log.ts';
import type { Grant } from '../../../protocol/index.ts';
import { checkCard } from '../journal/journal-args.ts';
import type { ListTableSpec } from './list-schema.ts';
import { ListFile } from './list-file.ts';

/**
 * Temporary door-access grants (PROTOCOL.md §6.4 list 1: meeting rooms):
 * per card one grant — a bit mask of doors and a validity window in minutes
 * since 2000-01-01T00:00Z, until exclusive. Same mechanism and durability as
 * the blacklist (WAL + synchronous=FULL, digest-checked deltas, staged
 * snapshots), in its own file `grants.db` beside `lists.db`: a POS has none,
 * and a terminal that opens doors looks grants up on every tap.
 */

/** Same bound as the blacklist: a site's grants are far fewer. */
export const GRANTS_MAX_ENTRIES = 1_000_000;
const SCHEMA_VERSION = 1;
const U32_MAX = 0xffff_ffff;

export type { Grant };

/** A grant's minutes are card minutes (firmware/core/clock.ts). */
export { cardMinute } from '../../core/clock.ts';

const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= U32_MAX;

export const GRANTS_SPEC: ListTableSpec<Grant> = {
  list: 'grants',
  extraColumns: ['doors INTEGER NOT NULL', 'valid_from INTEGER NOT NULL', 'valid_until INTEGER NOT NULL'],
  maxEntries: GRANTS_MAX_ENTRIES,
  replaces: true,
  key: (g) => g.cardNumber,
  values: (g) => [g.cardNumber, g.doors, g.validFromMinute, g.validUntilMinute],
  fromRow: (r) => ({
    cardNumber: r[0] as number,
    doors: r[1] as number,
    validFromMinute: r[2] as number,
    validUntilMinute: r[3] as number,
  }),
  check(g) {
    checkCard(g.cardNumber);
    if (
      !u32(g.doors) ||
      !u32(g.validFromMinute) ||
      !u32(g.validUntilMinute) ||
      g.validUntilMinute < g.validFromMinute
    ) {
      throw new RangeError(
        `grant for card ${g.cardNumber}: doors and minutes must be u32 with until ≥ from, got ${JSON.stringify(g)}`,
      );
    }
  },
};

export class Grants extends ListFile<Grant> {
  /** Opens or creates the grants file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): Grants {
    const { db, table } = ListFile.openTable(opts, GRANTS_SPEC, SCHEMA_VERSION);
    return new Grants(db, table);
  }

  /**
   * The card's grant if it is valid at `nowMinute` (from ≤ now < until), else
   * null. For a door role: the caller checks its door's bit in `doors`.
   */
  grantFor(card: number, nowMinute: number): Grant | null {
    const g = this.table.get(checkCard(card));
    if (g === undefined || nowMinute < g.validFromMinute || nowMinute >= g.validUntilMinute) return null;
    return g;
  }

  /** True when the card may open door `door` (0..31) at `nowMinute`. */
  opens(card: number, door: number, nowMinute: number): boolean {
    if (!Number.isInteger(door) || door < 0 || door > 31) throw new RangeError(`door must be 0..31, got ${door}`);
    const g = this.grantFor(card, nowMinute);
    return g !== null && ((g.doors >>> door) & 1) === 1;
  }
}
