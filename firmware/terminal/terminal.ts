import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { CardApp } from '../card/app.ts';
import type { KeyRing } from '../card/key-ring.ts';
import type { MasterKeys } from '../card/keys.ts';
import { cardAppFor } from '../card-tx/rekey-at-tap.ts';
import { readsLevels } from '../card-tx/level-read.ts';
import type { TerminalConfig } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { restartNeeded } from '../pos/config-swap.ts';
import { PosApp } from '../pos/pos.ts';
import { Blacklist } from '../store/lists/blacklist.ts';
import { Journal } from '../store/journal/journal.ts';
import { PendingCredits } from '../store/credits.ts';
import { offlineOnly, type OnlineAuthorizer } from '../online/authorizer.ts';
import { OnlineSales } from '../pos/online-sale.ts';
import { CardTransactions } from '../card-tx/card-tx.ts';
import type { Scheduler } from '../sync/scheduler.ts';
import { applyRoleConfig, closeRoleApp, type RoleApp, type RoleGpio } from './role-app.ts';
import type { BillAcceptor } from '../kiosk/deps.ts';
import type { ReceiptPrinter } from '../../drivers/printer/index.ts';
import type { KioskScreenDisplay } from '../../drivers/kiosk-screen/index.ts';

/**
 * One terminal put together from its config: stores opened and recovered,
 * card application keyed, the role app ready. Drivers are wired by the caller
 * (the CLI on a device, the simulator in CI).
 */
export interface TerminalDeps {
  config: TerminalConfig;
  masterKeys: MasterKeys;
  /**
   * The key file's versions (firmware/store/keys/keyfile.ts), when it holds more than `masterKeys`: with a
   * previous version every tap re-keys a card still on it (firmware/card-tx/rekey-at-tap.ts). Its current
   * set is `masterKeys`.
   */
  keyRing?: KeyRing;
  clock: Clock;
  log: Logger;
  /** The backend's answer for online-account cards; without one they run on the offline floors. */
  authorizer?: OnlineAuthorizer;
  /** Set by the backend (remote lock command): a locked terminal refuses every tap with the backend's text. */
  locked?: () => { locked: boolean; text: string };
  /** Set by the sync client: sync has stopped and needs a person (firmware/sync/sync-alarm.ts); shown at rest. */
  syncAlarm?: () => { reason: string } | null;
  /** Runs the journal's deferred fsyncs (firmware/store/journal/journal-sync.ts); real timers by default. */
  scheduler?: Scheduler;
  /** The bench's baseline only: every journal record fsync'd before the next step, as before. */
  everyRecordSynced?: boolean;
  /** The GPIO port for the roles that drive relays (door, parking); the POS needs none. */
  gpio?: RoleGpio;
  /** The kiosk's bill acceptor (a CcnetDriver) and receipt printer, opened by the composition root. */
  cash?: { acceptor: BillAcceptor; printer: ReceiptPrinter };
  /** The kiosk's screen driver (the web page, the simulator's recorder): every kiosk screen goes there too. */
  kioskScreen?: KioskScreenDisplay;
}

export class Terminal {
  private latest: TerminalConfig;
  /** The role's own app beside the stores (role-app.ts); set once by composeTerminal. */
  role: RoleApp = { role: 'pos' };

  private constructor(
    /** The config the stores and the role were opened with. */
    readonly openedWith: TerminalConfig,
    readonly journal: Journal,
    readonly blacklist: Blacklist,
    readonly credits: PendingCredits,
    readonly tx: CardTransactions,
    /** The card application every role of this terminal reads cards through (re-keying during a rollover). */
    readonly cards: CardApp,
  ) {
    this.latest = openedWith;
  }

  /** The POS of a POS terminal; a door, attendance or parking terminal opens none (composeTerminal). */
  private posApp: PosApp | null = null;

  /** The POS app; asking a terminal of another role for it is a wiring bug, said plainly. */
  get pos(): PosApp {
    if (this.posApp === null) {
      const { id, roles } = this.openedWith.terminal;
      throw new Error(`terminal ${id} has the ${roles.join(', ')} role: it has no POS`);
    }
    return this.posApp;
  }

  get hasPos(): boolean {
    return this.posApp !== null;
  }

  /** The config in force: the one opened with, or the last one pushed (what a restart opens with). */
  get config(): TerminalConfig {
    return this.latest;
  }

  /**
   * A pushed config (firmware/sync/config-push.ts): the POS takes it between
   * taps; what the stores and the online floors read at start waits for a
   * restart, and is named in the answer.
   */
  applyConfig(next: TerminalConfig): { restartNeeded: string[] } {
    this.latest = next;
    this.posApp?.applyConfig(next);
    // The kiosk's switch moves its screen and the acceptor's enable: effects that do not fail.
    void applyRoleConfig(this.role, next);
    return { restartNeeded: restartNeeded(this.openedWith, next) };
  }

  /** The stores and the POS: a POS terminal (the bench and the POS tests open one directly). */
  static open(d: TerminalDeps): Terminal {
    const t = Terminal.openStores(d);
    t.posApp = t.openPos(d);
    return t;
  }

  /** The stores only, recovered: a role beside the POS adds its own app (role-app.ts). */
  static openStores(d: TerminalDeps): Terminal {
    const dir = d.config.storage.dataDir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const log = d.log.child({ terminal: d.config.terminal.id });
    const journal = Journal.open({
      path: join(dir, 'journal.db'),
      clock: d.clock,
      log,
      ...(d.scheduler ? { scheduler: d.scheduler } : {}),
      ...(d.everyRecordSynced ? { everyRecordSynced: true } : {}),
    });
    const blacklist = Blacklist.open({ path: join(dir, 'lists.db'), log });
    const credits = PendingCredits.open({ path: join(dir, 'credits.db'), log });
    if (d.keyRing && d.keyRing.current.keys !== d.masterKeys)
      throw new Error('bug: the key ring given is not the one masterKeys came from');
    // A POS writes purses: it reads them with key B too, so a sale's write often needs no auth of its own.
    const cardOpts = {
      writesPurses: d.config.terminal.roles.includes('pos'),
      // The config in force at the tap (a push turns levels on or off between taps).
      readsLevels: (cardNumber: number) => readsLevels(terminal.config, credits, cardNumber),
    };
    const cards = d.keyRing ? cardAppFor(d.keyRing, journal, log, cardOpts) : new CardApp(d.masterKeys, cardOpts);
    const tx = new CardTransactions(journal, cards, log, d.config.terminal.utcOffsetMinutes);
    const interrupted = tx.recoverInterrupted();
    log.info('terminal.started', {
      journalLastSeq: journal.lastSeq(),
      interrupted,
      blacklistVersion: blacklist.version(),
      ...journal.health(), // not stats(): its count of every record would hold the start back
    });
    const terminal = new Terminal(d.config, journal, blacklist, credits, tx, cards);
    return terminal;
  }

  private openPos(d: TerminalDeps): PosApp {
    const { journal, blacklist, credits, cards, tx } = this;
    const log = d.log.child({ terminal: d.config.terminal.id });
    const o = d.config.pos.online;
    const online = new OnlineSales(
      journal,
      d.authorizer ?? offlineOnly,
      d.clock,
      log,
      {
        perSaleCents: o.offlineFloorPerSaleCents,
        perCardDayCents: o.offlineFloorPerCardDayCents,
        deadlineMs: o.deadlineMs,
      },
      d.config.terminal.utcOffsetMinutes,
    );
    const unanswered = online.recoverInterrupted();
    if (unanswered > 0) log.warn('online.interrupted', { requests: unanswered });
    return new PosApp({
      config: d.config,
      journal,
      blacklist,
      credits,
      online,
      cards,
      tx,
      clock: d.clock,
      log,
      locked: d.locked ?? (() => ({ locked: false, text: '' })),
      syncAlarm: d.syncAlarm ?? (() => null),
    });
  }

  close(): void {
    closeRoleApp(this.role);
    this.journal.close();
    this.blacklist.close();
    this.credits.close();
  }
}
