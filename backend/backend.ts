import { randomBytes as osRandomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../base/clock.ts';
import { silentLogger, type Logger } from '../base/log.ts';
import type { Link } from '../base/link.ts';
import { systemScheduler, TimerSlot, type Scheduler } from '../base/scheduler.ts';
import type { CommandArgs, Message, PendingCredit, Status, Holder } from '../protocol/index.ts';
import { Accounts } from './accounts.ts';
import { Admission, BACKEND_HANDSHAKE_TIMEOUT_MS } from './admission.ts';
import { CardRegister } from './card-register.ts';
import { Commands } from './commands.ts';
import { DeskRecords } from './desk-records.ts';
import { IssuedUids } from './issued-uids.ts';
import { Configs } from './configs.ts';
import { JournalStore } from './journal-store.ts';
import { KeyRotations } from './key-rotation.ts';
import { Ledger, type CardReport } from './ledger.ts';
import { ListStore, type ServedList } from './lists.ts';
import { MemberLevelsPush, withMemberLevels } from './member-levels.ts';
import { Points } from './points.ts';
import { intentSubsidy, Replacements, type ReplaceResult } from './replacements.ts';
import { Meta, openBackendDb } from './schema.ts';
import { SyncAlarms } from './sync-alarms.ts';
import { serveMessage } from './terminal-messages.ts';
import { TerminalSession, type SessionHost } from './terminal-session.ts';

/**
 * The reference backend (`onecard backend`): the other end of PROTOCOL.md,
 * persistent in one SQLite file. Transport-free: `accept(link)` serves any
 * Link — a WebSocket or TCP connection (server.ts), or an in-process virtual
 * link in tests and the simulator — so the same code runs in both.
 */
export interface BackendOptions {
  dbPath: string;
  clock?: Clock;
  scheduler?: Scheduler;
  log?: Logger;
  randomBytes?: (n: number) => Uint8Array;
  /** Used when the database is new; an existing one keeps its own. */
  masterKey?: Uint8Array;
  utcOffsetMinutes?: number;
  heartbeatMs?: number;
  tickMs?: number;
}

const wallClock: Clock = { nowMs: () => Date.now() };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class Backend implements SessionHost {
  readonly log: Logger;
  readonly utcOffsetMinutes: number;
  readonly heartbeatMs: number;
  /** An unauthenticated connection is ended after this (admission.ts). */
  readonly handshakeTimeoutMs = BACKEND_HANDSHAKE_TIMEOUT_MS;
  readonly lists: ListStore;
  readonly ledger: Ledger;
  readonly accounts: Accounts;
  /** Cards known to be issued: admin credits and list changes are for these only (card-register.ts). */
  readonly cards: CardRegister;
  readonly journal: JournalStore;
  /** 补卡: lost cards replaced, and their late records settled onto the new card (replacements.ts). */
  readonly replacements: Replacements;
  readonly commands: Commands;
  readonly configs: Configs;
  /** What stops a terminal's sync, as standing alarms (sync-alarms.ts). */
  readonly alarms: SyncAlarms;
  /** Terminal keys and their rotation (PROTOCOL.md §4.6). */
  readonly keys: KeyRotations;
  /** Member points: balances, levels, redemptions (points.ts). */
  readonly points: Points;
  /** Tells terminals whether the site gives member levels (config points.memberLevels). */
  readonly memberLevels: MemberLevelsPush;
  private readonly sessions = new Set<TerminalSession>();
  /** Network connections not yet authenticated, and what they may cost (admission.ts: `exposure()`). */
  readonly admission = new Admission();
  private readonly masterKey: Uint8Array;
  private readonly clock: Clock;
  private readonly tickSlot: TimerSlot;
  private readonly tickMs: number;
  private readonly rnd: (n: number) => Uint8Array;
  private stopped = false;

  private constructor(
    readonly db: Database.Database,
    opts: BackendOptions,
  ) {
    this.clock = opts.clock ?? wallClock;
    this.log = opts.log ?? silentLogger;
    this.rnd = opts.randomBytes ?? ((n) => new Uint8Array(osRandomBytes(n)));
    this.utcOffsetMinutes = opts.utcOffsetMinutes ?? 480;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
    this.tickMs = opts.tickMs ?? 1_000;
    const meta = new Meta(db);
    let mk = meta.read('master_key');
    if (mk === undefined) {
      mk = hex(opts.masterKey ?? this.rnd(32));
      meta.write('master_key', mk);
    }
    this.masterKey = Uint8Array.from(Buffer.from(mk, 'hex'));
    this.lists = new ListStore(db);
    this.ledger = new Ledger(db);
    this.accounts = new Accounts(db);
    this.cards = new CardRegister(db);
    this.points = new Points(db, this.lists, meta);
    // Read when a replaced card's late write is corrected, long after this.journal is made.
    const subsidyOf = (terminal: number, seq: number) => intentSubsidy(this.journal, terminal, seq);
    this.replacements = new Replacements(db, this.ledger, this.lists, subsidyOf);
    const desk = new DeskRecords(this.lists, this.replacements, new IssuedUids(db));
    const now = () => this.nowMs();
    this.journal = new JournalStore(db, this.ledger, this.lists, this.accounts, this.cards, now, desk, this.points);
    this.commands = new Commands(db, () => this.nowMs());
    this.memberLevels = new MemberLevelsPush(
      db,
      () => this.points.settings(),
      (t, c) => this.command(t, c),
    );
    // A level credit from any path makes the site give levels: terminals hear of it at once, not at the next session.
    this.lists.onLevelCredit = () => this.memberLevels.tellAll();
    this.configs = new Configs(db, () => this.nowMs(), this.log);
    this.alarms = new SyncAlarms(db, this.log, () => this.nowMs());
    this.keys = new KeyRotations(db, this.masterKey, this.rnd, this.log, () => this.nowMs());
    this.tickSlot = new TimerSlot(opts.scheduler ?? systemScheduler);
    this.tickSlot.arm(this.tickMs, () => this.tick());
  }

  static open(opts: BackendOptions): Backend {
    const db = openBackendDb(opts.dbPath);
    try {
      return new Backend(db, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  nowMs(): number {
    return this.clock.nowMs();
  }
  randomBytes(n: number): Uint8Array {
    return this.rnd(n);
  }

  /** Enrolled key if there is one, else derived from the master key (PROTOCOL.md §4.1); only live generations of a rotated terminal (§4.6). */
  keyFor(terminalId: number, keyId: number): Uint8Array | null {
    return this.keys.keyFor(terminalId, keyId);
  }

  /** Enrols a terminal with a random key (instead of the derived one) for its current generation; returns it for the terminal's key file. */
  enrol(terminalId: number, keyId = this.keys.current(terminalId)): Uint8Array {
    return this.keys.enrol(terminalId, keyId);
  }

  /** Offers the terminal a new key now if it is online, else at its next session; true when offered now. */
  rotateKey(terminal: number): boolean {
    return this.keys.request(terminal, this.connected().get(terminal));
  }

  /**
   * Serves one connection. One from the network (`peer`, its address) is counted until it
   * authenticates, and refused at once (closed, null) when that address has too many
   * unauthenticated ones already, or all do (admission.ts).
   */
  accept(link: Link, peer: string | null = null): TerminalSession | null {
    const admit = this.stopped || peer === null ? { ok: true as const } : this.admission.admit(peer, link);
    if (!admit.ok) {
      this.log.warn('backend.connection-refused', { peer, reason: admit.reason });
      link.close(`refused: ${admit.reason}`);
      return null;
    }
    const s = new TerminalSession(this, link, peer);
    if (this.stopped) s.close();
    else this.sessions.add(s);
    return s;
  }

  /** Open sessions, by terminal. */
  connected(): Map<number, TerminalSession> {
    const out = new Map<number, TerminalSession>();
    for (const s of this.sessions) if (s.open && s.terminalId !== null) out.set(s.terminalId, s);
    return out;
  }

  // ── what the admin does (admin.ts, the tests) ───────────────────────────

  cardLost(card: number): number | null {
    return this.changed(this.lists.blacklistAdd([card], 'lost', this.nowMs()));
  }
  cardFound(card: number): number | null {
    return this.changed(this.lists.blacklistRemove([card]));
  }
  /** 补卡 by hand (a desk's card.issued with `replaces` does the same when it arrives): see replacements.ts. */
  cardReplace(oldCard: number, newCard: number): ReplaceResult {
    const r = this.replacements.replace(oldCard, newCard, this.nowMs());
    if (r.ok) this.pushAll();
    return r;
  }
  credit(
    card: number,
    amountCents: number,
    purse: PendingCredit['purse'] = 'subsidy',
    reason: PendingCredit['reason'] = 'subsidy',
  ): PendingCredit {
    const r = this.lists.issueCredit(
      { cardNumber: card, amount: amountCents, purse, reason, expiryDay: 0 },
      this.nowMs(),
    );
    this.changed(r.version);
    return r.credit;
  }
  /** A door grant (§6.4 list 1; one per card, replacing its last): minutes since 2000-01-01T00:00Z, until exclusive. */
  grant(card: number, doors: number, validFromMinute: number, validUntilMinute: number): number | null {
    return this.changed(
      this.lists.grantSet({ cardNumber: card, doors, validFromMinute, validUntilMinute }, this.nowMs()),
    );
  }
  grantRevoke(card: number): number | null {
    return this.changed(this.lists.grantRevoke(card));
  }
  /** A card's holder entry (§6.4 list 3: name, groups, pass), changed by `change`; pushed at once. */
  holderSet(card: number, change: (h: Holder) => Holder): number | null {
    return this.changed(this.lists.holderSet(card, change, this.nowMs()));
  }
  /** Adds or removes holidays (§6.4.2 list 4 keys: site × 65,536 + card day); pushed at once. */
  holidaysChange(keys: readonly number[], add: boolean): number | null {
    return this.changed(this.lists.holidaysChange(keys, add, this.nowMs()));
  }
  setAccount(card: number, balanceCents: number): void {
    this.accounts.setBalance(card, balanceCents);
  }
  /** §6.8: numbers a whole config for a terminal; sent now if it is online, else when its STATUS shows it behind. */
  pushConfig(terminal: number, body: string): { corrId: number; version: number; sent: boolean } {
    const r = this.configs.add(terminal, withMemberLevels(body, this.memberLevels.gives()));
    const s = this.connected().get(terminal);
    return { ...r, sent: s ? this.configs.sendDue(s) : false };
  }
  command(terminal: number, args: CommandArgs, notAfterMs = 0): number {
    const corrId = this.commands.queue(terminal, args, notAfterMs);
    const s = this.connected().get(terminal);
    if (s) this.commands.sendQueued(s);
    return corrId;
  }
  cardReport(card: number): CardReport {
    return this.ledger.report(card);
  }
  /** The terminal's last STATUS (§6.3: clock, queue, lists, peripherals), as stored; null before its first. */
  lastStatus(terminal: number): Status | null {
    const row = this.db
      .prepare<[number], string | null>('SELECT status FROM terminals WHERE id = ?')
      .pluck()
      .get(terminal);
    return row ? (JSON.parse(row) as Status) : null;
  }
  alerts(): { atMs: number; kind: string; card: number | null; terminal: number | null; detail: string }[] {
    return this.db
      .prepare<[], { at_ms: number; kind: string; card: number | null; terminal: number | null; detail: string }>(
        'SELECT at_ms, kind, card, terminal, detail FROM alerts ORDER BY id',
      )
      .all()
      .map((a) => ({ atMs: a.at_ms, kind: a.kind, card: a.card, terminal: a.terminal, detail: a.detail }));
  }

  private changed(version: number | null): number | null {
    if (version !== null) this.pushAll();
    return version;
  }

  /** §6.4: after a change, the new version goes at once to every open session. */
  pushAll(): void {
    for (const s of this.sessions) s.pushLists();
  }

  // ── SessionHost ─────────────────────────────────────────────────────────

  listVersion(list: ServedList): number {
    return this.lists.version(list);
  }
  listUpdate(list: ServedList, held: number): Message[] {
    return held < 0 ? this.lists.snapshot(list) : this.lists.update(list, held);
  }
  listResume(list: ServedList, version: number, fromChunk: number): Message[] | null {
    return this.lists.resume(list, version, fromChunk);
  }

  opened(s: TerminalSession): void {
    this.admission.release(s.link);
    const t = s.terminalId as number;
    this.journal.touch(t);
    // One session per terminal: a new one means the old link is dead and has not noticed yet.
    for (const other of this.sessions) if (other !== s && other.terminalId === t && other.open) other.close('normal');
    this.log.info('backend.opened', {
      terminal: t,
      firmware: s.session.info?.firmware,
      generation: s.session.info?.keyId,
    });
    this.alarms.clear(t, 'wrong-key');
    this.keys.opened(s);
    // A terminal first seen after the site's levels changed hears of it now (sent with the queued commands).
    this.memberLevels.tell(t);
  }

  closed(s: TerminalSession, reason: string): void {
    this.admission.release(s.link);
    this.sessions.delete(s);
    if (s.terminalId !== null) this.log.info('backend.closed', { terminal: s.terminalId, reason });
  }

  authFailed(s: TerminalSession, detail: string): void {
    this.alarms.authFailed(s.claimedTerminalId, s.peer, detail);
  }

  keyConfirmed(s: TerminalSession, corrId: number, keyId: number): void {
    this.keys.confirmed(s.terminalId as number, corrId, keyId);
  }

  keyCheckFailed(s: TerminalSession): void {
    this.keys.checkFailed(s.terminalId as number);
  }

  message(s: TerminalSession, m: Message, payload?: Uint8Array): void {
    serveMessage(this, s, m, payload);
  }

  private tick(): void {
    for (const s of this.sessions) s.tick();
    this.keys.retry(this.connected());
    if (!this.stopped) this.tickSlot.arm(this.tickMs, () => this.tick());
  }

  /** Says BYE to every terminal and closes the database. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.tickSlot.disarm();
    for (const s of [...this.sessions]) s.close('shutdown');
    this.sessions.clear();
    this.db.close();
  }
}
