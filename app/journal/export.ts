import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory } from '../../base/durable-file.ts';
import type { Journal } from '../../firmware/store/journal/journal.ts';
import { ExportWriter, type ExportEnd } from '../../protocol/index.ts';

/**
 * Writes a terminal's unacknowledged journal to a file (PROTOCOL.md §11) for a USB stick. Only a copy: the
 * records stay in the journal until an ack covers them — after the backend imported the file, the next
 * upload is answered from what it holds, and nothing is counted twice.
 *
 * The file is written as FILE.part (mode 0600: it holds records) and renamed once whole and fsync'd, so a
 * stick pulled mid-export leaves no file that looks complete.
 */
export interface ExportOptions {
  journal: Journal;
  terminalId: number;
  keyId: number;
  /** K_t, the terminal's key of generation keyId (PROTOCOL.md §4.1). */
  terminalKey: Uint8Array;
  utcOffsetMinutes: number;
  outPath: string;
  nowMs: number;
  /** A progress line every this many records (a big export takes a while on an SD card). */
  progressEvery: number;
  progress: (line: string) => void;
}

export type ExportResult =
  | { kind: 'written'; fromSeq: number; end: ExportEnd }
  | { kind: 'nothing' }
  | { kind: 'failed'; message: string };

/** Records read from the journal at a time: a page, not the whole journal, is in memory. */
const READ_PAGE_RECORDS = 1_000;
/** Lines are gathered to this size before a write: one syscall per record would dominate on an SD card. */
const WRITE_CHUNK_BYTES = 64 * 1024;
/** Owner only: the file holds the terminal's records (card numbers, amounts). */
const EXPORT_FILE_MODE = 0o600;

export function exportJournal(o: ExportOptions): ExportResult {
  let page = o.journal.unacked(READ_PAGE_RECORDS);
  if (page.length === 0) return { kind: 'nothing' };
  const fromSeq = page[0].seq;
  const partPath = `${o.outPath}.part`;
  let fd: number;
  try {
    fd = openSync(partPath, 'w', EXPORT_FILE_MODE);
    fchmodSync(fd, EXPORT_FILE_MODE); // an earlier .part may have had other bits
  } catch (e) {
    return { kind: 'failed', message: `--out ${o.outPath}: cannot write (${(e as NodeJS.ErrnoException).code})` };
  }
  let pending = '';
  const flush = () => {
    writeSync(fd, pending);
    pending = '';
  };
  try {
    const w = new ExportWriter(
      {
        terminalId: o.terminalId,
        keyId: o.keyId,
        utcOffsetMinutes: o.utcOffsetMinutes,
        fromSeq,
        exportedAtMs: o.nowMs,
      },
      o.terminalKey,
      (text) => {
        pending += text;
        if (pending.length >= WRITE_CHUNK_BYTES) flush();
      },
    );
    let written = 0;
    while (page.length > 0) {
      for (const r of page) {
        w.record(r); // the writer takes the wire fields of the journal's record, nothing more
        written++;
        if (written % o.progressEvery === 0) o.progress(`exported ${written} records (to seq ${r.seq})`);
      }
      page = o.journal.after(page[page.length - 1].seq, READ_PAGE_RECORDS);
    }
    const end = w.finish();
    flush();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partPath, o.outPath);
    fsyncDirectory(dirname(o.outPath));
    return { kind: 'written', fromSeq, end };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(partPath, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'failed', message: `--out ${o.outPath}: ${code ? `cannot write (${code})` : (e as Error).message}` };
  }
}
