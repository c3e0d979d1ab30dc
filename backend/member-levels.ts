import type Database from 'better-sqlite3';
import type { CommandArgs } from '../protocol/index.ts';
import type { PointsSettings } from './points.ts';

/**
 * Whether the site gives member levels, told to every terminal as its config
 * `points.memberLevels` (firmware/card-tx/level-read.ts): a terminal reads a
 * card's level slots on every tap only where levels exist, so a site without
 * them pays no level READ (~2.5 ms of a tap).
 *
 * The site gives levels while the points settings hold a level, or once any
 * level credit was ever issued: a card that holds a level keeps it, so true
 * never goes back to false after that. False is told only to a terminal that
 * was told true (levels set up and removed before any card reached one); a
 * terminal never told anything stands on its default (false) or its file.
 *
 * Told by the remote command `set-config points.memberLevels <bool>` (§6.9),
 * queued durably, once per change per terminal: at the change for every known
 * terminal, and when a terminal opens a session for one the backend has not
 * told yet. Not again at each reconnect, so an installer's later edit of the
 * terminal's file stands until the site's levels change again.
 */
export const MEMBER_LEVELS_KEY = 'points.memberLevels';

export const MEMBER_LEVELS_SQL = `
CREATE TABLE IF NOT EXISTS member_levels_told (
  terminal INTEGER PRIMARY KEY NOT NULL, member_levels INTEGER NOT NULL, corr_id INTEGER NOT NULL
);
`;

/** The decision, pure: levels in the settings, or a level credit ever issued. */
export function siteGivesLevels(settings: PointsSettings, levelCreditIssued: boolean): boolean {
  return settings.levels.length > 0 || levelCreditIssued;
}

/** What to tell a terminal, given what it was told last (null: nothing yet); null when nothing. */
export function memberLevelsToTell(gives: boolean, told: boolean | null): boolean | null {
  if (told === gives) return null;
  // Never told and no levels: its default is already false.
  if (told === null && !gives) return null;
  return gives;
}

export class MemberLevelsPush {
  private readonly q;

  constructor(
    db: Database.Database,
    private readonly settings: () => PointsSettings,
    /** Queues a remote command and sends it if the terminal is online (Backend.command). */
    private readonly command: (terminal: number, args: CommandArgs) => number,
  ) {
    this.q = {
      levelCredit: db.prepare<[], number>("SELECT EXISTS (SELECT 1 FROM credits WHERE reason = 'level')").pluck(),
      told: db
        .prepare<[number], number | null>('SELECT member_levels FROM member_levels_told WHERE terminal = ?')
        .pluck(),
      tell: db.prepare(
        `INSERT INTO member_levels_told (terminal, member_levels, corr_id) VALUES (?, ?, ?)
         ON CONFLICT (terminal) DO UPDATE SET member_levels = excluded.member_levels, corr_id = excluded.corr_id`,
      ),
      terminals: db.prepare<[], number>('SELECT id FROM terminals ORDER BY id').pluck(),
    };
  }

  gives(): boolean {
    return siteGivesLevels(this.settings(), this.q.levelCredit.get() === 1);
  }

  /** Queues the command for one terminal if what it was told is not the site's state; the value told, or null. */
  tell(terminal: number): boolean | null {
    const told = this.q.told.get(terminal);
    const value = memberLevelsToTell(this.gives(), told === undefined || told === null ? null : told === 1);
    if (value === null) return null;
    const corrId = this.command(terminal, { command: 'set-config', key: MEMBER_LEVELS_KEY, value: String(value) });
    this.q.tell.run(terminal, value ? 1 : 0, corrId);
    return value;
  }

  /** After the levels changed: every terminal the backend knows; one not seen yet is told when it opens a session. */
  tellAll(): number {
    let n = 0;
    for (const t of this.q.terminals.all()) if (this.tell(t) !== null) n++;
    return n;
  }
}

/**
 * A whole config pushed by the admin that does not set `points.memberLevels` gets the site's value
 * filled in: the pushed document replaces the terminal's file, and without it a levelled site's
 * terminal would fall back to the default (false) and serve levelled cards at their issue class.
 * A value the document sets stands (the admin's explicit choice); a body that is not a JSON object
 * is left for the terminal to refuse.
 */
export function withMemberLevels(body: string, gives: boolean): string {
  if (!gives) return body;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return body;
  const points = (doc as Record<string, unknown>).points ?? {};
  if (typeof points !== 'object' || points === null || Array.isArray(points)) return body;
  if ((points as Record<string, unknown>).memberLevels !== undefined) return body;
  return JSON.stringify({ ...doc, points: { ...points, memberLevels: true } });
}
