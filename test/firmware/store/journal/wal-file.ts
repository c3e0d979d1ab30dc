import { readFileSync } from 'node:fs';

/**
 * What SQLite's -wal file holds, read from the file itself (its format is SQLite's documented WAL
 * format): the header, and the pages each transaction of the current generation wrote. A frame
 * belongs to the generation while its salts match the header's; frames past that are an older
 * generation's, left where the WAL started over.
 */
export interface WalContents {
  /** The 32-byte header: a new one (new salts) each time the WAL starts over. */
  header: Buffer;
  fileBytes: number;
  /** Page numbers written by each committed transaction, oldest first. */
  transactions: number[][];
}

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

export function readWal(path: string): WalContents {
  const wal = readFileSync(path);
  // A -wal no commit has written to yet: no header, no frames.
  if (wal.length < HEADER_BYTES) return { header: Buffer.alloc(0), fileBytes: wal.length, transactions: [] };
  const header = wal.subarray(0, HEADER_BYTES);
  const pageBytes = header.readUInt32BE(8);
  const transactions: number[][] = [];
  let pages: number[] = [];
  for (let at = HEADER_BYTES; at + FRAME_HEADER_BYTES + pageBytes <= wal.length; at += FRAME_HEADER_BYTES + pageBytes) {
    const saltsMatch =
      wal.readUInt32BE(at + 8) === header.readUInt32BE(16) && wal.readUInt32BE(at + 12) === header.readUInt32BE(20);
    if (!saltsMatch) break;
    pages.push(wal.readUInt32BE(at));
    // A commit frame carries the database's size in pages after the commit; other frames carry 0.
    if (wal.readUInt32BE(at + 4) !== 0) {
      transactions.push(pages);
      pages = [];
    }
  }
  return { header: Buffer.from(header), fileBytes: wal.length, transactions };
}
