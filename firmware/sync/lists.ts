import type { Logger } from '../core/log.ts';
import type { ListStage } from '../store/lists/list-stage.ts';
import { ListError, sameBytes, type KeyedListId } from '../store/lists/list-schema.ts';
import {
  LIST_CHUNKS_MAX,
  type Grant,
  type Holder,
  type ListAck,
  type ListDelta,
  type ListEntry,
  type ListId,
  type ListPull,
  type ListSnapshot,
} from '../../protocol/index.ts';
import { applyCredits, type CreditStore, type ListVersions } from './list-credits.ts';

/**
 * Applies versioned lists from the backend (PROTOCOL.md §6.4) to the
 * terminal's stores, in bounded slices: `receive` only queues a chunk, and
 * each `step` does one short piece of work (ListPump runs one per scheduler
 * turn, so a tap waiting on the event loop gets in between). A LIST_ACK comes
 * out of a step only once the version is durably applied.
 *
 * - blacklist (0), grants (1): a snapshot is staged durably chunk by chunk,
 *   4,096 entries per transaction (firmware/store/lists/list-stage.ts), and
 *   switched in when whole and its digest checks. The stage survives a
 *   dropped link and a restart; `resumePulls` asks the backend for the rest.
 *   A delta is gathered in memory, then applied in one transaction that
 *   checks the §6.4 digest of the list after it (rolled back on a difference).
 * - credits (2): list-credits.ts. Its digest is not checked: the terminal
 *   forgets credits it applied itself, so its store is not the list.
 */

/** A snapshot beyond this is the wrong list (the stores' limit, with room for credits). */
export const LIST_ENTRIES_MAX = 1_000_000;
/** Entries staged per transaction: ~10–20 ms a slice with 1M cards here (bench/sync-lists.ts: longest slice), a WAL checkpoint included; 8,192 reached ~50 ms under load. */
export const STAGE_SLICE_ENTRIES = 4_096;
/** Chunks queued and not yet staged: a 1M blacklist is ~31 chunks; beyond, a chunk is dropped and sent again. */
export const QUEUED_CHUNKS_MAX = 1_024;

export interface KeyedStore<E> {
  version(): number;
  digest(): Uint8Array;
  applyDelta(
    fromVersion: number,
    toVersion: number,
    add: readonly E[],
    remove: readonly number[],
    expectedDigest?: Uint8Array,
  ): void;
  readonly stage: Pick<ListStage<E>, 'staged' | 'hasChunk' | 'begin' | 'stageSlice' | 'switchToLive' | 'discard'>;
}
export type BlacklistStore = KeyedStore<number>;
export type GrantStore = KeyedStore<Grant>;
export type HolderStore = KeyedStore<Holder>;
export type { CreditStore, ListVersions };

export interface ListStores {
  blacklist: BlacklistStore;
  /** Only a terminal that opens doors keeps grants (and offers CAP.grants). */
  grants?: GrantStore;
  /** Only door, punch-clock and car-park terminals keep holders (and offer CAP.holders). */
  holders?: HolderStore;
  credits: CreditStore;
  versions: ListVersions;
}

type Piece = ListDelta | ListSnapshot;
type Job =
  | { kind: 'stage'; m: ListSnapshot; offset: number }
  | { kind: 'switch'; list: KeyedListId }
  | { kind: 'apply'; parts: Piece[] };

interface Assembly {
  key: string;
  chunkCount: number;
  parts: Map<number, Piece>;
  entries: number;
}

export class ListApplier {
  private readonly assembling = new Map<ListId, Assembly>();
  private readonly queue: Job[] = [];

  constructor(
    private readonly stores: ListStores,
    private readonly log: Logger,
  ) {}

  /** The version of each list this terminal holds (for STATUS and LIST_PULL). */
  held(list: ListId): number {
    if (list === 'credits') return this.stores.versions.listVersion('credits');
    return this.keyed(list)?.version() ?? 0;
  }

  /** True while chunks wait to be staged or a version to be applied. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Drops half-gathered deltas (a new session starts them over). Staged snapshots are kept. */
  reset(): void {
    this.assembling.clear();
  }

  /**
   * For a new session, before its STATUS (so the backend does not start the
   * snapshot over): a LIST_PULL per snapshot staged in part. A snapshot
   * staged whole (a restart came between its last chunk and its switch) is
   * queued for its switch instead.
   */
  resumePulls(): ListPull[] {
    const out: ListPull[] = [];
    for (const list of ['blacklist', 'grants', 'holders'] as const) {
      const s = this.keyed(list)?.stage.staged();
      if (!s) continue;
      if (s.complete) this.queueSwitch(list);
      else
        out.push({
          type: 'listPull',
          list,
          haveVersion: this.held(list),
          resumeVersion: s.version,
          resumeChunk: s.resumeChunk,
        });
    }
    return out;
  }

  /** Takes one chunk. Returns an answer only when it is refused at once; otherwise the answer comes from `step`. */
  receive(m: Piece): ListAck | null {
    if (m.chunkCount > LIST_CHUNKS_MAX || m.chunkIndex >= m.chunkCount)
      return this.ack(m.list, 'chunk-error', `chunk ${m.chunkIndex} of ${m.chunkCount}`);
    if (m.list === 'grants' && !this.stores.grants)
      return this.ack(m.list, 'storage-failed', 'this terminal keeps no door grants');
    if (m.list === 'holders' && !this.stores.holders)
      return this.ack(m.list, 'storage-failed', 'this terminal keeps no holders list');
    if (m.type === 'listSnapshot' && m.list !== 'credits') {
      if (this.queue.length >= QUEUED_CHUNKS_MAX) {
        this.log.warn('sync.list-chunk-dropped', {
          list: m.list,
          version: m.version,
          chunk: m.chunkIndex,
          queued: this.queue.length,
        });
        return null;
      }
      this.queue.push({ kind: 'stage', m, offset: 0 });
      return null;
    }
    return this.assemble(m);
  }

  /** Does one bounded piece of work; returns the LIST_ACK when a version is done (applied or refused). */
  step(): ListAck | null {
    const job = this.queue[0];
    if (!job) return null;
    const list = job.kind === 'switch' ? job.list : job.kind === 'stage' ? job.m.list : job.parts[0].list;
    try {
      if (job.kind === 'stage') return this.stageStep(job);
      this.queue.shift();
      if (job.kind === 'switch') return this.switchStep(job.list);
      return job.parts[0].type === 'listDelta'
        ? this.applyDelta(job.parts as ListDelta[])
        : applyCredits(this.stores, job.parts as ListSnapshot[], this.ack.bind(this), this.log);
    } catch (err) {
      if (this.queue[0] === job) this.queue.shift();
      if (err instanceof ListError) {
        // A snapshot whose chunks do not add up is useless staged: the backend answers with a fresh one.
        if (job.kind === 'stage') this.keyed(list)?.stage.discard();
        return this.ack(list, err.status === 'invalid' ? 'chunk-error' : err.status, err.message);
      }
      this.log.error('sync.list-apply-failed', { list, error: err });
      return this.ack(list, 'storage-failed', (err as Error).message);
    }
  }

  private keyed(list: ListId): KeyedStore<ListEntry> | undefined {
    if (list === 'blacklist') return this.stores.blacklist as KeyedStore<ListEntry>;
    if (list === 'grants') return this.stores.grants as KeyedStore<ListEntry> | undefined;
    if (list === 'holders') return this.stores.holders as KeyedStore<ListEntry> | undefined;
    return undefined;
  }

  private assemble(m: Piece): ListAck | null {
    const key = m.type === 'listDelta' ? `delta ${m.fromVersion}→${m.toVersion}` : `snapshot ${m.version}`;
    let a = this.assembling.get(m.list);
    if (!a || a.key !== key || a.chunkCount !== m.chunkCount) {
      a = { key, chunkCount: m.chunkCount, parts: new Map(), entries: 0 };
      this.assembling.set(m.list, a);
    }
    if (a.parts.has(m.chunkIndex)) return null; // a duplicate chunk: already held
    a.parts.set(m.chunkIndex, m);
    a.entries += m.type === 'listDelta' ? m.add.length + m.remove.length : m.entries.length;
    if (a.entries > LIST_ENTRIES_MAX) {
      this.assembling.delete(m.list);
      return this.ack(m.list, 'too-large', `more than ${LIST_ENTRIES_MAX} entries`);
    }
    if (a.parts.size < a.chunkCount) return null;
    this.assembling.delete(m.list);
    const parts = [...a.parts.keys()].sort((x, y) => x - y).map((i) => a.parts.get(i) as Piece);
    this.queue.push({ kind: 'apply', parts });
    return null;
  }

  /** One slice of one snapshot chunk into the stage (or the stage begun, or a stale one discarded). */
  private stageStep(job: Job & { kind: 'stage' }): ListAck | null {
    const { m } = job;
    const store = this.keyed(m.list) as KeyedStore<ListEntry>;
    const s = store.stage.staged();
    if (s === null) {
      // The version held already (a resend after a lost LIST_ACK): say so again, once.
      if (store.version() === m.version && sameBytes(store.digest(), m.digest)) {
        this.queue.shift();
        return m.chunkIndex === 0 ? this.ack(m.list, 'applied') : null;
      }
      store.stage.begin({
        version: m.version,
        chunkCount: m.chunkCount,
        totalEntries: m.totalEntries,
        digest: m.digest,
      });
    } else if (
      s.version !== m.version ||
      s.chunkCount !== m.chunkCount ||
      s.totalEntries !== m.totalEntries ||
      !sameBytes(s.digest, m.digest)
    ) {
      // Another snapshot: the staged one is stale (one slice; the next step begins the new one).
      store.stage.discard();
      return null;
    }
    if (job.offset === 0 && store.stage.hasChunk(m.chunkIndex)) {
      this.queue.shift(); // held already (sent again after a resume or a resend)
      return null;
    }
    const entries = m.entries as ListEntry[];
    const end = Math.min(job.offset + STAGE_SLICE_ENTRIES, entries.length);
    const last = end === entries.length;
    store.stage.stageSlice(m.chunkIndex, entries.slice(job.offset, end), last);
    job.offset = end;
    if (last) {
      this.queue.shift();
      if (store.stage.staged()?.complete) this.queueSwitch(m.list as KeyedListId);
    }
    return null;
  }

  private queueSwitch(list: KeyedListId): void {
    if (!this.queue.some((j) => j.kind === 'switch' && j.list === list)) this.queue.unshift({ kind: 'switch', list });
  }

  private switchStep(list: KeyedListId): ListAck | null {
    const store = this.keyed(list) as KeyedStore<ListEntry>;
    if (!store.stage.staged()?.complete) return null;
    try {
      const r = store.stage.switchToLive();
      // Pair assertion (docs/architecture.md, code habits): the store moved to exactly the version we acknowledge.
      if (store.version() !== r.version)
        throw new Error(`bug: ${list} at ${store.version()} after switching in snapshot ${r.version}`);
    } catch (err) {
      // A stage that fails its check is useless: the backend answers the refusal with a fresh snapshot.
      if (err instanceof ListError) store.stage.discard();
      throw err;
    }
    return this.ack(list, 'applied');
  }

  private applyDelta(parts: ListDelta[]): ListAck {
    const { list, fromVersion, toVersion, digest } = parts[0];
    if (list === 'credits') return applyCredits(this.stores, parts, this.ack.bind(this), this.log);
    const store = this.keyed(list) as KeyedStore<ListEntry>;
    const held = store.version();
    // A delta seen again after its ack was lost: already applied, say so again.
    if (held === toVersion) return this.ack(list, 'applied');
    if (held !== fromVersion)
      return this.ack(list, 'version-mismatch', `at ${held}, delta is ${fromVersion}→${toVersion}`);
    const add = parts.flatMap((p) => p.add as ListEntry[]);
    const remove = parts.flatMap((p) => p.remove as number[]);
    store.applyDelta(fromVersion, toVersion, add, remove, digest);
    if (store.version() !== toVersion)
      throw new Error(`bug: ${list} at ${store.version()} after applying delta to ${toVersion}`);
    // A snapshot staged for a version this delta reached or passed would take the list back.
    const s = store.stage.staged();
    if (s && s.version <= toVersion) store.stage.discard();
    this.log.info('sync.list-applied', { list, fromVersion, toVersion, chunks: parts.length });
    return this.ack(list, 'applied');
  }

  private ack(list: ListId, status: ListAck['status'], problem?: string): ListAck {
    const m: ListAck = { type: 'listAck', list, version: this.held(list), status };
    if (problem !== undefined) m.problem = problem.slice(0, 200);
    if (status !== 'applied') this.log.warn('sync.list-refused', { list, status, problem });
    return m;
  }
}
