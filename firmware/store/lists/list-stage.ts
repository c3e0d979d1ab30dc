import type Database from 'better-sqlite3';
import type { Logger } from '../../core/log.ts';
import { ListDigest, type ListEntry } from '../../../protocol/index.ts';
import { columnNames, digestHex, ListError, sameBytes, stageTableSql, type ListTableSpec } from './list-schema.ts';

/**
 * A snapshot on its way in (PROTOCOL.md §6.4 step 1: "large snapshots go to
 * a staging table, durably, so a dropped link can resume with LIST_PULL").
 *
 * - Each slice of a chunk is its own short transaction (the caller bounds
 *   its size: 4,096 cards ≈ 10–20 ms here, so a tap never waits long), and
 *   it moves the stage's running digest and size with the rows it really
 *   inserted: whatever a power cut leaves, the stage's digest is the digest
 *   of the rows in it. A chunk counts as held once its last slice committed.
 * - Nothing here is visible to a tap: taps read only the live table.
 * - switchToLive() checks count and digest, then drops the live table and
 *   renames the stage in its place, in one transaction (~10 ms for 1M
 *   entries: DROP frees pages, it does not delete rows one by one). A power
 *   cut before its commit leaves the old list and the whole stage; after,
 *   the new list.
 */
export interface StagedSnapshot {
  version: number;
  chunkCount: number;
  totalEntries: number;
  digest: Uint8Array;
  /** Entries staged so far (chunks held, and slices of a chunk cut short by a power cut). */
  size: number;
  chunksHeld: number;
  /** The lowest chunk index not held: a LIST_PULL resumes here (it holds 0..resumeChunk−1). */
  resumeChunk: number;
  complete: boolean;
}

interface StageMetaRow {
  version: number;
  chunk_count: number;
  total_entries: number;
  digest: Uint8Array;
  size: number;
  d_count: number;
  d_a: number;
  d_b: number;
}

export class ListStage<E> {
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: ListTableSpec<E>,
    private readonly log: Logger,
    private readonly switched: () => void,
  ) {
    const L = spec.list;
    const cols = columnNames(spec);
    this.q = {
      meta: db.prepare<[], StageMetaRow>(
        `SELECT version, chunk_count, total_entries, digest, size, d_count, d_a, d_b FROM ${L}_stage_meta WHERE id = 1`,
      ),
      begin: db.prepare(
        `INSERT INTO ${L}_stage_meta (id, version, chunk_count, total_entries, digest, size, d_count, d_a, d_b) VALUES (1, ?, ?, ?, ?, 0, 0, 0, 0)`,
      ),
      progress: db.prepare(`UPDATE ${L}_stage_meta SET size = ?, d_count = ?, d_a = ?, d_b = ? WHERE id = 1`),
      chunks: db.prepare<[], number>(`SELECT chunk FROM ${L}_stage_chunks ORDER BY chunk`).pluck(),
      hasChunk: db.prepare<[number], number>(`SELECT 1 FROM ${L}_stage_chunks WHERE chunk = ?`).pluck(),
      markChunk: db.prepare(`INSERT OR IGNORE INTO ${L}_stage_chunks (chunk) VALUES (?)`),
      clearMeta: db.prepare(`DELETE FROM ${L}_stage_meta`),
      clearChunks: db.prepare(`DELETE FROM ${L}_stage_chunks`),
      liveMeta: db.prepare(`UPDATE ${L}_meta SET version = ?, size = ?, d_count = ?, d_a = ?, d_b = ? WHERE id = 1`),
      liveVersion: db.prepare<[], number>(`SELECT version FROM ${L}_meta WHERE id = 1`).pluck(),
    };
    this.insertSql = `INSERT OR IGNORE INTO ${L}_stage (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  }

  private readonly insertSql: string;
  private insertStmt: Database.Statement | null = null;
  /** The stage table is dropped and made again on a switch: its insert is prepared per stage. */
  private insert(): Database.Statement {
    this.insertStmt ??= this.db.prepare(this.insertSql);
    return this.insertStmt;
  }

  /** The snapshot staged, if any (after a restart too: all of it is on disk). */
  staged(): StagedSnapshot | null {
    const m = this.q.meta.get();
    if (m === undefined) return null;
    const chunks = this.q.chunks.all();
    let resumeChunk = 0;
    while (resumeChunk < chunks.length && chunks[resumeChunk] === resumeChunk) resumeChunk++;
    return {
      version: m.version,
      chunkCount: m.chunk_count,
      totalEntries: m.total_entries,
      digest: new Uint8Array(m.digest),
      size: m.size,
      chunksHeld: chunks.length,
      resumeChunk,
      complete: chunks.length === m.chunk_count,
    };
  }

  hasChunk(chunkIndex: number): boolean {
    return this.q.hasChunk.get(chunkIndex) !== undefined;
  }

  /** Starts staging a snapshot; the stage must be empty (discard() first). */
  begin(s: { version: number; chunkCount: number; totalEntries: number; digest: Uint8Array }): void {
    const { list, maxEntries } = this.spec;
    if (s.totalEntries > maxEntries)
      throw new ListError(
        'too-large',
        `${list} snapshot ${s.version} has ${s.totalEntries} entries (limit ${maxEntries})`,
      );
    this.db.transaction(() => this.q.begin.run(s.version, s.chunkCount, s.totalEntries, s.digest)).immediate();
    this.log.info(`${list}.stage-begin`, {
      version: s.version,
      chunkCount: s.chunkCount,
      totalEntries: s.totalEntries,
    });
  }

  /**
   * Stages some entries of chunk `chunkIndex` in one transaction; `lastOfChunk`
   * marks the chunk held in the same transaction. Entries already staged
   * (a chunk sent again) change nothing, the digest included.
   */
  stageSlice(chunkIndex: number, entries: readonly E[], lastOfChunk: boolean): void {
    const { list, maxEntries } = this.spec;
    entries.forEach((e) => this.spec.check(e));
    const insert = this.insert();
    this.db
      .transaction(() => {
        const m = this.q.meta.get();
        if (m === undefined) throw new Error(`bug: ${list} slice of chunk ${chunkIndex} with nothing staged`);
        const d = new ListDigest(m.d_count, m.d_a, m.d_b);
        let size = m.size;
        for (const e of entries) {
          if (insert.run(...this.spec.values(e)).changes === 0) continue;
          d.add(list, e as ListEntry);
          size++;
        }
        if (size > m.total_entries || size > maxEntries)
          throw new ListError(
            'chunk-error',
            `${list} snapshot ${m.version}: chunks hold more than its ${m.total_entries} entries`,
          );
        this.q.progress.run(size, d.count, d.a, d.b);
        if (lastOfChunk) this.q.markChunk.run(chunkIndex);
      })
      .immediate();
  }

  /**
   * The stage becomes the live list, in one transaction: all chunks held,
   * the entry count and the §6.4 digest checked first. Throws ListError
   * (chunk-error, digest-mismatch) with nothing changed; the stage is kept
   * for the caller to discard.
   */
  switchToLive(): { version: number; previousVersion: number; size: number } {
    const L = this.spec.list;
    const result = this.db
      .transaction(() => {
        const s = this.staged();
        if (s === null) throw new Error(`bug: ${L} switch with nothing staged`);
        const m = this.q.meta.get() as StageMetaRow;
        if (!s.complete)
          throw new ListError(
            'chunk-error',
            `${L} snapshot ${s.version}: ${s.chunksHeld} of ${s.chunkCount} chunks staged`,
          );
        if (s.size !== s.totalEntries)
          throw new ListError('chunk-error', `${L} snapshot ${s.version} holds ${s.size} of ${s.totalEntries} entries`);
        const got = new ListDigest(m.d_count, m.d_a, m.d_b).bytes();
        if (!sameBytes(got, s.digest))
          throw new ListError(
            'digest-mismatch',
            `${L} snapshot ${s.version}: staged digest ${digestHex(got)}, the backend's ${digestHex(s.digest)}`,
          );
        const previousVersion = this.q.liveVersion.get() as number;
        this.db.exec(`DROP TABLE ${L}; ALTER TABLE ${L}_stage RENAME TO ${L}; ${stageTableSql(this.spec)}`);
        this.q.liveMeta.run(s.version, s.size, m.d_count, m.d_a, m.d_b);
        this.q.clearMeta.run();
        this.q.clearChunks.run();
        return { version: s.version, previousVersion, size: s.size };
      })
      .immediate();
    this.insertStmt = null;
    this.switched();
    this.log.info(`${L}.snapshot`, result);
    return result;
  }

  /** Forgets the staged snapshot (another version came, or it failed its check). */
  discard(): void {
    const L = this.spec.list;
    const s = this.q.meta.get();
    this.db
      .transaction(() => {
        // DROP frees the pages in one go; DELETE of 1M rows would hold the loop for a second.
        this.db.exec(`DROP TABLE ${L}_stage; ${stageTableSql(this.spec)}`);
        this.q.clearMeta.run();
        this.q.clearChunks.run();
      })
      .immediate();
    this.insertStmt = null;
    if (s !== undefined) this.log.info(`${L}.stage-discarded`, { version: s.version, size: s.size });
  }
}
