import type { Scheduler } from '../../base/scheduler.ts';
import type { GpioPort } from '../../drivers/gpio/index.ts';
import type { DoorRoleConfig } from '../config/roles-schema.ts';
import type { TerminalConfig } from '../config/schema.ts';
import { type Clock, isoToCardDay } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { cardRulesForAnyClass } from '../policy/card-rules.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { Blacklist } from '../store/lists/blacklist.ts';
import type { Grants } from '../store/lists/grants.ts';
import type { Holders } from '../store/lists/holders.ts';
import { DoorController, type DoorSignals, type DoorWiring } from './controller.ts';
import type { DoorLists, DoorSchedules } from './decide.ts';
import { journaledPresence, journalDoorRecord } from './door-journal.ts';

/**
 * The door role as the composition root opens it: the controller on the
 * terminal's GPIO port (the real driver on a device, the same driver on the
 * twin in the simulator), its lists the terminal's stores, every decision and
 * alarm journaled (and so uploaded) like a sale.
 */
export interface DoorRoleDeps {
  config: TerminalConfig;
  door: DoorRoleConfig;
  journal: Journal;
  blacklist: Blacklist;
  /** The grants list (list 1) as synced; null before the first sync: no grant opens. */
  grants: Grants | null;
  /** The holders list (list 3): a card's access groups; null or empty before it syncs: rules by class only. */
  holders: Holders | null;
  port: GpioPort;
  scheduler: Scheduler;
  clock: Clock;
  log: Logger;
  /** The buzzer and LEDs, for the doors whose config says `signals: true`. */
  signals: DoorSignals | null;
}

export function doorWiringOf(door: DoorRoleConfig, signals: DoorSignals | null): DoorWiring[] {
  return door.doors.map((d) => ({
    spec: { id: d.id, partnerId: d.partnerId, antiPassback: d.antiPassback, exitInLockdown: d.exitInLockdown },
    relay: d.relay,
    contact: d.contact,
    exitButton: d.exitButton,
    heldOpenMs: d.heldOpenMs,
    alarm: d.alarm,
    signals: d.signals ? signals : null,
  }));
}

export function openDoorRole(d: DoorRoleDeps): DoorController {
  const schedules: DoorSchedules = {
    utcOffsetMinutes: d.config.terminal.utcOffsetMinutes,
    timeZones: new Map(d.door.timeZones.map((z) => [z.id, z])),
    rules: d.door.rules,
  };
  const lists: DoorLists = {
    blacklisted: (n) => d.blacklist.has(n),
    grantOpens: (n, doorId, nowMinute) => d.grants?.opens(n, doorId, nowMinute) ?? false,
    groupsOf: (n) => d.holders?.groupsOf(n) ?? [],
    // Version 0: from the config, until the holiday list syncs from the backend.
    holidays: { version: 0, days: new Set(d.door.holidays.map(isoToCardDay)) },
  };
  const passbackDoors = new Set(d.door.doors.filter((x) => x.antiPassback !== 'off').map((x) => x.id));
  return new DoorController({
    port: d.port,
    scheduler: d.scheduler,
    clock: d.clock,
    log: d.log,
    doors: doorWiringOf(d.door, d.signals),
    // Every class may be checked at a door: the access rules say which opens what.
    cardRules: cardRulesForAnyClass(d.config),
    lists,
    schedules,
    record: (r) => journalDoorRecord(d.journal, r),
    // Anti-passback survives a restart: the journal holds every passage (door.granted with its side).
    presenceAtStart: (n) => journaledPresence(d.journal, n, passbackDoors),
  });
}
