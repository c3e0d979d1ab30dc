import type { Logger } from '../../base/log.ts';
import type { SimWorld } from '../world.ts';
import { noCard, openRoleWorld, type RoleShellSpec, waitMs } from './role-world.ts';

/**
 * `onecard sim --role door`: one door terminal of a SimWorld, composed from
 * its config like a device (composeTerminal), its relay, contact and exit
 * button on the world's GPIO twin driven by the real GPIO driver — the same
 * terminal a door scenario runs. The shell taps cards, opens and shuts the
 * door, presses the exit button and prints what the relay line did. A tap
 * places the card on the virtual reader; the door reads and MAC-checks its
 * identity through the card application (roleTap) as `onecard run` does.
 */
export const DOOR_PINS = { relay: 5, contact: 6, exitButton: 13, alarm: 19 } as const;
const STAFF_CLASS = 1;
const OFFICE_ZONE = 1;
const h = (hour: number) => hour * 60;
const weekday = [{ fromMinute: h(7), untilMinute: h(19) }];

const TERMINAL = 'door1';
const START = '2026-12-07T09:00:00+08:00'; // a Monday, office hours

const DOOR_SIM: RoleShellSpec = {
  start: START,
  terminal: {
    name: TERMINAL,
    id: 301,
    door: {
      doors: [
        {
          id: 0,
          relay: { line: DOOR_PINS.relay, wiring: 'fail-secure', releaseMs: 3_000 },
          contact: { line: DOOR_PINS.contact, activeLevel: 1 },
          exitButton: { line: DOOR_PINS.exitButton, activeLevel: 0 },
          alarm: { line: DOOR_PINS.alarm },
          heldOpenMs: 10_000,
        },
      ],
      timeZones: [{ id: OFFICE_ZONE, week: [weekday, weekday, weekday, weekday, weekday, [], []], holiday: [] }],
      rules: [{ cardClass: STAFF_CLASS, doors: 0b1, timeZoneId: OFFICE_ZONE }],
    },
  },
  cards: {
    alice: { uid: '04a1b2c3', number: 1001, cardClass: STAFF_CLASS },
    carol: { uid: '04c3c3c3', number: 3003, cardClass: 3 }, // a visitor: no rule for her class
    lost: { uid: '04f4f4f4', number: 4004, cardClass: STAFF_CLASS, lost: true },
    forged: { uid: '04e0e0e0', number: 1001, cardClass: STAFF_CLASS, foreign: true },
  },
};

export const DOOR_DEMO_SCRIPT = [
  'tap alice',
  'wait 4000',
  'tap lost',
  'tap carol',
  'tap forged',
  'open',
  'wait 100',
  'shut',
  'relay',
];

export class DoorSim {
  /** How many relay changes were shown already: the claim at start is not a click. */
  private shown: number;

  static async open(seed: number, log: Logger): Promise<DoorSim> {
    return new DoorSim(await openRoleWorld(DOOR_SIM, seed, log));
  }

  private constructor(private readonly world: SimWorld) {
    this.shown = this.relayLine().length;
  }

  /** The door terminal's GPIO twin (its relay's timeline). */
  get pins() {
    return this.world.terminal(TERMINAL).pins!;
  }

  private get cardNames(): string[] {
    return [...this.world.cards.keys()];
  }

  async exec(line: string): Promise<string[] | null> {
    const [cmd, arg] = line.trim().split(/\s+/);
    const role = this.world.terminal(TERMINAL).terminal.role;
    const doors = role.role === 'door' ? role.doors : null;
    if (!doors) return ['not a door terminal'];
    const { scheduler } = this.world;
    const state = () => `door 0 is ${doors.state(0).kind}`;
    switch (cmd) {
      case undefined:
      case '':
        return [];
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return [
          `tap CARD   a card at the reader (${this.cardNames.join(', ')})`,
          'open | shut   the door contact; push   the exit button',
          'wait MS    let time pass (or 30s, 5m); relay   the relay line so far; state   the door',
        ];
      case 'tap': {
        if (!this.world.cards.has(arg ?? '')) return [noCard(this.world, arg)];
        const out = await this.world.roleTap(TERMINAL, arg!, { doorId: 0 });
        await scheduler.run(50);
        return [`door 0: ${out.kind === 'refused' ? `shut — ${out.text}` : out.text}`, ...this.relayNews()];
      }
      case 'open':
      case 'shut':
        await this.world.driveInput(TERMINAL, DOOR_PINS.contact, cmd === 'open' ? 1 : 0);
        return [state(), ...this.relayNews()];
      case 'push':
        await this.world.driveInput(TERMINAL, DOOR_PINS.exitButton, 0);
        await this.world.driveInput(TERMINAL, DOOR_PINS.exitButton, 1);
        return [state(), ...this.relayNews()];
      case 'wait': {
        const ms = waitMs(arg);
        if (typeof ms === 'string') return [ms];
        await scheduler.run(ms);
        return [state(), ...this.relayNews()];
      }
      case 'state':
        return [state()];
      case 'relay':
        return this.timeline();
      default:
        return [`unknown command "${cmd}" (help)`];
    }
  }

  private relayLine(fromUs = 0) {
    return this.pins.levels(DOOR_PINS.relay, fromUs);
  }

  /** The relay's changes since last shown: a click a person can see. */
  private relayNews(): string[] {
    const clicks = this.relayLine().slice(this.shown);
    this.shown += clicks.length;
    if (clicks.length === 0) return ['relay: no change (latch held)'];
    return clicks.map(
      ([, level]) => `relay: *click* line ${DOOR_PINS.relay} → ${level} (${level ? 'released' : 'held'})`,
    );
  }

  private timeline(): string[] {
    const rows = this.relayLine(Date.parse(START) * 1000);
    return [
      `relay line ${DOOR_PINS.relay} (1 = strike released), ms since start:`,
      ...rows.map(([ms, level]) => `  ${String(ms).padStart(8)}  ${level}`),
    ];
  }

  close(): void {
    this.world.close();
  }
}
