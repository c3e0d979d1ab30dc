import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../base/log.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { Signals } from '../../../drivers/signal/signals.ts';
import { DoorController, type DoorRecord, type DoorWiring } from '../../../firmware/door/controller.ts';
import type { DoorMode, DoorSpec } from '../../../firmware/door/decide.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { cardRules, identity, localMs, memoryLists, schedules } from './fixtures.ts';

/** Pins of the two doors on the rig (BCM numbers). */
export const PINS = {
  relay: [5, 12],
  contact: [6, 16],
  exit: [13, 20],
  alarm: [19, 21],
  buzzer: 18,
  green: 23,
  red: 24,
} as const;
export const RELEASE_MS = 3_000;
export const HELD_OPEN_MS = 10_000;
/** The contacts' and buttons' debounce, in ms: an input change counts this long after the edge. */
export const SETTLE_MS = 20;

export function wiring(id: number, over: Partial<DoorWiring> = {}, spec: Partial<DoorSpec> = {}): DoorWiring {
  return {
    spec: { id, partnerId: null, antiPassback: 'off', exitInLockdown: true, ...spec },
    relay: { line: PINS.relay[id]!, wiring: 'fail-secure', releaseMs: RELEASE_MS },
    contact: { line: PINS.contact[id]!, activeLevel: 1 },
    exitButton: { line: PINS.exit[id]!, activeLevel: 0 },
    heldOpenMs: HELD_OPEN_MS,
    alarm: { line: PINS.alarm[id]! },
    signals: null,
    ...over,
  };
}

/**
 * A controller on the GPIO twin at Monday 09:00 local (office hours); doors start shut (contact low).
 * Door 0 has the buzzer and the LEDs, played by drivers/signal on the same port.
 */
export function doorRig(wired: DoorWiring[] = [wiring(0)], mode: DoorMode = 'normal') {
  const clock = new ManualClock(localMs('2026-12-07', 9));
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  const port = new Gpio(pins, scheduler);
  const signals = new Signals(port, scheduler, {
    buzzer: { line: PINS.buzzer },
    green: { line: PINS.green },
    red: { line: PINS.red },
  });
  const doors = wired.map((d) => (d.spec.id === 0 ? { ...d, signals } : d));
  for (const d of doors) if (d.contact) pins.drive(d.contact.line, 0);
  const records: DoorRecord[] = [];
  const controller = new DoorController({
    port,
    scheduler,
    clock,
    log: silentLogger,
    doors,
    cardRules,
    lists: memoryLists(),
    schedules,
    mode,
    record: (r) => records.push(r),
  });
  const startUs = clock.nowMs() * 1000;
  return {
    clock,
    scheduler,
    pins,
    controller,
    records,
    /** A line's changes in ms since the rig started (the relays' initial claim included). */
    changes: (line: number) => pins.changes(line, startUs),
    /** Ms since the rig started. */
    atMs: () => clock.nowMs() - startUs / 1000,
    card: (cardNumber = 1001) => ({ kind: 'card' as const, identity: identity({ cardNumber }) }),
    setContact: (id: number, open: boolean) => pins.drive(PINS.contact[id]!, open ? 1 : 0),
    press: async (id: number) => {
      pins.drive(PINS.exit[id]!, 0);
      await scheduler.run(100);
      pins.drive(PINS.exit[id]!, 1);
    },
    run: (ms: number) => scheduler.run(ms),
  };
}
