import type { Logger } from '../core/log.ts';
import type { PendingCredit as StoredCredit } from '../store/credits.ts';
import { ListDigest, LIST_CHUNKS_MAX, type CreditKey, type ListAck, type ListDelta, type ListEntry, type ListId, type ListSnapshot, type PendingCredit } from '../../protocol/index.ts';

/**
 * Applies versioned lists from the backend (PROTOCOL.md §6.4) to the
 * terminal's stores: chunks are gathered until a version is whole, then the
 * version is applied durably in one store transaction, and only then is a
 * LIST_ACK produced — a terminal never acknowledges what it has not stored.
 *
 * - blacklist (list 0) → Blacklist.applyDelta / replaceAll (one transaction each);
 * - credits (list 2)   → PendingCredits.add / forget, then the list version in
 *   SyncState. Not one transaction across the two files, but safe: add and
 *   forget are idempotent, so a power cut between them replays the version.
 * - grants (list 1): this terminal has no grant store; it answers
 *   storage-failed (it does not offer the grants capability either).
 */

/** A snapshot beyond this is the wrong list (firmware/store/blacklist.ts BLACKLIST_MAX_ENTRIES, with room for credits). */
export const LIST_ENTRIES_MAX = 1_000_000;

export interface BlacklistStore {
  version(): number;
  applyDelta(fromVersion: number, toVersion: number, add: number[], remove: number[]): void;
  replaceAll(version: number, cards: Iterable<number>): void;
}
export interface CreditStore {
  add(credits: readonly StoredCredit[]): number;
  forget(card: number, appliedUpTo: number): number;
}
export interface ListVersions {
  listVersion(list: 'credits'): number;
  setListVersion(list: 'credits', version: number): void;
}

interface Assembly {
  key: string;
  chunkCount: number;
  digest: Uint8Array;
  parts: Map<number, ListDelta | ListSnapshot>;
  entries: number;
}

type Piece = ListDelta | ListSnapshot;

export class ListApplier {
  private readonly assembling = new Map<ListId, Assembly>();

  constructor(
    private readonly blacklist: BlacklistStore,
    private readonly credits: CreditStore,
    private readonly versions: ListVersions,
    private readonly log: Logger,
  ) {}

  /** The version of each list this terminal holds (for STATUS and LIST_PULL). */
  held(list: ListId): number {
    if (list === 'blacklist') return this.blacklist.version();
    if (list === 'credits') return this.versions.listVersion('credits');
    return 0;
  }

  /** Drops half-gathered versions (a new session starts over). */
  reset(): void {
    this.assembling.clear();
  }

  /** Takes one chunk; returns the LIST_ACK to send once the version is whole (null while chunks are missing). */
  receive(m: Piece): ListAck | null {
    const key = m.type === 'listDelta' ? `delta ${m.fromVersion}→${m.toVersion}` : `snapshot ${m.version}`;
    let a = this.assembling.get(m.list);
    if (!a || a.key !== key || a.chunkCount !== m.chunkCount) {
      a = { key, chunkCount: m.chunkCount, digest: m.digest, parts: new Map(), entries: 0 };
      this.assembling.set(m.list, a);
    }
    if (m.chunkCount > LIST_CHUNKS_MAX || m.chunkIndex >= m.chunkCount) return this.fail(m.list, 'chunk-error', `chunk ${m.chunkIndex} of ${m.chunkCount}`);
    if (a.parts.has(m.chunkIndex)) return null; // a duplicate chunk: already held
    a.parts.set(m.chunkIndex, m);
    a.entries += m.type === 'listDelta' ? m.add.length + m.remove.length : m.entries.length;
    if (a.entries > LIST_ENTRIES_MAX) return this.fail(m.list, 'too-large', `more than ${LIST_ENTRIES_MAX} entries`);
    if (a.parts.size < a.chunkCount) return null;
    this.assembling.delete(m.list);
    const parts = [...a.parts.keys()].sort((x, y) => x - y).map((i) => a.parts.get(i) as Piece);
    try {
      return m.type === 'listDelta' ? this.applyDelta(parts as ListDelta[]) : this.applySnapshot(parts as ListSnapshot[]);
    } catch (err) {
      this.log.error('sync.list-apply-failed', { list: m.list, version: key, error: err });
      return this.ack(m.list, 'storage-failed', (err as Error).message);
    }
  }

  private applyDelta(parts: ListDelta[]): ListAck {
    const { list, fromVersion, toVersion } = parts[0];
    const held = this.held(list);
    // A delta seen again after its ack was lost: already applied, say so again.
    if (held === toVersion) return this.ack(list, 'applied');
    if (held !== fromVersion) return this.ack(list, 'version-mismatch', `at ${held}, delta is ${fromVersion}→${toVersion}`);
    if (list === 'blacklist') {
      const add = parts.flatMap((p) => p.add as number[]);
      const remove = parts.flatMap((p) => p.remove as number[]);
      this.blacklist.applyDelta(fromVersion, toVersion, add, remove);
    } else if (list === 'credits') {
      const add = parts.flatMap((p) => p.add as PendingCredit[]);
      const remove = parts.flatMap((p) => p.remove as CreditKey[]);
      const problem = this.storeCredits(add, remove);
      if (problem) return this.ack(list, 'storage-failed', problem);
      this.versions.setListVersion('credits', toVersion);
    } else return this.ack(list, 'storage-failed', 'this terminal keeps no door grants');
    // Pair assertion (style.md habit 5): the store moved to exactly the version we acknowledge.
    if (this.held(list) !== toVersion) throw new Error(`bug: ${list} at ${this.held(list)} after applying delta to ${toVersion}`);
    this.log.info('sync.list-applied', { list, fromVersion, toVersion, chunks: parts.length });
    return this.ack(list, 'applied');
  }

  private applySnapshot(parts: ListSnapshot[]): ListAck {
    const { list, version, totalEntries, digest } = parts[0];
    const entries = parts.flatMap((p) => p.entries as ListEntry[]);
    if (entries.length !== totalEntries) return this.ack(list, 'chunk-error', `snapshot ${version} holds ${entries.length} of ${totalEntries} entries`);
    // The digest catches a chunk lost or doubled on the way (not an attacker: the MAC does that).
    const got = ListDigest.of(list, entries).bytes();
    if (!sameBytes(got, digest)) return this.ack(list, 'digest-mismatch', `snapshot ${version} digest differs`);
    if (list === 'blacklist') this.blacklist.replaceAll(version, entries as number[]);
    else if (list === 'credits') {
      // PendingCredits has no "replace all": add what the list holds. A credit the list no
      // longer holds was applied (lastCreditSeq on the card skips it) — harmless to keep.
      const problem = this.storeCredits(entries as PendingCredit[], []);
      if (problem) return this.ack(list, 'storage-failed', problem);
      this.versions.setListVersion('credits', version);
    } else return this.ack(list, 'storage-failed', 'this terminal keeps no door grants');
    if (this.held(list) !== version) throw new Error(`bug: ${list} at ${this.held(list)} after snapshot ${version}`);
    this.log.info('sync.list-snapshot', { list, version, entries: entries.length, chunks: parts.length });
    return this.ack(list, 'applied');
  }

  /** Maps protocol credits onto the store's; returns a problem when one cannot be stored. */
  private storeCredits(add: PendingCredit[], remove: CreditKey[]): string | null {
    const stored: StoredCredit[] = [];
    for (const c of add) {
      // The purse write can only add (firmware/store/credits.ts): a take-back credit needs a person.
      if (c.amount <= 0) return `credit ${c.cardNumber}#${c.creditSeq}: amount ${c.amount} is not a positive credit`;
      stored.push({ card: c.cardNumber, creditSeq: c.creditSeq, balanceCents: c.purse === 'balance' ? c.amount : 0, subsidyCents: c.purse === 'subsidy' ? c.amount : 0 });
    }
    if (stored.length) this.credits.add(stored);
    // A removed key was applied (here or elsewhere): everything up to it is done for that card.
    for (const k of remove) this.credits.forget(k.cardNumber, k.creditSeq);
    return null;
  }

  private fail(list: ListId, status: ListAck['status'], problem: string): ListAck {
    this.assembling.delete(list);
    return this.ack(list, status, problem);
  }

  private ack(list: ListId, status: ListAck['status'], problem?: string): ListAck {
    const m: ListAck = { type: 'listAck', list, version: this.held(list), status };
    if (problem !== undefined) m.problem = problem.slice(0, 200);
    if (status !== 'applied') this.log.warn('sync.list-refused', { list, status, problem });
    return m;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
