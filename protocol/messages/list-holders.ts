import { checkUint, varintSize, type Reader, type Writer } from './varint.ts';

/**
 * The holders list's entry (PROTOCOL.md §6.4.1, list 3) apart from its key:
 * the fields after the card, their wire size and their digest words.
 * list-entries.ts puts the keys in front, as for every keyed list.
 */
/** A holder's name on the wire: 64 bytes of UTF-8 is 21 CJK characters or 64 Latin ones, more than a display line. */
export const HOLDER_NAME_BYTES_MAX = 64;
/** Pass days are card days (days since 2000-01-01): u16, as on the card. */
export const CARD_DAY_MAX = 0xffff;

/**
 * What the site knows of a card's holder beyond the card (list 3): the name a
 * punch clock shows, the access groups door rules name (a bit mask, group n =
 * bit n), and a car-park pass valid through `passUntilDay` (a card day; 0: none).
 */
export interface Holder {
  cardNumber: number;
  name: string;
  groups: number;
  passUntilDay: number;
}

/** Groups travel as a u32 bit mask: group n is bit n, so groups are 0..31. */
export const HOLDER_GROUP_MAX = 31;

/** The group ids a mask names, ascending. */
export function groupsOfMask(mask: number): number[] {
  const out: number[] = [];
  for (let g = 0; g <= HOLDER_GROUP_MAX; g++) if (((mask >>> g) & 1) === 1) out.push(g);
  return out;
}

const U32_MAX = 0xffff_ffff;
const utf8 = new TextEncoder();

export function writeHolderFields(w: Writer, h: Holder): void {
  w.str(h.name, HOLDER_NAME_BYTES_MAX, 'name')
    .varint(checkUint(h.groups, 'groups', U32_MAX), 'groups')
    .varint(checkUint(h.passUntilDay, 'passUntilDay', CARD_DAY_MAX), 'passUntilDay');
}

export function readHolderFields(r: Reader, cardNumber: number): Holder {
  const name = r.str('name', HOLDER_NAME_BYTES_MAX);
  const groups = r.varint('groups', U32_MAX);
  const passUntilDay = r.varint('passUntilDay', CARD_DAY_MAX);
  return { cardNumber, name, groups, passUntilDay };
}

/** Bytes of the fields after the key (for chunking by size). */
export function holderBytes(h: Holder): number {
  const nameBytes = utf8.encode(h.name).length;
  return varintSize(nameBytes) + nameBytes + varintSize(h.groups) + varintSize(h.passUntilDay);
}

/** The digest words: card, groups, pass day, the name's UTF-8 length, then its bytes as little-endian u32s. */
export function holderWords(h: Holder): number[] {
  const b = utf8.encode(h.name);
  const words = [h.cardNumber, h.groups >>> 0, h.passUntilDay, b.length];
  for (let i = 0; i < b.length; i += 4)
    words.push((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0);
  return words;
}
