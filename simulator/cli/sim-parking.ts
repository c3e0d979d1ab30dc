import type { Logger } from '../../base/log.ts';
import { formatCents } from '../../firmware/core/money.ts';
import type { Gate } from '../../firmware/parking/gate-app.ts';
import { DEFAULT_CARD_CLASSES } from '../terminal/default-config.ts';
import type { SimWorld } from '../world.ts';
import { localTimeAt, noCard, openRoleWorld, type RoleShellSpec, waitMs } from './role-world.ts';

/**
 * `onecard sim --role parking`: one car-park terminal driving the entry and
 * the exit barrier, composed from its config like a device. One reader cannot
 * tell which barrier a car is at, so the shell says it: `tap alice entry`,
 * `tap alice exit`. The exit shows the fee taken from the purse; `tear N`
 * pulls the card mid-write, the barrier stays down, and the next tap settles
 * that write first, so the stay is paid exactly once.
 */
export const GATE_PINS: Record<Gate, number> = { entry: 5, exit: 12 };
const STAFF_CLASS = 1;
const PASS_CLASS = 6;

const TERMINAL = 'park1';
const PARKING_SIM: RoleShellSpec = {
  start: '2026-12-07T22:10:00+08:00', // late on a Monday: a stay runs over midnight
  terminal: {
    name: TERMINAL,
    id: 501,
    cardClasses: [
      ...DEFAULT_CARD_CLASSES,
      { id: PASS_CLASS, name: { zh: '月卡', en: 'Parking pass' }, discountPercent: 0, dailyLimitCents: 0 },
    ],
    parking: {
      entryRelay: { line: GATE_PINS.entry, wiring: 'fail-secure', releaseMs: 2_000 },
      exitRelay: { line: GATE_PINS.exit, wiring: 'fail-secure', releaseMs: 2_000 },
      // 15 free minutes, then ¥5 the first hour, ¥3 each hour after, at most ¥30 a day; ¥50 for a lost ticket.
      rates: {
        freeMinutes: 15,
        stepMinutes: 60,
        firstStepCents: 500,
        stepCents: 300,
        dailyCapCents: 3_000,
        lostTicketCents: 5_000,
      },
      passClasses: [PASS_CLASS],
    },
  },
  cards: {
    alice: { uid: '04a1b2c3', number: 1001, cardClass: STAFF_CLASS, balanceCents: 10_000 },
    bob: { uid: '04112233445566', number: 1002, cardClass: STAFF_CLASS, balanceCents: 2_000 },
    pat: { uid: '04a7a7a7', number: 6006, cardClass: PASS_CLASS },
    lost: { uid: '04f4f4f4', number: 4004, cardClass: STAFF_CLASS, balanceCents: 5_000, lost: true },
  },
};

/** A purse write is 32 bytes (block A, then the MAC block): torn after both, it landed but the read-back did not. */
export const PARKING_DEMO_SCRIPT = [
  'tap alice entry',
  'wait 5s',
  'tap alice entry',
  'tap pat entry',
  'wait 3h',
  'wait 30m',
  'tap alice exit tear 32',
  'tap alice exit',
  'cards',
  'tap pat exit',
  'tap bob exit',
  'tap lost entry',
  'barriers',
];

export class ParkingSim {
  /** Relay changes shown already, per barrier: the claim at start is not a lift. */
  private readonly shown: Record<Gate, number>;

  private constructor(private readonly world: SimWorld) {
    this.shown = { entry: this.changes('entry').length, exit: this.changes('exit').length };
  }

  static async open(seed: number, log: Logger): Promise<ParkingSim> {
    return new ParkingSim(await openRoleWorld(PARKING_SIM, seed, log));
  }

  private get cardNames(): string[] {
    return [...this.world.cards.keys()];
  }

  async exec(line: string): Promise<string[] | null> {
    const [cmd, ...args] = line.trim().split(/\s+/);
    switch (cmd) {
      case undefined:
      case '':
        return [];
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return [
          `tap CARD entry|exit [tear N]   a card at that barrier's reader (${this.cardNames.join(', ')});`,
          '                               tear N pulls it after N bytes of card writes (32: a whole purse write)',
          'wait 3h    let time pass (ms, or 30s 5m 3h); cards   the purses; barriers   both relay lines so far',
        ];
      case 'tap':
        return this.tap(args);
      case 'wait': {
        const ms = waitMs(args[0]);
        if (typeof ms === 'string') return [ms];
        await this.world.scheduler.run(ms);
        return [`clock: ${localTimeAt(this.world, TERMINAL)}`, ...this.barrierNews()];
      }
      case 'cards':
        return this.cards();
      case 'barriers':
        return this.timelines();
      default:
        return [`unknown command "${cmd}" (help)`];
    }
  }

  private async tap(args: string[]): Promise<string[]> {
    const [name, gate, opt, n] = args;
    const t = this.world.terminal(TERMINAL);
    const role = t.terminal.role;
    if (role.role !== 'parking') return ['not a parking terminal'];
    if (!this.world.cards.has(name ?? '')) return [noCard(this.world, name)];
    if (gate !== 'entry' && gate !== 'exit') return ['tap CARD entry|exit: which barrier is the car at?'];
    let tear: number | undefined;
    if (opt !== undefined) {
      tear = Number(n);
      if (opt !== 'tear' || !Number.isInteger(tear) || tear < 0) return ['tap CARD entry|exit tear N: N whole bytes'];
    }
    const faults = tear === undefined ? {} : { tearAfterBytes: tear };
    const out = await this.world.present(t, this.world.card(name!).card, faults, (s) => role.gates.tap(gate, s));
    await this.world.scheduler.run(50);
    const at = `${localTimeAt(this.world, TERMINAL)} ${gate} ${name}`;
    if (out.kind === 'refused') return [`${at}: barrier stays down — ${out.detail}`, ...this.barrierNews()];
    if (out.kind === 'tap-again')
      return [`${at}: barrier stays down — card left mid-write (${out.detail}); tap again`, ...this.barrierNews()];
    const fee = gate === 'exit' ? ` — fee ${formatCents(out.feeCents)}${await this.balance(name!)}` : '';
    return [`${at}: barrier up${fee}`, ...this.barrierNews()];
  }

  private async balance(name: string): Promise<string> {
    return `, balance ${formatCents((await this.world.inspect(name)).purse.balance)}`;
  }

  private async cards(): Promise<string[]> {
    const rows: string[] = [];
    for (const name of this.cardNames) {
      rows.push(`  ${name.padEnd(6)} balance ${formatCents((await this.world.inspect(name)).purse.balance)}`);
    }
    return rows;
  }

  private changes(gate: Gate, fromUs = 0) {
    return this.world.terminal(TERMINAL).pins!.levels(GATE_PINS[gate], fromUs);
  }

  /** Each barrier's relay changes since last shown: a lift a person can see. */
  private barrierNews(): string[] {
    return (['entry', 'exit'] as const).flatMap((gate) => {
      const moves = this.changes(gate).slice(this.shown[gate]);
      this.shown[gate] += moves.length;
      return moves.map(
        ([, level]) => `${gate} relay: *click* line ${GATE_PINS[gate]} → ${level} (${level ? 'up' : 'down'})`,
      );
    });
  }

  private timelines(): string[] {
    return (['entry', 'exit'] as const).flatMap((gate) => [
      `${gate} barrier relay, line ${GATE_PINS[gate]} (1 = up), ms since start:`,
      ...this.changes(gate, Date.parse(PARKING_SIM.start) * 1000).map(
        ([ms, level]) => `  ${String(ms).padStart(9)}  ${level}`,
      ),
    ]);
  }

  close(): void {
    this.world.close();
  }
}
