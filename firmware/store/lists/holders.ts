import type { Logger } from '../../core/log.ts';
import { HOLDER_NAME_BYTES_MAX, groupsOfMask, type Holder } from '../../../protocol/index.ts';
import { checkCard } from '../journal/journal-args.ts';
import type { ListTableSpec } from './list-schema.ts';
import { ListFile } from './list-file.ts';

/**
 * What the site knows of a card's holder beyond the card (PROTOCOL.md §6.4
 * list 3): the name the punch clock shows, the access groups door rules
 * name (bit mask, group n = bit n), a car-park pass valid through a card
 * day (0: none). Same mechanism and durability as the grants, in its own
 * file `holders.db`: a POS keeps none.
 */
export const HOLDERS_MAX_ENTRIES = 1_000_000;
const SCHEMA_VERSION = 1;
const U32_MAX = 0xffff_ffff;

export type { Holder };

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

export const HOLDERS_SPEC: ListTableSpec<Holder> = {
  list: 'holders',
  extraColumns: ['name TEXT NOT NULL', 'groups INTEGER NOT NULL', 'pass_until INTEGER NOT NULL'],
  maxEntries: HOLDERS_MAX_ENTRIES,
  replaces: true,
  key: (h) => h.cardNumber,
  values: (h) => [h.cardNumber, h.name, h.groups, h.passUntilDay],
  fromRow: (r) => ({
    cardNumber: r[0] as number,
    name: r[1] as string,
    groups: r[2] as number,
    passUntilDay: r[3] as number,
  }),
  check(h) {
    checkCard(h.cardNumber);
    const groupsOk = Number.isInteger(h.groups) && h.groups >= 0 && h.groups <= U32_MAX;
    const dayOk = Number.isInteger(h.passUntilDay) && h.passUntilDay >= 0 && h.passUntilDay <= 0xffff;
    if (typeof h.name !== 'string' || utf8Bytes(h.name) > HOLDER_NAME_BYTES_MAX || !groupsOk || !dayOk)
      throw new RangeError(
        `holder of card ${h.cardNumber}: a name of ≤ ${HOLDER_NAME_BYTES_MAX} bytes, a u32 group mask ` +
          `and a card day, got ${JSON.stringify(h)}`,
      );
  },
};

export class Holders extends ListFile<Holder> {
  /** Opens or creates the holders file (`:memory:` for tests). */
  static open(opts: { path: string; log: Logger }): Holders {
    const { db, table } = ListFile.openTable(opts, HOLDERS_SPEC, SCHEMA_VERSION);
    return new Holders(db, table);
  }

  private entry(card: number): Holder | undefined {
    return this.table.get(checkCard(card));
  }

  /** The holder's name, or null when the list has none for the card. */
  nameOf(card: number): string | null {
    const name = this.entry(card)?.name;
    return name ? name : null;
  }

  /** The access groups the card belongs to; [] when none. */
  groupsOf(card: number): number[] {
    return groupsOfMask(this.entry(card)?.groups ?? 0);
  }

  /** The card's car-park pass (valid through a card day), or null. */
  passOf(card: number): { untilDay: number } | null {
    const day = this.entry(card)?.passUntilDay ?? 0;
    return day === 0 ? null : { untilDay: day };
  }
}
