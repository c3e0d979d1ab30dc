import type { Journal, JournalRecord } from '../firmware/store/journal/journal.ts';

/** Every record of a journal, oldest first, read in pages (the journal bounds each read). */
export function* scanJournal(journal: Journal, pageSize = 1_000): Generator<JournalRecord> {
  for (let seq = 0; ; ) {
    const page = journal.after(seq, pageSize);
    if (page.length === 0) return;
    yield* page;
    seq = page[page.length - 1].seq;
  }
}
