import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_1K_BYTES } from '../card/virtual-classic.ts';
import { writeFileDurable } from '../../firmware/store/durable-file.ts';
import type { SimWorld } from '../world.ts';

/**
 * `onecard sim --data DIR`: a simulated terminal that outlives the process.
 * The terminal's own stores (journal, lists, credits, sync state with its key)
 * live in DIR/<terminal name>/ as on a device; what a device does not hold —
 * the cards in people's pockets and the simulated clock — is kept here:
 *
 *   DIR/world.json        seed, terminal id, the clock when last saved
 *   DIR/cards/NAME.bin    each card's 1024 bytes
 *   DIR/sim.log           the log of runs at the interactive prompt
 *
 * Every file is 0600 and the folders 0700: the journal holds records and the
 * sync state holds the terminal key. Card images are saved after every
 * command, so a run killed at any point restarts with the cards as they were
 * after the last whole command (a write in flight is what the journal settles).
 */
export interface SimDataState {
  seed: number;
  terminalId: number;
  /** Synced with a backend (its lists are the backend's) or offline (seeded with the demo's own). */
  synced: boolean;
  clockMs: number;
}

const STATE_FILE = 'world.json';
const CARDS_DIR = 'cards';
/** At the interactive prompt a kept terminal logs here (simulator/cli/sim.ts). */
export const LOG_FILE = 'sim.log';
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;
const STATE_VERSION = 1;

export type OpenedSimData =
  | { kind: 'new' }
  | { kind: 'existing'; state: SimDataState; cards: Map<string, Uint8Array> }
  | { kind: 'error'; message: string };

/** Reads DIR, or says it is new; refuses a DIR that is not one of ours rather than guess. */
export function openSimData(dir: string): OpenedSimData {
  if (!existsSync(dir)) return { kind: 'new' };
  if (!statSync(dir).isDirectory()) return { kind: 'error', message: `--data ${dir}: not a directory` };
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) {
    return startedOnly(dir)
      ? { kind: 'new' }
      : {
          kind: 'error',
          message: `--data ${dir}: not a simulator data folder (no ${STATE_FILE}); give an empty or new folder`,
        };
  }
  let state: SimDataState;
  try {
    const raw = JSON.parse(readFileSync(statePath, 'utf8')) as Partial<SimDataState> & { version?: number };
    if (
      raw.version !== STATE_VERSION ||
      !Number.isSafeInteger(raw.seed) ||
      !Number.isSafeInteger(raw.terminalId) ||
      typeof raw.synced !== 'boolean' ||
      !Number.isSafeInteger(raw.clockMs)
    ) {
      return {
        kind: 'error',
        message: `--data ${dir}: ${STATE_FILE} is not a version ${STATE_VERSION} simulator state`,
      };
    }
    state = { seed: raw.seed!, terminalId: raw.terminalId!, synced: raw.synced!, clockMs: raw.clockMs! };
  } catch (e) {
    return { kind: 'error', message: `--data ${dir}: cannot read ${STATE_FILE}: ${(e as Error).message}` };
  }
  const cards = new Map<string, Uint8Array>();
  const cardsDir = join(dir, CARDS_DIR);
  for (const f of existsSync(cardsDir) ? readdirSync(cardsDir) : []) {
    if (!f.endsWith('.bin')) continue;
    const bytes = new Uint8Array(readFileSync(join(cardsDir, f)));
    if (bytes.length !== CARD_1K_BYTES)
      return {
        kind: 'error',
        message: `--data ${dir}: card image ${f} is ${bytes.length} bytes, not ${CARD_1K_BYTES}`,
      };
    cards.set(f.slice(0, -'.bin'.length), bytes);
  }
  return { kind: 'existing', state, cards };
}

/** Empty, or left by a first run that stopped before its terminal existed (no key, say): start it afresh. */
function startedOnly(dir: string): boolean {
  const cardsDir = join(dir, CARDS_DIR);
  const left = readdirSync(dir).filter((f) => f !== CARDS_DIR && f !== LOG_FILE);
  return left.length === 0 && (!existsSync(cardsDir) || readdirSync(cardsDir).length === 0);
}

export function createSimDataDir(dir: string): void {
  mkdirSync(join(dir, CARDS_DIR), { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Saves the clock and every card image (each file replaced whole: a cut leaves the old or the new). */
export function saveSimData(dir: string, world: SimWorld, state: Omit<SimDataState, 'clockMs'>): void {
  for (const [name, c] of world.cards)
    writeFileDurable(join(dir, CARDS_DIR, `${name}.bin`), c.card.dump(), PRIVATE_FILE_MODE);
  const text = `${JSON.stringify({ version: STATE_VERSION, ...state, clockMs: world.clock.nowMs() }, null, 2)}\n`;
  writeFileDurable(join(dir, STATE_FILE), text, PRIVATE_FILE_MODE);
}
