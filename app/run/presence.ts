/**
 * A card that stays on the reader after its tap must not pay twice: the run
 * loop hands a card to the role only when it arrives, and again only after
 * the field was seen empty. Pure: the loop feeds it what each poll saw.
 */
export type Presence = { kind: 'empty' } | { kind: 'held'; uidHex: string };
export type PollSeen = { kind: 'none' } | { kind: 'card'; uidHex: string };

export function nextPresence(p: Presence, seen: PollSeen): { presence: Presence; tap: boolean } {
  if (seen.kind === 'none') return { presence: { kind: 'empty' }, tap: false };
  const same = p.kind === 'held' && p.uidHex === seen.uidHex;
  return { presence: { kind: 'held', uidHex: seen.uidHex }, tap: !same };
}
