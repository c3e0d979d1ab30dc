import { KIND } from '../../protocol/index.ts';
import { isRecordOf, type Journal, type JournalRecord } from '../store/journal/journal.ts';
import type { LastPunch, PunchBody } from './punch.ts';

/**
 * Punches live in the journal, not a store of their own: the same fsync'd
 * append a sale gets (a punch never dropped, even at a power cut right after
 * the beep), the same upload and acknowledgement, and the same pruning of
 * what the backend holds. The journal's rows are small and indexed by card,
 * so it holds hundreds of thousands of punches offline (bench/attendance.ts
 * measures it beside a raw fsync), and the duplicate window survives a restart.
 */
export const PUNCH_KIND = KIND.punch;

/** A card's last punch is among its newest records; other kinds on the same card are few on a punch clock. */
const LAST_PUNCH_SCAN_RECORDS = 16;

export class PunchStore {
  constructor(private readonly journal: Journal) {}

  /** Durable when it returns (the journal's contract). */
  append(body: PunchBody): JournalRecord<PunchBody> {
    const rec = this.journal.append(PUNCH_KIND, body, { card: body.cardNumber });
    // Pair assertion: what reads back is what was decided.
    const back = this.journal.get(rec.seq);
    if (!back || back.kind !== PUNCH_KIND || JSON.stringify(back.body) !== JSON.stringify(body))
      throw new Error(`bug: punch ${rec.seq} did not read back as written`);
    return rec;
  }

  lastPunch(cardNumber: number): LastPunch | null {
    for (const r of this.journal.byCard(cardNumber, LAST_PUNCH_SCAN_RECORDS)) {
      if (isRecordOf(r, PUNCH_KIND)) return { type: r.body.type, atMs: r.atMs };
    }
    return null;
  }
}
