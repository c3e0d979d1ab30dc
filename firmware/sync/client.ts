import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { SyncKeyStore } from '../store/keys/sync-key.ts';
import { CAP, codecOf, type Message, type OpenedInfo, type Status } from '../../protocol/index.ts';
import type { WireRecord } from '../../protocol/index.ts';
import { SYNC_DEFAULTS, type SyncClientDeps, type SyncOptions } from './client-options.ts';
import { SessionAuthorizer } from './authorizer.ts';
import { ClockWatch, type ClockStepper } from './clock-watch.ts';
import { CommandRunner } from './commands.ts';
import { ConfigReceiver } from './config-push.ts';
import { Connection, type ConnectionPhase } from './connection.ts';
import { ListPump } from './list-pump.ts';
import { ListApplier } from './lists.ts';
import { OwedForwarder, owedMessage } from './owed.ts';
import { TerminalRekey } from './rekey.ts';
import { TimerSlot } from './scheduler.ts';
import { statusReport } from './status-report.ts';
import { SyncAlarmMark, type SyncAlarm } from './sync-alarm.ts';
import { UPLOADER_DEFAULTS, Uploader, type UploadAlarm } from './uploader.ts';

export {
  SYNC_DEFAULTS,
  TERMINAL_CAPS,
  type SyncClientDeps,
  type SyncEvent,
  type SyncOptions,
} from './client-options.ts';

export interface LastSync {
  /** Terminal clock ms when the last session opened; null when none has since start. */
  openedMs: number | null;
  /** Terminal clock ms of the last journal acknowledgement (status ok); null when none has since start. */
  ackedMs: number | null;
  clockSource: 'backend' | 'local';
}

/**
 * The terminal's sync client: the terminal's side of every conversation of
 * PROTOCOL.md §8 over a Connection that it keeps open. It owns no money
 * state: the journal, the lists and the credits stay in their stores, and
 * this only moves them — so a tap never waits on it. All its work runs in
 * link callbacks and scheduler turns.
 */
export class SyncClient {
  readonly authorizer: SessionAuthorizer;
  private readonly opts: SyncOptions;
  private readonly log: Logger;
  private readonly conn: Connection;
  private readonly clockWatch: ClockWatch;
  private readonly lists: ListApplier;
  private readonly listPump: ListPump;
  private readonly owed: OwedForwarder;
  private readonly commands: CommandRunner;
  private readonly configs: ConfigReceiver;
  private readonly pumpSlot: TimerSlot;
  private uploader: Uploader | null = null;
  private heartbeatMs = 60_000;
  private lastStatusMs = 0;
  private lastTimeSyncMs = 0;
  private lastOwedMs = 0;
  private readonly startedMs: number;
  /** Terminal clock ms of the last session opened and the last journal ack (null before any): `onecard status`. */
  private lastOpenedMs: number | null = null;
  /** The time the journal and the decisions read (SyncClientDeps.terminalClock), else the session clock. */
  private readonly terminalClock: Clock;
  private lastAckMs: number | null = null;
  readonly stats = { rejected: 0 };

  constructor(private readonly d: SyncClientDeps) {
    this.opts = { ...SYNC_DEFAULTS, ...d.options };
    this.log = d.log.child({ sync: d.terminalId });
    this.terminalClock = d.terminalClock ?? d.clock;
    this.authorizer = d.authorizer ?? new SessionAuthorizer(d.clock, d.scheduler, this.log);
    const stepper = d.hooks?.stepClock ? (d.hooks as ClockStepper) : d.terminalClock;
    this.clockWatch = new ClockWatch(this.terminalClock, this.log, d.journal, stepper);
    this.lists = new ListApplier(
      {
        blacklist: d.blacklist,
        ...(d.grants ? { grants: d.grants } : {}),
        ...(d.holders ? { holders: d.holders } : {}),
        credits: d.credits,
        versions: d.state,
      },
      this.log,
    );
    this.listPump = new ListPump(this.lists, d.scheduler, (ack) => {
      this.conn.send(ack);
      d.onEvent?.({ type: 'list', list: ack.list, version: ack.version, status: ack.status });
    });
    this.owed = new OwedForwarder(d.state, d.journal, this.log);
    this.commands = new CommandRunner({
      results: d.state,
      lock: d.state,
      journal: d.journal,
      backendNowMs: () => this.clockWatch.backendNowMs(),
      pullList: (list, scratch) =>
        this.conn.send({ type: 'listPull', list, haveVersion: scratch ? 0 : this.lists.held(list) }),
      setConfig: (key, value) => this.configs.setOne(key, value),
      hooks: d.hooks ?? {},
      log: this.log,
    });
    this.configs = new ConfigReceiver({
      source: d.config ?? null,
      state: d.state,
      hooks: d.hooks ?? {},
      log: this.log,
    });
    this.pumpSlot = new TimerSlot(d.scheduler);
    this.startedMs = d.clock.nowMs();
    const { terminalId, keyId, key, firmware, dial, clock, scheduler, random } = d;
    this.conn = new Connection(
      {
        terminalId,
        keys: new TerminalRekey(new SyncKeyStore(d.state, { keyId, key }), this.log),
        ...(firmware ? { firmware } : {}),
        caps:
          (d.grants ? this.opts.caps | CAP.grants : this.opts.caps & ~CAP.grants) |
          (d.holders ? CAP.holders : 0) |
          (this.configs.accepts ? CAP.config : 0),
        dial,
        clock,
        scheduler,
        random,
        log: this.log,
        backoff: this.opts.backoff,
        tickMs: this.opts.tickMs,
      },
      {
        opened: (info) => this.onOpened(info),
        message: (m) => this.onMessage(m),
        tick: () => this.onTick(),
        closed: (reason) => this.onClosed(reason),
        keyRefused: (detail) => this.mark.keyRefused(detail),
        rejected: (e) => {
          this.stats.rejected++;
          d.onEvent?.({ type: 'rejected', reason: e.reason });
        },
      },
    );
  }

  get state(): ConnectionPhase {
    return this.conn.state;
  }
  get connected(): boolean {
    return this.conn.state === 'open';
  }
  get connectionStats() {
    return this.conn.stats;
  }
  /** Set by a remote lock command; the role refuses taps while it is set. */
  get locked(): { locked: boolean; text: string } {
    return this.d.state.lock();
  }
  get clockDriftMs(): number {
    return this.clockWatch.clockDriftMs;
  }
  /** Why upload stopped (conflict, …): needs a person. Null while all is well. */
  get uploadAlarm(): UploadAlarm | null {
    return this.uploader?.alarm ?? null;
  }
  /** What stops sync and needs a person (uploads stopped, key refused, clock far off); null while all is well. */
  get syncAlarm(): SyncAlarm | null {
    return this.mark.current(this.uploader?.alarm ?? null, this.clockWatch.clockDriftMs);
  }
  private readonly mark = new SyncAlarmMark();
  /** When sync last worked, on the terminal's clock, and whether that clock follows the backend's. */
  lastSync(): LastSync {
    return { openedMs: this.lastOpenedMs, ackedMs: this.lastAckMs, clockSource: this.clockWatch.source };
  }
  private terminalNowMs(): number {
    return this.terminalClock.nowMs();
  }
  /** Records journaled but not yet acknowledged, as far as this session knows (-1 before the first ack). */
  queueDepth(): number {
    const h = this.uploader?.highWater;
    return h === null || h === undefined ? -1 : this.d.journal.lastSeq() - h;
  }

  start(): void {
    this.conn.start();
  }

  /** Says BYE, closes the link and stops reconnecting. */
  stop(): void {
    this.conn.stop();
    this.listPump.stop();
  }

  private onOpened(info: OpenedInfo): void {
    const d = this.d;
    this.mark.opened();
    this.lastOpenedMs = this.terminalNowMs();
    this.heartbeatMs = info.heartbeatMs;
    if (info.backendTimeMs !== undefined) this.clockWatch.welcomed(info.backendTimeMs);
    this.authorizer.attach({ send: (m) => this.conn.send(m) });
    const uploader = new Uploader(
      d.journal,
      (m) => this.conn.trySend(m),
      (recs) => this.noteOwed(recs),
      d.clock,
      this.log,
      { ...UPLOADER_DEFAULTS, ...this.opts.upload, terminalId: d.terminalId, utcOffsetMinutes: d.utcOffsetMinutes },
    );
    this.uploader = uploader;
    // §6.4 resume, before STATUS so the backend does not start a staged snapshot over (lists.ts).
    for (const pull of this.lists.resumePulls()) this.conn.send(pull);
    this.listPump.kick();
    // §8 start of day: STATUS and TIME first, then what is owed, then the journal.
    this.sendStatus();
    this.syncTime();
    this.sendOwed();
    uploader.start();
    d.onEvent?.({ type: 'opened' });
  }

  private onClosed(reason: string): void {
    this.mark.closed(this.uploader?.alarm ?? null);
    this.pumpSlot.disarm();
    this.authorizer.attach(null);
    this.lists.reset();
    this.uploader = null;
    this.d.onEvent?.({ type: 'closed', reason });
  }

  private onTick(): void {
    const now = this.d.clock.nowMs();
    this.uploader?.checkTimeout();
    if (now - this.lastStatusMs >= this.heartbeatMs) this.sendStatus();
    if (now - this.lastTimeSyncMs >= this.opts.timeSyncEveryMs) this.syncTime();
    if (now - this.lastOwedMs >= this.opts.owedRetryMs) this.sendOwed();
    this.schedulePump();
  }

  private onMessage(m: Message): void {
    switch (m.type) {
      case 'journalAck':
        this.uploader?.onAck(m);
        if (m.status === 'ok') this.mark.acked(this.uploader?.alarm ?? null);
        if (m.status === 'ok') this.lastAckMs = this.terminalNowMs();
        if (m.status === 'ok') this.d.onEvent?.({ type: 'acked', upto: m.ackUpto });
        return this.schedulePump();
      case 'journalResend':
        this.uploader?.onResend(m);
        return this.schedulePump();
      case 'listDelta':
      case 'listSnapshot': {
        // Queued and applied in bounded slices, one per scheduler turn (list-pump.ts).
        return this.listPump.receive(m);
      }
      case 'authorizeResponse':
        return this.authorizer.onResponse(m);
      case 'adviceAck':
        return this.owed.acked(m.stan, 'advice', m.status);
      case 'reversalAck':
        return this.owed.acked(m.stan, 'reversal');
      case 'command':
        this.conn.send(this.commands.run(m));
        return;
      case 'configPush':
        this.conn.send(this.configs.receive(m));
        return;
      case 'timeResponse':
        return this.clockWatch.onResponse(m);
      case 'statusAck':
        return this.clockWatch.heardBackendTime(m.backendTimeMs);
      case 'error':
        this.log.warn('sync.peer-error', { code: m.code, refType: m.refType, refSeq: m.refSeq, text: m.text });
        if (m.code === 'bad-message' && m.refType === codecOf('journalBatch').code) {
          this.uploader?.onRefused(m.refSeq, m.text ?? '');
        }
        return;
      case 'note':
        this.log.info('sync.note', { text: m.text });
        return;
      default:
        this.log.warn('sync.unhandled', { type: m.type });
    }
  }

  private schedulePump(): void {
    if (!this.uploader?.ready || this.pumpSlot.armed) return;
    // One batch per scheduler turn: a tap waiting on the event loop gets in between.
    this.pumpSlot.arm(0, () => {
      try {
        if (this.uploader?.step()) this.schedulePump();
      } catch (err) {
        // The journal failing to read must not crash the terminal; the next tick tries again.
        this.log.error('sync.upload-error', { error: err });
      }
    });
  }

  /** The STATUS this terminal would send now (also for the dashboard). */
  status(): Status {
    const { clockWatch, lists, startedMs, uploadAlarm } = this;
    return statusReport(this.d, { clockWatch, lists, queueDepth: this.queueDepth(), startedMs, uploadAlarm });
  }

  private sendStatus(): void {
    this.lastStatusMs = this.d.clock.nowMs();
    this.conn.send(this.status());
  }

  private syncTime(): void {
    this.lastTimeSyncMs = this.d.clock.nowMs();
    this.conn.send(this.clockWatch.request());
  }

  private noteOwed(records: readonly WireRecord[]): void {
    for (const o of this.owed.note(records)) this.conn.send(owedMessage(o));
  }

  private sendOwed(): void {
    this.lastOwedMs = this.d.clock.nowMs();
    for (const o of this.owed.pending()) this.conn.send(owedMessage(o));
  }
}
