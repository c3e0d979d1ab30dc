import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseScenario } from '../scenario/schema.ts';
import { runScenario } from '../scenario/runner.ts';
import type { SimReaderKind, SimWorld } from '../world.ts';
import { simBackendLink, type SimBackendLink } from './sim-backend.ts';
import { JsonLogger, silentLogger } from '../../firmware/core/log.ts';
import { DEMO_SCRIPT, defaultWorld } from './default-world.ts';
import { HELP, SimShell } from './shell.ts';

/**
 * `onecard sim`: a simulated POS at the prompt (stdin a terminal), the built-in
 * demo (stdin not a terminal), or `--scenario FILE` (exit 1 when an expectation fails).
 * With `--backend` and stdin not a terminal, the shell commands come from stdin
 * (an integrator's script against their backend); `--demo` runs the demo instead.
 */

/** A scripted run against a backend waits this long at the end for its journal to be acknowledged. */
const SCRIPT_DRAIN_MS = 10_000;
export async function simMain(args: string[], out: (line: string) => void): Promise<number> {
  const scenarioAt = args.indexOf('--scenario');
  if (scenarioAt >= 0) {
    const file = args[scenarioAt + 1];
    if (!file) {
      out('usage: onecard sim --scenario FILE');
      return 2;
    }
    return scenario(file, readerOf(args), out);
  }
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
  if (!Number.isInteger(seed) || seed < 0) {
    out('--seed takes a non-negative integer');
    return 2;
  }
  const backendUrl = valueOf(args, '--backend');
  let link: SimBackendLink | null = null;
  let world: SimWorld | null = null;
  if (backendUrl !== null) {
    // Logs go to stderr so the display stays readable; --quiet silences them.
    const log = args.includes('--quiet') ? silentLogger : new JsonLogger({ write: (l) => process.stderr.write(`${l}\n`) }, () => Date.now(), 'info');
    try {
      link = simBackendLink(backendUrl, valueOf(args, '--key') ?? '', () => world!.terminal('pos1').clock, log);
    } catch (e) {
      out((e as Error).message);
      return 2;
    }
    world = await defaultWorld(seed, readerOf(args), { startMs: Date.now(), authorizer: link.authorizer, locked: () => link!.locked(), backend: true });
    link.attach(world, 'pos1');
    const id = world.terminal('pos1').terminal.config.terminal.id;
    out(`pos1 is terminal ${id}, key generation ${link.keyId}, syncing with ${backendUrl}`);
  } else {
    world = await defaultWorld(seed, readerOf(args));
  }
  const shell = new SimShell(world, 'pos1');
  try {
    if (process.stdin.isTTY && !args.includes('--demo')) return await interactive(shell, out);
    if (link && !args.includes('--demo')) return await scripted(shell, link, out);
    out(`onecard sim — built-in demo (seed ${seed}); run it in a terminal to type your own commands`);
    for (const line of DEMO_SCRIPT) {
      out(`> ${line}`);
      for (const l of (await shell.exec(line)) ?? []) out(l);
    }
    const report = await world.reconcile();
    return report.ok ? 0 : 1;
  } finally {
    link?.close();
    world.close();
  }
}

function valueOf(args: string[], flag: string): string | null {
  const i = args.indexOf(flag);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
}

async function interactive(shell: SimShell, out: (line: string) => void): Promise<number> {
  out('onecard sim — a simulated canteen POS. Cards: alice bob carol lost op. Type help.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'pos1> ' });
  rl.prompt();
  for await (const line of rl) {
    const lines = await shell.exec(line);
    if (lines === null) break;
    for (const l of lines) out(l);
    rl.prompt();
  }
  rl.close();
  return 0;
}

/** Shell commands from stdin, one a line, echoed; at the end, waits for the backend to hold the journal. */
async function scripted(shell: SimShell, link: SimBackendLink, out: (line: string) => void): Promise<number> {
  // An online sale typed before the session opens would go offline: start once the backend has answered.
  if (!(await link.connected(SCRIPT_DRAIN_MS))) out(`no session after ${SCRIPT_DRAIN_MS / 1000} s: running offline`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    out(`> ${line}`);
    const lines = await shell.exec(line);
    if (lines === null) break;
    for (const l of lines) out(l);
  }
  rl.close();
  if (await link.drained(SCRIPT_DRAIN_MS)) {
    out('journal acknowledged by the backend');
    return 0;
  }
  out(`journal not all acknowledged after ${SCRIPT_DRAIN_MS / 1000} s (is the backend up, the key right?)`);
  return 1;
}

/** `--reader mfrc522` runs taps through the MFRC522 driver on the chip emulator instead of the virtual-reader shortcut. */
function readerOf(args: string[]): SimReaderKind {
  return args[args.indexOf('--reader') + 1] === 'mfrc522' && args.includes('--reader') ? 'mfrc522' : 'virtual';
}

async function scenario(file: string, reader: SimReaderKind, out: (line: string) => void): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    out(`${file}: cannot read scenario: ${(e as Error).message}`);
    return 2;
  }
  let sc;
  try {
    sc = parseScenario(raw, file);
  } catch (e) {
    out((e as Error).message);
    return 2;
  }
  const result = await runScenario(sc, { reader });
  for (const l of result.transcript) out(l);
  if (result.ok) {
    out(`scenario "${sc.name}": passed (${sc.steps.length} steps)`);
    return 0;
  }
  out(`scenario "${sc.name}": FAILED`);
  for (const f of result.failures) out(`  ✗ ${f}`);
  return 1;
}

export { HELP };
