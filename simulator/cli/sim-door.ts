import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../base/log.ts';
import { Gpio } from '../../drivers/gpio/port.ts';
import { CardApp } from '../../firmware/card/app.ts';
import { parseConfig } from '../../firmware/config/schema.ts';
import { ManualClock } from '../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { composeTerminal } from '../../firmware/terminal/compose.ts';
import { roleTap } from '../../firmware/terminal/role-tap.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';
import { issueSimCard } from '../card/issue.ts';
import { VirtualReader } from '../card/virtual-reader.ts';
import type { VirtualClassicCard } from '../card/virtual-classic.ts';
import { SimGpioLines } from '../gpio/sim-lines.ts';
import { VirtualScheduler } from '../net/virtual-scheduler.ts';
import { simTerminalConfig } from '../terminal/default-config.ts';

/**
 * `onecard sim --role door`: one door terminal composed from its config like a
 * device (composeTerminal), its relay, contact and exit button on the GPIO
 * twin driven by the real GPIO driver. The shell taps cards, opens and shuts
 * the door, presses the exit button and prints what the relay line did.
 * A tap places the card on the virtual reader; the door reads and MAC-checks
 * its identity through the card application (roleTap) as `onecard run` does.
 */
export const DOOR_PINS = { relay: 5, contact: 6, exitButton: 13, alarm: 19 } as const;
const START = '2026-12-07T09:00:00+08:00'; // a Monday, office hours
const STAFF_CLASS = 1;
const OFFICE_ZONE = 1;
const h = (hour: number) => hour * 60;
const weekday = [{ fromMinute: h(7), untilMinute: h(19) }];

const CARDS: Record<string, { uid: string; number: number; cardClass: number; lost?: true }> = {
  alice: { uid: '04a1b2c3', number: 1001, cardClass: STAFF_CLASS },
  carol: { uid: '04c3c3c3', number: 3003, cardClass: 3 }, // a visitor: no rule for her class
  lost: { uid: '04f4f4f4', number: 4004, cardClass: STAFF_CLASS, lost: true },
  // Issued with another site's keys: it does not even authenticate, so the door never sees a number.
  forged: { uid: '04e0e0e0', number: 1001, cardClass: STAFF_CLASS },
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
  private readonly dir = mkdtempSync(join(tmpdir(), 'onecard-sim-door-'));
  readonly clock = new ManualClock(Date.parse(START));
  private readonly scheduler = new VirtualScheduler(this.clock);
  readonly pins = new SimGpioLines(this.clock);
  readonly terminal: Terminal;
  /** How many relay changes were shown already: the claim at start is not a click. */
  private shown = 0;

  private readonly cards = new Map<string, VirtualClassicCard>();
  private readonly reader = new VirtualReader();
  private readonly cardApp: CardApp;

  /** The door terminal, and the cards issued with the world's keys: taps read them through the card application. */
  static async open(seed: number, log: Logger): Promise<DoorSim> {
    const sim = new DoorSim(seed, log);
    for (const [name, c] of Object.entries(CARDS))
      sim.cards.set(
        name,
        await issueSimCard({ name, ...c }, deriveSimMasterKeys(name === 'forged' ? seed + 1 : seed), sim.clock),
      );
    return sim;
  }

  private constructor(seed: number, log: Logger) {
    this.cardApp = new CardApp(deriveSimMasterKeys(seed));
    const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: 'door1', id: 301 }, this.dir)));
    const config = parseConfig({
      ...base,
      terminal: { ...base.terminal, roles: ['door'] },
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
    });
    this.pins.drive(DOOR_PINS.contact, 0); // the door starts shut
    const port = new Gpio(this.pins, this.scheduler);
    this.terminal = composeTerminal({
      config,
      masterKeys: deriveSimMasterKeys(seed),
      clock: this.clock,
      log,
      scheduler: this.scheduler,
      gpio: { port, scheduler: this.scheduler, signals: null },
    });
    const lost = Object.values(CARDS)
      .filter((c) => c.lost)
      .map((c) => c.number);
    this.terminal.blacklist.applyDelta(0, 1, lost, []);
    this.shown = this.pins.changes(DOOR_PINS.relay).length;
  }

  async exec(line: string): Promise<string[] | null> {
    const [cmd, arg] = line.trim().split(/\s+/);
    const doors = this.terminal.role.role === 'door' ? this.terminal.role.doors : null;
    if (!doors) return ['not a door terminal'];
    switch (cmd) {
      case undefined:
      case '':
        return [];
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return [
          `tap CARD   a card at the reader (${Object.keys(CARDS).join(', ')})`,
          'open | shut   the door contact; push   the exit button',
          'wait MS    let time pass; relay   the relay line so far; state   the door',
        ];
      case 'tap': {
        const card = arg === undefined ? undefined : this.cards.get(arg);
        if (!card) return [`no card "${arg ?? ''}" (${Object.keys(CARDS).join(', ')})`];
        this.reader.place(card);
        const session = this.reader.open();
        const out = session ? await roleTap(this.terminal.role, this.cardApp, session) : null;
        this.reader.remove();
        await this.scheduler.run(50);
        const refused = out?.kind === 'refused' ? `shut — ${out.text}` : null;
        const said = out === null ? 'no card in the field' : (refused ?? out.text);
        return [`door 0: ${said}`, ...this.relayNews()];
      }
      case 'open':
      case 'shut':
        this.pins.drive(DOOR_PINS.contact, cmd === 'open' ? 1 : 0);
        await this.scheduler.run(50);
        return [`door 0 is ${doors.state(0).kind}`, ...this.relayNews()];
      case 'push':
        this.pins.drive(DOOR_PINS.exitButton, 0);
        await this.scheduler.run(100);
        this.pins.drive(DOOR_PINS.exitButton, 1);
        await this.scheduler.run(50);
        return [`door 0 is ${doors.state(0).kind}`, ...this.relayNews()];
      case 'wait': {
        const ms = Number(arg);
        if (!Number.isInteger(ms) || ms < 0 || ms > 3_600_000) return ['wait MS: whole ms, 0..3600000'];
        await this.scheduler.run(ms);
        return [`door 0 is ${doors.state(0).kind}`, ...this.relayNews()];
      }
      case 'state':
        return [`door 0 is ${doors.state(0).kind}`];
      case 'relay':
        return this.timeline();
      default:
        return [`unknown command "${cmd}" (help)`];
    }
  }

  /** The relay's changes since last shown: a click a person can see. */
  private relayNews(): string[] {
    const clicks = this.pins.changes(DOOR_PINS.relay).slice(this.shown);
    this.shown += clicks.length;
    if (clicks.length === 0) return ['relay: no change (latch held)'];
    return clicks.map(
      ([, level]) => `relay: *click* line ${DOOR_PINS.relay} → ${level} (${level ? 'released' : 'held'})`,
    );
  }

  private timeline(): string[] {
    const startUs = Date.parse(START) * 1000;
    const rows = this.pins.changes(DOOR_PINS.relay, startUs);
    return [
      `relay line ${DOOR_PINS.relay} (1 = strike released), ms since start:`,
      ...rows.map(([ms, level]) => `  ${String(ms).padStart(8)}  ${level}`),
    ];
  }

  close(): void {
    this.terminal.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
