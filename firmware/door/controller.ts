import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/log.ts';
import type { Cancel, Scheduler } from '../../base/scheduler.ts';
import { type GpioPort, type Level, opposite } from '../../drivers/gpio/index.ts';
import type { CardRules } from '../policy/policy.ts';
import {
  type Credential,
  decideDoor,
  type Direction,
  type DoorLists,
  type DoorMode,
  type DoorRequest,
  type DoorSchedules,
  type DoorSpec,
  type DoorVerdict,
  type Presence,
} from './decide.ts';
import {
  type DoorAlarm,
  type DoorEffect,
  type DoorEvent,
  type DoorState,
  type DoorTimer,
  initialDoorState,
  nextDoor,
} from './door-machine.ts';
import type { DoorRefusal } from './reasons.ts';

/**
 * Up to four doors on one GpioPort: latch relays, door contacts, exit
 * buttons, alarm outputs and buzzer/LED signals. Requests go through the
 * pure decision (./decide.ts), the latch and contact through each door's
 * pure machine (./door-machine.ts); this class only looks facts up, moves
 * the machines in one place (`move`) and performs their effects. Time comes
 * from the injected Clock and Scheduler, so the simulator's GPIO twin runs
 * exactly this code.
 */

/** One controller board's relays and inputs: four doors is what the common 4-relay boards carry. */
export const DOORS_PER_CONTROLLER_MAX = 4;
/** Contacts and push buttons bounce for < 20 ms; longer would swallow a quick second press. */
export const INPUT_DEBOUNCE_US = 20_000;
/** One grant releases the latch for at most 30 s: longer is a propped door (free passage is the mode for that). */
export const RELEASE_MS_MAX = 30_000;
/** Held-open alarm after at most 10 min: beyond that it is no alarm, a propped door goes unnoticed. */
export const HELD_OPEN_MS_MAX = 600_000;

export interface RelayWiring {
  line: number;
  /** The relay module energises its coil while the line is low (most opto-isolated boards). */
  activeLow?: boolean;
  /**
   * 'fail-secure': a strike that stays locked without power (released by energising);
   * 'fail-safe': a maglock that opens without power (released by de-energising) — fire codes want it on exits.
   */
  wiring: 'fail-secure' | 'fail-safe';
  /** How long one grant releases the latch. */
  releaseMs: number;
}

export interface InputWiring {
  line: number;
  /** The level the line reads while the contact is open / the button pressed. */
  activeLevel: Level;
}

export interface DoorWiring {
  spec: DoorSpec;
  relay: RelayWiring;
  contact: InputWiring | null;
  exitButton: InputWiring | null;
  heldOpenMs: number;
  /** An output (siren, alarm panel input) held on while the door is forced or held open. */
  alarm: { line: number; activeLow?: boolean } | null;
  /** The door's buzzer and LEDs (drivers/signal's Signals, built by the composition root); null when it has none. */
  signals: DoorSignals | null;
}

/** What the controller plays: accepted and refused for taps, error when an alarm starts. */
export interface DoorSignals {
  show(name: 'accepted' | 'refused' | 'error'): void;
}

/** What a door decision or alarm leaves behind: the runtime journals these (record kinds door.*). */
export type DoorRecord =
  | {
      kind: 'door.granted';
      doorId: number;
      cause: Extract<DoorVerdict, { kind: 'open' }>['cause'];
      cardNumber: number | null;
      direction: Direction | null;
      passbackViolation: boolean;
    }
  | { kind: 'door.refused'; doorId: number; reason: DoorRefusal; detail: string; cardNumber: number | null }
  | { kind: 'door.alarm'; doorId: number; alarm: DoorAlarm; on: boolean };

export interface DoorControllerOptions {
  port: GpioPort;
  scheduler: Scheduler;
  clock: Clock;
  log: Logger;
  doors: readonly DoorWiring[];
  cardRules: CardRules;
  lists: DoorLists;
  schedules: DoorSchedules;
  mode?: DoorMode;
  record(r: DoorRecord): void;
  /**
   * Where a card was last seen before this start (anti-passback across a
   * restart), asked once per card the first time it taps; null: unknown.
   */
  presenceAtStart?(cardNumber: number): Presence | null;
}

interface Door {
  wiring: DoorWiring;
  state: DoorState;
  releaseLevel: Level;
  timers: Partial<Record<DoorTimer, Cancel>>;
  alarms: Set<DoorAlarm>;
}

const onLevel = (activeLow: boolean | undefined): Level => (activeLow ? 0 : 1);

/** What is wrong with the doors' wiring, one message per problem; [] when usable. */
export function checkDoorWiring(doors: readonly DoorWiring[]): string[] {
  const problems: string[] = [];
  if (doors.length < 1 || doors.length > DOORS_PER_CONTROLLER_MAX)
    problems.push(`doors: ${doors.length}, a controller drives 1..${DOORS_PER_CONTROLLER_MAX}`);
  const ids = new Set<number>();
  for (const d of doors) {
    const name = `door ${d.spec.id}`;
    if (!Number.isInteger(d.spec.id) || d.spec.id < 0 || d.spec.id > 31) problems.push(`${name}: id must be 0..31`);
    if (ids.has(d.spec.id)) problems.push(`${name}: id used twice`);
    ids.add(d.spec.id);
    if (!Number.isInteger(d.relay.releaseMs) || d.relay.releaseMs < 1 || d.relay.releaseMs > RELEASE_MS_MAX)
      problems.push(`${name}: relay.releaseMs must be whole ms in 1..${RELEASE_MS_MAX}`);
    if (!Number.isInteger(d.heldOpenMs) || d.heldOpenMs < 1 || d.heldOpenMs > HELD_OPEN_MS_MAX)
      problems.push(`${name}: heldOpenMs must be whole ms in 1..${HELD_OPEN_MS_MAX}`);
    if (d.spec.partnerId !== null && !doors.some((o) => o.spec.id === d.spec.partnerId && o !== d))
      problems.push(`${name}: interlock partner ${d.spec.partnerId} is not a door of this controller`);
  }
  return problems;
}

export class DoorController {
  private readonly doors = new Map<number, Door>();
  private readonly presence = new Map<number, Presence>();
  private readonly unwatches: (() => void)[] = [];
  private mode: DoorMode;

  constructor(private readonly o: DoorControllerOptions) {
    const problems = checkDoorWiring(o.doors);
    if (problems.length > 0) throw new RangeError(`door wiring: ${problems.join('; ')}`);
    this.mode = o.mode ?? 'normal';
    for (const wiring of o.doors) this.addDoor(wiring);
    for (const door of this.doors.values()) this.move(door, { kind: 'mode', mode: this.mode });
  }

  /** A card at a reader of `doorId`; `direction` is the reader's side when the door has paired readers. */
  tap(doorId: number, credential: Credential, direction: Direction | null = null): DoorVerdict {
    return this.request(this.door(doorId), { kind: 'tap', credential, direction });
  }

  /** An operator at the backend opens the door (still subject to lockdown and interlock). */
  remoteOpen(doorId: number): DoorVerdict {
    return this.request(this.door(doorId), { kind: 'remote' });
  }

  /** The backend's mode for the whole controller. */
  setMode(mode: DoorMode): void {
    if (mode === this.mode) return;
    this.o.log.info('door.mode', { from: this.mode, to: mode });
    this.mode = mode;
    for (const door of this.doors.values()) this.move(door, { kind: 'mode', mode });
  }

  state(doorId: number): DoorState {
    return this.door(doorId).state;
  }

  close(): void {
    for (const unwatch of this.unwatches.splice(0)) unwatch();
    for (const door of this.doors.values()) for (const t of Object.values(door.timers)) t?.();
  }

  private addDoor(wiring: DoorWiring): void {
    const { port } = this.o;
    const energised = onLevel(wiring.relay.activeLow);
    const releaseLevel = wiring.relay.wiring === 'fail-secure' ? energised : opposite(energised);
    port.output(wiring.relay.line, opposite(releaseLevel));
    if (wiring.alarm) port.output(wiring.alarm.line, opposite(onLevel(wiring.alarm.activeLow)));
    const door: Door = {
      wiring,
      state: initialDoorState,
      releaseLevel,
      timers: {},
      alarms: new Set(),
    };
    this.doors.set(wiring.spec.id, door);
    const watch = (input: InputWiring, onActive: (active: boolean) => void) =>
      this.unwatches.push(
        port.watch(input.line, 'both', (_us, level) => onActive(level === input.activeLevel), {
          debounceUs: INPUT_DEBOUNCE_US,
        }),
      );
    if (wiring.contact) watch(wiring.contact, (open) => this.move(door, { kind: 'contact', open }));
    if (wiring.exitButton)
      watch(wiring.exitButton, (pressed) => {
        if (pressed) this.request(door, { kind: 'exit-button' });
      });
  }

  private door(doorId: number): Door {
    const door = this.doors.get(doorId);
    if (!door) throw new RangeError(`no door ${doorId} on this controller`);
    return door;
  }

  private presenceOf(cardNumber: number): Presence | null {
    if (!this.presence.has(cardNumber) && this.o.presenceAtStart) {
      const before = this.o.presenceAtStart(cardNumber);
      if (before !== null) this.presence.set(cardNumber, before);
    }
    return this.presence.get(cardNumber) ?? null;
  }

  private request(door: Door, req: DoorRequest): DoorVerdict {
    const verdict = decideDoor(req, {
      door: door.wiring.spec,
      cardRules: this.o.cardRules,
      lists: this.o.lists,
      schedules: this.o.schedules,
      presenceOf: (n) => this.presenceOf(n),
      isShut: (id) => this.doors.get(id)?.state.kind === 'locked',
      mode: this.mode,
      nowMs: this.o.clock.nowMs(),
    });
    const doorId = door.wiring.spec.id;
    if (verdict.kind === 'shut') {
      const { reason, detail, cardNumber } = verdict;
      this.o.record({ kind: 'door.refused', doorId, reason, detail, cardNumber });
      // The exit button is not answered with beeps: the person inside hears the door stay shut.
      if (req.kind === 'tap') door.wiring.signals?.show('refused');
      return verdict;
    }
    if (verdict.cardNumber !== null && verdict.presence !== null)
      this.presence.set(verdict.cardNumber, verdict.presence);
    const direction = req.kind === 'tap' ? req.direction : null;
    const { cause, cardNumber, passbackViolation } = verdict;
    this.o.record({ kind: 'door.granted', doorId, cause, cardNumber, direction, passbackViolation });
    this.move(door, { kind: 'release' });
    if (req.kind === 'tap') door.wiring.signals?.show('accepted');
    return verdict;
  }

  /** The one place a door's state changes: assign, log, perform the effects. */
  private move(door: Door, event: DoorEvent): void {
    const step = nextDoor(door.state, event);
    if (step.state.kind !== door.state.kind)
      this.o.log.info('door.state', {
        door: door.wiring.spec.id,
        from: door.state.kind,
        to: step.state.kind,
        on: event.kind,
      });
    door.state = step.state;
    for (const effect of step.effects) this.perform(door, effect);
  }

  private perform(door: Door, e: DoorEffect): void {
    const { port } = this.o;
    const { relay } = door.wiring;
    switch (e.kind) {
      case 'latch':
        if (e.to === 'pulse') port.pulse(relay.line, door.releaseLevel, relay.releaseMs);
        else port.write(relay.line, e.to === 'release' ? door.releaseLevel : opposite(door.releaseLevel));
        return;
      case 'arm': {
        door.timers[e.timer]?.();
        const ms = e.timer === 'release' ? relay.releaseMs : door.wiring.heldOpenMs;
        const event: DoorEvent = e.timer === 'release' ? { kind: 'release-ended' } : { kind: 'held-timeout' };
        const cancel = this.o.scheduler.after(ms, () => {
          if (door.timers[e.timer] !== cancel) return;
          delete door.timers[e.timer];
          this.move(door, event);
        });
        door.timers[e.timer] = cancel;
        return;
      }
      case 'cancel':
        door.timers[e.timer]?.();
        delete door.timers[e.timer];
        return;
      case 'alarm':
        if (e.on) door.alarms.add(e.alarm);
        else door.alarms.delete(e.alarm);
        this.o.record({ kind: 'door.alarm', doorId: door.wiring.spec.id, alarm: e.alarm, on: e.on });
        if (e.on) this.o.log.warn('door.alarm', { door: door.wiring.spec.id, alarm: e.alarm });
        if (e.on) door.wiring.signals?.show('error');
        if (door.wiring.alarm) {
          const on = onLevel(door.wiring.alarm.activeLow);
          port.write(door.wiring.alarm.line, door.alarms.size > 0 ? on : opposite(on));
        }
        return;
    }
  }
}
