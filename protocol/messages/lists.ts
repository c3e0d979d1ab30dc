import { CAP, makeEnum, type Codec } from './codec.ts';

/** Same as frame.ts PAYLOAD_BYTES_DEFAULT (messages/ imports nothing from its parent). */
const PAYLOAD_BYTES_DEFAULT = 32 * 1024;
import {
  DIGEST_BYTES,
  entryBytes,
  ListDigest,
  ListIdEnum,
  readCards,
  readCreditKeys,
  writeCards,
  writeCreditKeys,
  type CreditKey,
  type Grant,
  type Holder,
  type ListEntry,
  type ListId,
  type PendingCredit,
} from './list-entries.ts';
import { readListEntries, writeListEntries } from './list-codec.ts';
import { readTlvs, TlvWriter } from './tlv.ts';
import { EncodeError, type Writer, type Reader } from './varint.ts';

/**
 * Versioned lists (PROTOCOL.md §6.4): the blacklist, door grants and pending
 * credits share one mechanism. A version is a whole list state; a DELTA moves
 * a terminal from exactly `fromVersion` to `toVersion`, a SNAPSHOT replaces
 * the list. Both may be cut into chunks; the terminal applies a version only
 * when it holds every chunk, in one transaction, then checks the digest.
 */

/** At most this many chunks in one version: 65,535 × 32 KiB ≈ 2 GiB, far beyond any list. */
export const LIST_CHUNKS_MAX = 0xffff;

/**
 * PROTOCOL.md §4.7: each list is governed by its own capability — a LIST_*
 * message naming list 1 needs `grants` agreed, whatever else was. A POS that
 * keeps no grants thus never receives them and may never be sent them.
 */
export const LIST_CAP: Record<ListId, number> = {
  blacklist: CAP.blacklist,
  grants: CAP.grants,
  credits: CAP.credits,
  holders: CAP.holders,
};
const LIST_CAPS = CAP.blacklist | CAP.grants | CAP.credits | CAP.holders;

export type ListChanges =
  | { list: 'blacklist'; add: number[]; remove: number[] }
  | { list: 'grants'; add: Grant[]; remove: number[] }
  | { list: 'holders'; add: Holder[]; remove: number[] }
  | { list: 'credits'; add: PendingCredit[]; remove: CreditKey[] };

export type ListContent =
  | { list: 'blacklist'; entries: number[] }
  | { list: 'grants'; entries: Grant[] }
  | { list: 'holders'; entries: Holder[] }
  | { list: 'credits'; entries: PendingCredit[] };

interface Chunked {
  chunkIndex: number;
  chunkCount: number;
  /** ListDigest of the whole list at the target version (12 bytes), the same in every chunk. */
  digest: Uint8Array;
}

export type ListDelta = { type: 'listDelta'; fromVersion: number; toVersion: number } & Chunked & ListChanges;
export type ListSnapshot = { type: 'listSnapshot'; version: number; totalEntries: number } & Chunked & ListContent;

function writeChunk(w: Writer, m: Chunked): void {
  if (m.chunkCount < 1 || m.chunkCount > LIST_CHUNKS_MAX || m.chunkIndex >= m.chunkCount)
    throw new EncodeError(`chunk ${m.chunkIndex} of ${m.chunkCount} is not a valid chunk`);
  w.varint(m.chunkIndex, 'chunkIndex').varint(m.chunkCount, 'chunkCount').bytes(m.digest, DIGEST_BYTES, 'digest');
}

function readChunk(r: Reader): Chunked {
  const chunkIndex = r.varint('chunkIndex', LIST_CHUNKS_MAX);
  const chunkCount = r.varint('chunkCount', LIST_CHUNKS_MAX);
  if (!r.failed && (chunkCount < 1 || chunkIndex >= chunkCount))
    r.fail(`chunk ${chunkIndex} of ${chunkCount} is not a valid chunk`);
  return { chunkIndex, chunkCount, digest: r.bytes(DIGEST_BYTES, 'digest') };
}

export const listDeltaCodec: Codec<ListDelta> = {
  code: 0x20,
  type: 'listDelta',
  from: 'backend',
  cap: LIST_CAPS,
  capOf: (m) => LIST_CAP[m.list],
  encode(w, m) {
    ListIdEnum.write(w, m.list, 'list');
    if (m.toVersion <= m.fromVersion) throw new EncodeError(`delta ${m.fromVersion}→${m.toVersion} must move forward`);
    w.varint(m.fromVersion, 'fromVersion').varint(m.toVersion, 'toVersion');
    writeChunk(w, m);
    writeListEntries(w, { list: m.list, entries: m.add }, 'add');
    if (m.list === 'credits') writeCreditKeys(w, m.remove, 'remove');
    else writeCards(w, m.remove, 'remove');
  },
  decode(r) {
    const list = ListIdEnum.read(r, 'list');
    const fromVersion = r.varint('fromVersion');
    const toVersion = r.varint('toVersion');
    if (!r.failed && toVersion <= fromVersion) r.fail(`delta ${fromVersion}→${toVersion} must move forward`);
    const chunk = readChunk(r);
    const add = readListEntries(r, list, 'add');
    const remove = list === 'credits' ? readCreditKeys(r, 'remove') : readCards(r, 'remove');
    readTlvs(r, []);
    return { type: 'listDelta', list, fromVersion, toVersion, ...chunk, add, remove } as ListDelta;
  },
};

export const listSnapshotCodec: Codec<ListSnapshot> = {
  code: 0x21,
  type: 'listSnapshot',
  from: 'backend',
  cap: LIST_CAPS,
  capOf: (m) => LIST_CAP[m.list],
  encode(w, m) {
    ListIdEnum.write(w, m.list, 'list');
    w.varint(m.version, 'version');
    writeChunk(w, m);
    w.varint(m.totalEntries, 'totalEntries');
    writeListEntries(w, m, 'entries');
  },
  decode(r) {
    const list = ListIdEnum.read(r, 'list');
    const version = r.varint('version');
    const chunk = readChunk(r);
    const totalEntries = r.varint('totalEntries', 0xffff_ffff);
    const entries = readListEntries(r, list, 'entries');
    readTlvs(r, []);
    return { type: 'listSnapshot', list, version, ...chunk, totalEntries, entries } as ListSnapshot;
  },
};

export const ListAckStatus = makeEnum({
  applied: 0,
  'version-mismatch': 1,
  'digest-mismatch': 2,
  'chunk-error': 3,
  'too-large': 4,
  'storage-failed': 5,
});

export interface ListAck {
  type: 'listAck';
  list: ListId;
  /** The version the terminal holds now (after applying, or unchanged on failure). */
  version: number;
  status: (typeof ListAckStatus.values)[number];
  /** tlv 2 */
  problem?: string;
}

export const listAckCodec: Codec<ListAck> = {
  code: 0x22,
  type: 'listAck',
  from: 'terminal',
  cap: LIST_CAPS,
  capOf: (m) => LIST_CAP[m.list],
  encode(w, m) {
    ListIdEnum.write(w, m.list, 'list');
    w.varint(m.version, 'version');
    ListAckStatus.write(w, m.status, 'status');
    new TlvWriter(w).str(2, m.problem);
  },
  decode(r) {
    const m: ListAck = {
      type: 'listAck',
      list: ListIdEnum.read(r, 'list'),
      version: r.varint('version'),
      status: ListAckStatus.read(r, 'status'),
    };
    const problem = readTlvs(r, [2]).str(2);
    if (problem !== undefined) m.problem = problem;
    return m;
  },
};

export interface ListPull {
  type: 'listPull';
  list: ListId;
  haveVersion: number;
  /** tlv 2 + 4: a snapshot this terminal holds chunks 0..resumeChunk−1 of (resume after a dropped link). */
  resumeVersion?: number;
  resumeChunk?: number;
}

export const listPullCodec: Codec<ListPull> = {
  code: 0x23,
  type: 'listPull',
  from: 'terminal',
  cap: LIST_CAPS,
  capOf: (m) => LIST_CAP[m.list],
  encode(w, m) {
    ListIdEnum.write(w, m.list, 'list');
    w.varint(m.haveVersion, 'haveVersion');
    new TlvWriter(w).varint(2, m.resumeVersion).varint(4, m.resumeChunk);
  },
  decode(r) {
    const m: ListPull = { type: 'listPull', list: ListIdEnum.read(r, 'list'), haveVersion: r.varint('haveVersion') };
    const t = readTlvs(r, [2, 4]);
    const v = t.varint(2);
    const c = t.varint(4, LIST_CHUNKS_MAX);
    if (v !== undefined) m.resumeVersion = v;
    if (c !== undefined) m.resumeChunk = c;
    return m;
  },
};

/** Room for a chunk's header fields (list, versions, chunk numbers, digest, counts) when cutting by size. */
const CHUNK_HEADER_BYTES_MAX = 64;

/** Splits sorted entries into runs whose encoding fits `maxBytes`. */
function cut(list: ListId, entries: readonly ListEntry[], maxBytes: number): ListEntry[][] {
  const runs: ListEntry[][] = [];
  let run: ListEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const n = entryBytes(list, run.length ? (run.at(-1) as ListEntry) : null, e);
    if (run.length && bytes + n > maxBytes) {
      runs.push(run);
      run = [];
      bytes = entryBytes(list, null, e);
    } else bytes += n;
    run.push(e);
  }
  if (run.length || runs.length === 0) runs.push(run);
  return runs;
}

/**
 * Cuts a whole list (sorted by key) into SNAPSHOT chunks that each fit
 * `maxPayloadBytes`. For the backend; a terminal never builds these.
 */
export function snapshotChunks(
  content: ListContent,
  version: number,
  maxPayloadBytes = PAYLOAD_BYTES_DEFAULT,
): ListSnapshot[] {
  const entries = content.entries as ListEntry[];
  const digest = ListDigest.of(content.list, entries).bytes();
  const runs = cut(content.list, entries, maxPayloadBytes - CHUNK_HEADER_BYTES_MAX);
  if (runs.length > LIST_CHUNKS_MAX)
    throw new EncodeError(`${entries.length} entries need more than ${LIST_CHUNKS_MAX} chunks`);
  return runs.map(
    (part, i) =>
      ({
        type: 'listSnapshot',
        list: content.list,
        version,
        chunkIndex: i,
        chunkCount: runs.length,
        digest,
        totalEntries: entries.length,
        entries: part,
      }) as ListSnapshot,
  );
}

/**
 * Cuts a delta into DELTA chunks that each fit `maxPayloadBytes` (adds
 * first, then removals). `digest` is the list's digest at toVersion.
 */
export function deltaChunks(
  changes: ListChanges,
  fromVersion: number,
  toVersion: number,
  digest: Uint8Array,
  maxPayloadBytes = PAYLOAD_BYTES_DEFAULT,
): ListDelta[] {
  const room = (maxPayloadBytes - CHUNK_HEADER_BYTES_MAX) >> 1;
  const adds = cut(changes.list, changes.add as ListEntry[], room);
  const removeList: ListId = changes.list === 'credits' ? 'credits' : 'blacklist';
  const removes =
    changes.list === 'credits'
      ? cut(
          'credits',
          (changes.remove as CreditKey[]).map(
            (k) => ({ ...k, amount: 0, purse: 'balance', reason: 'subsidy', expiryDay: 0 }) as PendingCredit,
          ),
          room,
        )
      : cut(removeList, changes.remove as number[], room);
  const n = Math.max(adds.length, removes.length);
  const out: ListDelta[] = [];
  for (let i = 0; i < n; i++) {
    const add = adds[i] ?? [];
    const remove =
      changes.list === 'credits'
        ? ((removes[i] ?? []) as PendingCredit[]).map((c) => ({ cardNumber: c.cardNumber, creditSeq: c.creditSeq }))
        : (removes[i] ?? []);
    out.push({
      type: 'listDelta',
      list: changes.list,
      fromVersion,
      toVersion,
      chunkIndex: i,
      chunkCount: n,
      digest,
      add,
      remove,
    } as ListDelta);
  }
  return out;
}
