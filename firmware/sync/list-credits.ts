import type { Logger } from '../core/log.ts';
import type { PendingCredit as StoredCredit } from '../store/credits.ts';
import { sameBytes } from '../store/lists/list-schema.ts';
import {
  isCardClass,
  ListDigest,
  type CreditKey,
  type ListAck,
  type ListDelta,
  type ListId,
  type ListSnapshot,
  type PendingCredit,
} from '../../protocol/index.ts';

/**
 * Pending credits (PROTOCOL.md §6.4 list 2, §6.5) into PendingCredits, then
 * the list version into SyncState. Not one transaction across the two files,
 * but safe: add and forget are idempotent, so a power cut between them
 * replays the version. The digest is not checked here: the terminal forgets
 * credits it wrote to a card itself, before the backend's list drops them,
 * so its store is deliberately not the list.
 */
export interface CreditStore {
  add(credits: readonly StoredCredit[]): number;
  forget(card: number, appliedUpTo: number): number;
}
export interface ListVersions {
  listVersion(list: 'credits'): number;
  setListVersion(list: 'credits', version: number): void;
}

type Ack = (list: ListId, status: ListAck['status'], problem?: string) => ListAck;

/** A whole credits delta or snapshot (all its chunks, in order). */
export function applyCredits(
  stores: { credits: CreditStore; versions: ListVersions },
  parts: ListDelta[] | ListSnapshot[],
  ack: Ack,
  log: Logger,
): ListAck {
  const first = parts[0];
  const held = stores.versions.listVersion('credits');
  let add: PendingCredit[];
  let remove: CreditKey[] = [];
  let version: number;
  if (first.type === 'listDelta') {
    version = first.toVersion;
    if (held === version) return ack('credits', 'applied');
    if (held !== first.fromVersion)
      return ack('credits', 'version-mismatch', `at ${held}, delta is ${first.fromVersion}→${version}`);
    add = (parts as ListDelta[]).flatMap((p) => p.add as PendingCredit[]);
    remove = (parts as ListDelta[]).flatMap((p) => p.remove as CreditKey[]);
  } else {
    version = first.version;
    add = (parts as ListSnapshot[]).flatMap((p) => p.entries as PendingCredit[]);
    if (add.length !== first.totalEntries)
      return ack('credits', 'chunk-error', `snapshot ${version} holds ${add.length} of ${first.totalEntries} entries`);
    // A snapshot is the list itself, so its digest is checked: it catches a chunk lost or doubled on the way.
    if (!sameBytes(ListDigest.of('credits', add).bytes(), first.digest))
      return ack('credits', 'digest-mismatch', `snapshot ${version} digest differs`);
    // PendingCredits has no "replace all": add what the list holds. A credit the list no
    // longer holds was applied (lastCreditSeq on the card skips it) — harmless to keep.
  }
  const problem = storeCredits(stores.credits, add, remove);
  if (problem) return ack('credits', 'storage-failed', problem);
  stores.versions.setListVersion('credits', version);
  if (stores.versions.listVersion('credits') !== version)
    throw new Error(`bug: credits at ${stores.versions.listVersion('credits')} after applying ${version}`);
  log.info('sync.list-applied', {
    list: 'credits',
    version,
    added: add.length,
    removed: remove.length,
    chunks: parts.length,
  });
  return ack('credits', 'applied');
}

/** Maps protocol credits onto the store's; returns a problem when one cannot be stored. */
function storeCredits(credits: CreditStore, add: PendingCredit[], remove: CreditKey[]): string | null {
  const stored: StoredCredit[] = [];
  for (const c of add) {
    // A level change (§6.5.1): its amount is the card's new class, no money moves.
    if (c.reason === 'level') {
      if (!isCardClass(c.amount)) return `credit ${c.cardNumber}#${c.creditSeq}: level ${c.amount} is not a card class`;
      const key = { card: c.cardNumber, creditSeq: c.creditSeq, expiryDay: c.expiryDay };
      stored.push({ ...key, balanceCents: 0, subsidyCents: 0, cardClass: c.amount });
      continue;
    }
    // A negative amount is a pending debit (reason adjust: a replaced card's late sales, docs/cards.md).
    if (c.amount === 0 || (c.amount < 0 && c.reason !== 'adjust'))
      return `credit ${c.cardNumber}#${c.creditSeq}: amount ${c.amount} is neither a credit nor an adjusting debit`;
    // expiryDay travels on: at the tap an expired credit is forfeited (§6.5), so it must still be known there.
    stored.push({
      card: c.cardNumber,
      creditSeq: c.creditSeq,
      balanceCents: c.purse === 'balance' ? c.amount : 0,
      subsidyCents: c.purse === 'subsidy' ? c.amount : 0,
      expiryDay: c.expiryDay,
    });
  }
  if (stored.length) credits.add(stored);
  // A removed key was applied (here or elsewhere): everything up to it is done for that card.
  for (const k of remove) credits.forget(k.cardNumber, k.creditSeq);
  return null;
}
