import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CardSession } from '../../../firmware/card/session.ts';

/** The files SQLite keeps a journal in (no -shm: the store opens it with an exclusive lock). */
const JOURNAL_FILES = ['journal.db', 'journal.db-wal'] as const;

/** A session that runs `first` once, just before the first block write reaches the card. */
export function atFirstWrite(inner: CardSession, first: () => void): CardSession {
  let done = false;
  return {
    uid: inner.uid,
    authenticate: (sector, keyType, key) => inner.authenticate(sector, keyType, key),
    readBlock: (block) => inner.readBlock(block),
    writeBlock: async (block, data) => {
      if (!done) {
        done = true;
        first();
      }
      return inner.writeBlock(block, data);
    },
  };
}

/**
 * Copies the journal's files out of `dataDir` as they are now: what a power cut
 * at this instant leaves, when nothing after it has been fsync'd. Returns the copy's directory.
 */
export function copyJournal(dataDir: string, into: string): string {
  const cut = mkdtempSync(join(into, 'cut-'));
  for (const file of JOURNAL_FILES) {
    if (existsSync(join(dataDir, file))) copyFileSync(join(dataDir, file), join(cut, file));
  }
  return cut;
}

/** Puts a copy made by copyJournal back in place of the journal (its stores closed), as the disk held it. */
export function restoreJournal(cut: string, dataDir: string): void {
  for (const file of JOURNAL_FILES) {
    rmSync(join(dataDir, file), { force: true });
    if (existsSync(join(cut, file))) copyFileSync(join(cut, file), join(dataDir, file));
  }
}
