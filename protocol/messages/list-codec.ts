import {
  readCards,
  readCredits,
  readGrants,
  writeCards,
  writeCredits,
  writeGrants,
  type Grant,
  type ListEntry,
  type ListId,
  type PendingCredit,
} from './list-entries.ts';
import { type Holder, readHolderFields, writeHolderFields } from './list-holders.ts';
import type { Reader, Writer } from './varint.ts';

/** Every list's entries on the wire, by list (PROTOCOL.md §6.4): the keys first, then each entry's fields. */
export function writeHolders(w: Writer, holders: readonly Holder[], field: string): void {
  writeCards(
    w,
    holders.map((h) => h.cardNumber),
    field,
  );
  for (const h of holders) writeHolderFields(w, h);
}

export function readHolders(r: Reader, field: string): Holder[] {
  const cards = readCards(r, field);
  const out: Holder[] = [];
  for (let i = 0; i < cards.length && !r.failed; i++) out.push(readHolderFields(r, cards[i]));
  return r.failed ? [] : out;
}

/** A list's entries, as LIST_DELTA adds and LIST_SNAPSHOT carries them (PROTOCOL.md §6.4). */
export function writeListEntries(w: Writer, c: { list: ListId; entries: readonly ListEntry[] }, field: string): void {
  if (c.list === 'blacklist') writeCards(w, c.entries as number[], field);
  else if (c.list === 'grants') writeGrants(w, c.entries as Grant[], field);
  else if (c.list === 'holders') writeHolders(w, c.entries as Holder[], field);
  else writeCredits(w, c.entries as PendingCredit[], field);
}

export function readListEntries(r: Reader, list: ListId, field: string): ListEntry[] {
  if (list === 'blacklist') return readCards(r, field);
  if (list === 'grants') return readGrants(r, field);
  if (list === 'holders') return readHolders(r, field);
  return readCredits(r, field);
}
