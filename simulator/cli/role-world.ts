import type { Logger } from '../../base/log.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { durationMs } from '../scenario/schema.ts';
import { issueSimCard, type SimCardSpec } from '../card/issue.ts';
import type { SimTerminalSpec } from '../terminal/default-config.ts';
import { SimWorld } from '../world.ts';

/**
 * What `onecard sim --role door|attendance|parking` share: one role terminal
 * of a SimWorld — composed from its config like a device, its GPIO on the
 * world's twin through the real driver, the same terminal a scenario runs —
 * and cards issued with the world's keys (or, forged, with another site's).
 */
export interface RoleShellCard extends Omit<SimCardSpec, 'name'> {
  /** On the terminal's blacklist from the start. */
  lost?: true;
  /** Issued with another site's keys: it does not authenticate, so the terminal never sees a number. */
  foreign?: true;
}

export interface RoleShellSpec {
  terminal: SimTerminalSpec;
  start: string;
  cards: Record<string, RoleShellCard>;
}

/** The longest `wait`: a day of virtual time per command keeps a typo from spinning through a year of timers. */
export const WAIT_MS_MAX = 3_600_000 * 24;

export async function openRoleWorld(spec: RoleShellSpec, seed: number, log: Logger): Promise<SimWorld> {
  const world = new SimWorld({ seed, startMs: Date.parse(spec.start), log });
  try {
    world.addTerminal(spec.terminal);
    for (const [name, { lost: _lost, foreign, ...c }] of Object.entries(spec.cards)) {
      if (!foreign) await world.addCard({ name, ...c });
      else {
        const card = await issueSimCard({ name, ...c }, deriveSimMasterKeys(seed + 1), world.clock);
        world.cards.set(name, { spec: { name, ...c }, card });
      }
    }
    const lost = Object.values(spec.cards).flatMap((c) => (c.lost ? [c.number] : []));
    world.terminal(spec.terminal.name).terminal.blacklist.replaceAll(1, lost);
    return world;
  } catch (e) {
    world.close();
    throw e;
  }
}

/** "no card "x" (alice, bob)": the shell's answer to a name it does not know. */
export function noCard(world: SimWorld, name: string | undefined): string {
  return `no card "${name ?? ''}" (${[...world.cards.keys()].join(', ')})`;
}

/** A shell's `wait` argument: 4000 (ms) or 30s, 5m, 3h, at most a day; else the message saying so. */
export function waitMs(arg: string | undefined): number | string {
  const ms = /^\d+$/.test(arg ?? '') ? Number(arg) : /^\d+(ms|s|m|h|d)$/.test(arg ?? '') ? durationMs(arg!) : NaN;
  if (!Number.isSafeInteger(ms) || ms > WAIT_MS_MAX) return 'wait: a duration like 4000 (ms), 30s, 5m, 3h; at most 1d';
  return ms;
}

/** The simulated local time at the terminal (its UTC offset), for the lines a person reads. */
export function localTimeAt(world: SimWorld, terminalName: string): string {
  const offsetMs = world.terminal(terminalName).terminal.config.terminal.utcOffsetMinutes * 60_000;
  return new Date(world.clock.nowMs() + offsetMs).toISOString().slice(0, 16).replace('T', ' ');
}
