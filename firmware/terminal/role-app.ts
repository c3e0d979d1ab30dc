import { join } from 'node:path';
import type { Scheduler } from '../../base/scheduler.ts';
import type { GpioPort } from '../../drivers/gpio/index.ts';
import { PunchClock } from '../attendance/punch-clock.ts';
import { PunchStore } from '../attendance/punch-store.ts';
import { DeskApp } from '../desk/desk.ts';
import type { DoorController, DoorSignals } from '../door/controller.ts';
import { openDoorRole } from '../door/door-role.ts';
import { cardRulesForAnyClass } from '../policy/card-rules.ts';
import { Grants } from '../store/lists/grants.ts';
import { Holders } from '../store/lists/holders.ts';
import { ParkingGates } from '../parking/gate-app.ts';
import { FEE_CENTS_MAX } from '../parking/fee.ts';
import { rulesFor } from '../pos/config-swap.ts';
import type { Terminal, TerminalDeps } from './terminal.ts';
import { KioskApp } from '../kiosk/kiosk.ts';
import { printedReceipts } from '../kiosk/printed-receipts.ts';

/**
 * What a role beside the POS adds to the terminal's stores: its app, and what
 * it must close. The POS itself lives on Terminal (it was there first).
 */
export type RoleApp =
  | { role: 'pos' }
  | { role: 'door'; doors: DoorController; grants: Grants; holders: Holders }
  | { role: 'attendance'; punches: PunchClock; holders: Holders }
  | { role: 'parking'; gates: ParkingGates; holders: Holders }
  | { role: 'desk'; desk: DeskApp }
  | { role: 'kiosk'; kiosk: KioskApp };

/** The GPIO the composition root opened (the driver on a device, the driver on the twin in the simulator). */
export interface RoleGpio {
  port: GpioPort;
  scheduler: Scheduler;
  signals: DoorSignals | null;
}

/** A refusal names the config field to change and how (composeTerminal hands it on as a value). */
export type RoleOpen = { ok: true; app: RoleApp } | RoleRefused;
type RoleRefused = { ok: false; field: string; message: string };

/** A store that will not open (a data dir not writable, a file of another program): the data dir is the field. */
export function storesRefused(dataDir: string, e: unknown): RoleRefused {
  const message = `cannot open the stores in ${dataDir}: ${(e as Error).message}`;
  return { ok: false, field: 'storage.dataDir', message };
}

const needsSection = (role: string): RoleOpen => ({
  ok: false,
  field: role,
  message: `the ${role} role needs its "${role}" section: add one (docs/roles.md)`,
});
const needsGpio = (role: string): RoleOpen => ({
  ok: false,
  field: 'peripherals.gpio',
  message: `the ${role} role drives relays through GPIO: add "peripherals.gpio" (docs/install.md, docs/gpio.md)`,
});

/** The holders list (list 3: names, groups, passes) as synced, beside the terminal's other stores. */
function openHolders(d: TerminalDeps, log: TerminalDeps['log']): Holders {
  return Holders.open({ path: join(d.config.storage.dataDir, 'holders.db'), log });
}

/** The holders store, or the refusal naming the data dir when it will not open. */
function holdersOrRefusal(d: TerminalDeps, log: TerminalDeps['log']): Holders | RoleRefused {
  try {
    return openHolders(d, log);
  } catch (e) {
    return storesRefused(d.config.storage.dataDir, e);
  }
}

export function openDoorApp(t: Terminal, d: TerminalDeps): RoleOpen {
  const door = d.config.door;
  if (!door) return needsSection('door');
  if (!d.gpio) return needsGpio('door');
  const log = d.log.child({ terminal: d.config.terminal.id, role: 'door' });
  let grants: Grants;
  let holders: Holders;
  try {
    grants = Grants.open({ path: join(d.config.storage.dataDir, 'grants.db'), log });
  } catch (e) {
    return storesRefused(d.config.storage.dataDir, e);
  }
  const opened = holdersOrRefusal(d, log);
  if (!(opened instanceof Holders)) {
    grants.close();
    return opened;
  }
  holders = opened;
  let doors: DoorController;
  try {
    doors = openDoorRole({
      config: d.config,
      door,
      journal: t.journal,
      blacklist: t.blacklist,
      grants,
      holders,
      port: d.gpio.port,
      scheduler: d.gpio.scheduler,
      clock: d.clock,
      log,
      signals: d.gpio.signals,
    });
  } catch (e) {
    // The caller closes the terminal's stores; these are the role's.
    grants.close();
    holders.close();
    throw e;
  }
  return { ok: true, app: { role: 'door', doors, grants, holders } };
}

export function openAttendanceApp(t: Terminal, d: TerminalDeps): RoleOpen {
  const attendance = d.config.attendance;
  if (!attendance) return needsSection('attendance');
  const log = d.log.child({ terminal: d.config.terminal.id, role: 'attendance' });
  const holders = holdersOrRefusal(d, log);
  if (!(holders instanceof Holders)) return holders;
  const punches = new PunchClock({
    store: new PunchStore(t.journal),
    cardRules: cardRulesForAnyClass(d.config),
    blacklisted: (n) => t.blacklist.has(n),
    // The holders list's name, when the backend sent one; else the display shows the card number.
    nameOf: (n) => holders.nameOf(n),
    duplicateWindowMs: attendance.duplicateWindowMs,
    utcOffsetMinutes: d.config.terminal.utcOffsetMinutes,
    clock: d.clock,
    log,
  });
  return { ok: true, app: { role: 'attendance', punches, holders } };
}

export function openParkingApp(t: Terminal, d: TerminalDeps): RoleOpen {
  const parking = d.config.parking;
  if (!parking) return needsSection('parking');
  if (!d.gpio) return needsGpio('parking');
  const log = d.log.child({ terminal: d.config.terminal.id, role: 'parking' });
  const holders = holdersOrRefusal(d, log);
  if (!(holders instanceof Holders)) return holders;
  let gates: ParkingGates;
  try {
    gates = new ParkingGates({
      port: d.gpio.port,
      relays: { entry: parking.entryRelay, exit: parking.exitRelay },
      journal: t.journal,
      tx: t.tx,
      cards: t.cards,
      cardRules: cardRulesForAnyClass(d.config),
      // The exit's debit is a fee, not a sale: the POS's sale limits and classes do not bound it.
      moneyRules: { ...rulesFor(d.config), allowedClasses: [], minSaleCents: 0, maxSaleCents: FEE_CENTS_MAX },
      blacklisted: (n) => t.blacklist.has(n),
      rates: parking.rates,
      passClasses: parking.passClasses,
      passOf: (n) => holders.passOf(n),
      utcOffsetMinutes: d.config.terminal.utcOffsetMinutes,
      clock: d.clock,
      log,
    });
  } catch (e) {
    holders.close(); // the caller closes the terminal's stores; this one is the role's
    throw e;
  }
  return { ok: true, app: { role: 'parking', gates, holders } };
}

/** The card office (issuer): the desk reader, the card transaction path and the lists; no config section of its own. */
export function openDeskApp(t: Terminal, d: TerminalDeps): RoleOpen {
  const desk = new DeskApp({
    journal: t.journal,
    tx: t.tx,
    // The terminal's card application: during a key rollover it re-keys a card read on the previous keys.
    cards: t.cards,
    credits: t.credits,
    blacklisted: (n) => t.blacklist.has(n),
    // The POS's money rules (classes, balance cap) bound the desk's deposits too.
    rules: rulesFor(d.config),
    utcOffsetMinutes: d.config.terminal.utcOffsetMinutes,
    clock: d.clock,
    log: d.log.child({ terminal: d.config.terminal.id, role: 'desk' }),
  });
  return { ok: true, app: { role: 'desk', desk } };
}

export function openKioskApp(t: Terminal, d: TerminalDeps): RoleOpen {
  const kiosk = d.config.kiosk;
  if (!kiosk) return needsSection('kiosk');
  if (!d.cash)
    return {
      ok: false,
      field: 'peripherals',
      message: 'the kiosk role takes bills and prints receipts: it needs a bill acceptor and a printer',
    };
  const { id, utcOffsetMinutes, name } = d.config.terminal;
  const app = new KioskApp({
    journal: t.journal,
    tx: t.tx,
    cards: t.cards,
    acceptor: d.cash.acceptor,
    credits: t.credits,
    receipts: printedReceipts(d.cash.printer, d.config.pos.printer, {
      shopName: name,
      terminalId: id,
      utcOffsetMinutes,
    }),
    log: d.log.child({ terminal: id, role: 'kiosk' }),
    clock: d.clock,
    utcOffsetMinutes,
    rules: rulesFor(d.config),
    topupMaxCents: kiosk.topupMaxCents,
    operatorCards: new Set(kiosk.operatorCards),
    blacklisted: (n) => t.blacklist.has(n),
    acceptorEnabled: kiosk.acceptorEnabled,
    // Without a backend link nobody would book a handover: the card's money stays owed here.
    handOverOwed: kiosk.handOverOwed ?? d.config.backend !== undefined,
    ...(d.kioskScreen ? { screenDisplay: d.kioskScreen } : {}),
  });
  app.recover();
  return { ok: true, app: { role: 'kiosk', kiosk: app } };
}

/** A pushed config (set-config, CONFIG_PUSH) reaching what a role takes between taps. */
export function applyRoleConfig(app: RoleApp, next: TerminalDeps['config']): Promise<void> {
  if (app.role !== 'kiosk') return Promise.resolve();
  app.kiosk.takeRules(rulesFor(next));
  return app.kiosk.setAcceptorEnabled(next.kiosk?.acceptorEnabled ?? true);
}

export function closeRoleApp(app: RoleApp): void {
  if (app.role === 'door') {
    app.doors.close();
    app.grants.close();
  }
  if ('holders' in app) app.holders.close();
}
