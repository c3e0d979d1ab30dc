import { createInterface } from 'node:readline/promises';
import { refuse, type CliIo } from '../../base/cli-args.ts';
import { openLog } from '../../base/cli-log.ts';
import type { Logger } from '../../base/log.ts';
import type { SimReaderKind } from '../world.ts';
import { ATTENDANCE_DEMO_SCRIPT, AttendanceSim } from './sim-attendance.ts';
import { DESK_DEMO_SCRIPT, DeskSim } from './sim-desk.ts';
import { DOOR_DEMO_SCRIPT, DoorSim } from './sim-door.ts';
import { KIOSK_DEMO_SCRIPT, KioskSim } from './sim-kiosk.ts';
import { PARKING_DEMO_SCRIPT, ParkingSim } from './sim-parking.ts';

/**
 * `onecard sim --role door|attendance|parking|desk|kiosk`: one terminal of the role, at
 * the prompt (stdin a terminal) or its built-in demo (stdin not a terminal).
 * Each role's shell takes one line and gives back the lines to print.
 */
interface RoleShell {
  exec(line: string): Promise<string[] | null>;
  close(): void;
}

interface RoleSimKind {
  open(seed: number, log: Logger, reader: SimReaderKind): Promise<RoleShell>;
  /** Its taps go through the reader `--reader` names (the virtual one, or our MFRC522 driver on the emulator). */
  takesReader?: true;
  demo: readonly string[];
  prompt: string;
  about: string;
}

export const SIM_ROLES = {
  door: {
    open: (seed, log) => DoorSim.open(seed, log),
    demo: DOOR_DEMO_SCRIPT,
    prompt: 'door1> ',
    about: 'a door terminal on the GPIO twin',
  },
  attendance: {
    open: (seed, log) => AttendanceSim.open(seed, log),
    demo: ATTENDANCE_DEMO_SCRIPT,
    prompt: 'clock1> ',
    about: 'a punch clock',
  },
  parking: {
    open: (seed, log) => ParkingSim.open(seed, log),
    demo: PARKING_DEMO_SCRIPT,
    prompt: 'park1> ',
    about: 'a car park: entry and exit barriers on the GPIO twin',
  },
  desk: {
    open: (seed, log) => DeskSim.open(seed, log),
    demo: DESK_DEMO_SCRIPT,
    prompt: 'desk> ',
    about: 'the card office, with the reference backend in-process (virtual link, virtual time)',
  },
  kiosk: {
    open: (seed, log, reader) => KioskSim.open(seed, log, reader),
    takesReader: true,
    demo: KIOSK_DEMO_SCRIPT,
    prompt: 'kiosk1> ',
    about: 'a top-up kiosk: the CCNET bill validator and the receipt printer as twins',
  },
} as const satisfies Record<string, RoleSimKind>;
export type SimRole = keyof typeof SIM_ROLES;

export async function roleSim(
  role: SimRole,
  seed: number,
  o: Record<string, unknown>,
  interactive: boolean,
  io: CliIo,
  reader: SimReaderKind = 'virtual',
): Promise<number> {
  const kind: RoleSimKind = SIM_ROLES[role];
  // The demo is for reading the screens, as `onecard sim`'s: only warnings and errors join it unless asked for.
  const logged = openLog(o.quiet ? { ...o, 'log-level': 'off' } : o, () => Date.now(), !interactive, 'warn');
  if ('error' in logged) return refuse(io.err, logged.error);
  const sim = await kind.open(seed, logged.log, reader);
  try {
    if (!interactive) {
      io.out(`onecard sim --role ${role} — built-in demo; run it in a terminal to type your own commands`);
      for (const line of kind.demo) {
        io.out(`> ${line}`);
        for (const l of (await sim.exec(line)) ?? []) io.out(l);
      }
      return 0;
    }
    io.out(`onecard sim --role ${role} — ${kind.about}. Type help.`);
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: kind.prompt });
    rl.prompt();
    for await (const line of rl) {
      const lines = await sim.exec(line);
      if (lines === null) break;
      for (const l of lines) io.out(l);
      rl.prompt();
    }
    rl.close();
    return 0;
  } finally {
    sim.close();
    logged.close();
  }
}
