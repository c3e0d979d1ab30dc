import type { Logger } from '../../base/log.ts';
import { PUNCH_KEYS } from '../../firmware/attendance/punch.ts';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { KIND } from '../../protocol/index.ts';
import { scanJournal } from '../journal-scan.ts';
import type { SimWorld } from '../world.ts';
import { localTimeAt, noCard, openRoleWorld, type RoleShellSpec, waitMs } from './role-world.ts';

/**
 * `onecard sim --role attendance`: one punch clock composed from its config
 * like a device. `in`, `out` and `break` press the keys that choose the next
 * punch (F1, F2, F3), a tap reads the card through the card application and
 * punches (roleTap, as `onecard run` does); a second tap of the same type
 * inside the duplicate window is shown with its age and not stored.
 */
const DUPLICATE_WINDOW_MS = 60_000;
const STAFF_CLASS = 1;

const TERMINAL = 'clock1';
const ATTENDANCE_SIM: RoleShellSpec = {
  start: '2026-12-07T08:55:00+08:00', // a Monday morning
  terminal: { name: TERMINAL, id: 401, attendance: { duplicateWindowMs: DUPLICATE_WINDOW_MS } },
  cards: {
    alice: { uid: '04a1b2c3', number: 1001, cardClass: STAFF_CLASS },
    bob: { uid: '04112233445566', number: 1002, cardClass: STAFF_CLASS },
    lost: { uid: '04f4f4f4', number: 4004, cardClass: STAFF_CLASS, lost: true },
    forged: { uid: '04e0e0e0', number: 1001, cardClass: STAFF_CLASS, foreign: true },
  },
};

export const ATTENDANCE_DEMO_SCRIPT = [
  'tap alice',
  'wait 20s',
  'tap alice',
  'wait 50s',
  'tap alice',
  'out',
  'tap bob',
  'key f9',
  'break',
  'tap alice',
  'tap lost',
  'tap forged',
  'punches',
];

/** The shell's words for the punch keys: `out` presses F2. */
const KEY_OF_TYPE = new Map(Object.entries(PUNCH_KEYS).map(([key, type]) => [type as string, key]));

export class AttendanceSim {
  private constructor(private readonly world: SimWorld) {}

  static async open(seed: number, log: Logger): Promise<AttendanceSim> {
    return new AttendanceSim(await openRoleWorld(ATTENDANCE_SIM, seed, log));
  }

  async exec(line: string): Promise<string[] | null> {
    const [cmd, arg] = line.trim().split(/\s+/);
    const role = this.world.terminal(TERMINAL).terminal.role;
    if (role.role !== 'attendance') return ['not an attendance terminal'];
    const pressKey = (key: string) => {
      const r = role.punches.key(key);
      return [r.ok ? `next punch: ${r.type} (${key.toUpperCase()})` : r.message];
    };
    switch (cmd) {
      case undefined:
      case '':
        return [];
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return [
          `tap CARD   punch (${[...this.world.cards.keys()].join(', ')}); the type is "in" unless a key chose another`,
          'in | out | break   press F1 | F2 | F3 before the tap; key K   any other key',
          `wait 30s   let time pass; a repeat within ${DUPLICATE_WINDOW_MS / 1000} s is not stored`,
          'punches    the punches the journal holds',
        ];
      case 'in':
      case 'out':
      case 'break':
        return pressKey(KEY_OF_TYPE.get(cmd) ?? cmd);
      case 'key':
        return arg === undefined ? ['key K: which key?'] : pressKey(arg.toLowerCase());
      case 'tap': {
        if (!this.world.cards.has(arg ?? '')) return [noCard(this.world, arg)];
        const out = await this.world.roleTap(TERMINAL, arg!, {});
        const refused = out.kind === 'refused' ? 'refused — ' : '';
        return [`${localTimeAt(this.world, TERMINAL)} ${arg}: ${refused}${out.text}`];
      }
      case 'wait': {
        const ms = waitMs(arg);
        if (typeof ms === 'string') return [ms];
        await this.world.scheduler.run(ms);
        return [`clock: ${localTimeAt(this.world, TERMINAL)}`];
      }
      case 'punches':
        return this.punches();
      default:
        return [`unknown command "${cmd}" (help)`];
    }
  }

  /** Every punch the journal holds: the duplicates are not among them. */
  private punches(): string[] {
    const rows = [...scanJournal(this.world.terminal(TERMINAL).terminal.journal)].flatMap((r) =>
      isRecordOf(r, KIND.punch) ? [`  #${r.seq} card ${r.body.cardNumber} ${r.body.type} (by ${r.body.via})`] : [],
    );
    return [`punches journaled: ${rows.length}`, ...rows];
  }

  close(): void {
    this.world.close();
  }
}
