import type Database from 'better-sqlite3';
import { recordAlert } from './schema.ts';

/**
 * Which card (UID) each desk-issued number went to, so a number given out a second time to another card —
 * a desk replaced with a new data dir before it learnt where its range stood, a number file restored from
 * an old backup — is flagged loudly (an alert in `status` and `card show`) and not taken silently. The
 * record itself is a fact from the terminal and stays stored; the number keeps its first card.
 *
 * Added after backend schema 2 without a bump (as cards and grants were): created where missing.
 */
const ISSUED_UIDS_SQL = `
CREATE TABLE IF NOT EXISTS issued_uids (
  card INTEGER PRIMARY KEY NOT NULL, uid TEXT NOT NULL, terminal INTEGER NOT NULL, seq INTEGER NOT NULL
) WITHOUT ROWID;
`;

export const NUMBER_TWICE_ALERT = 'card-number-twice';

export class IssuedUids {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    db.exec(ISSUED_UIDS_SQL);
    this.q = {
      add: db.prepare('INSERT OR IGNORE INTO issued_uids (card, uid, terminal, seq) VALUES (?, ?, ?, ?)'),
      of: db.prepare<[number], { uid: string; terminal: number; seq: number }>(
        'SELECT uid, terminal, seq FROM issued_uids WHERE card = ?',
      ),
    };
  }

  /** A desk issued `card` to `uid` (terminal's record seq). False: the number was another card's already. */
  issued(card: number, uid: string, terminal: number, seq: number, nowMs: number): boolean {
    const first = this.q.of.get(card);
    if (first === undefined) {
      this.q.add.run(card, uid, terminal, seq);
      return true;
    }
    if (first.uid === uid) return true; // the same card issued again (a cut issue resumed)
    recordAlert(this.db, {
      atMs: nowMs,
      kind: NUMBER_TWICE_ALERT,
      card,
      terminal,
      detail:
        `card number ${card} issued to uid ${uid} (terminal ${terminal}#${seq}) but it is uid ${first.uid}'s ` +
        `(terminal ${first.terminal}#${first.seq}): two cards carry one number; withdraw the later one`,
    });
    return false;
  }
}
