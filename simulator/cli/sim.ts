import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  EXIT_USAGE,
  oneOf,
  parseOrExit,
  refuse,
  uintValue,
  type CliIo,
  type CommandSpec,
} from '../../base/cli-args.ts';
import { LOG_OPTIONS, openLog } from '../../base/cli-log.ts';
import { defaultDbPath } from '../../backend/admin-client.ts';
import { parseScenario, type Scenario } from '../scenario/schema.ts';
import { runScenario } from '../scenario/runner.ts';
import type { SimReaderKind, SimWorld } from '../world.ts';
import { checkBackendUrl, simBackendLink, type SimBackendLink } from './sim-backend.ts';
import { DEFAULT_START, DEFAULT_TERMINAL_ID, DEMO_SCRIPT, defaultWorld } from './default-world.ts';
import { createSimDataDir, LOG_FILE, openSimData, saveSimData } from './sim-data.ts';
import { HELP, SimShell } from './shell.ts';
import { PANEL_CHOICES, PANEL_DEFAULT, type PanelChoice, panelOf } from './panel-view.ts';
import { roleSim, SIM_ROLES, type SimRole } from './sim-role.ts';
import { terminalKey } from './terminal-key.ts';

/**
 * `onecard sim`: a simulated POS at the prompt (stdin a terminal), the built-in
 * demo (stdin not a terminal), or `--scenario FILE` (exit 1 when an expectation fails).
 * With `--backend` and stdin not a terminal, the shell commands come from stdin
 * (an integrator's script against their backend); `--demo` runs the demo instead.
 */
const TERMINAL_ID_MAX = 0xff_ffff; // the config's terminal id range
const ROLES_BESIDE_POS = Object.keys(SIM_ROLES) as SimRole[];

export const SIM: CommandSpec = {
  command: 'onecard sim',
  summary:
    'A simulated terminal (a canteen POS unless --role says door, attendance, parking, desk or kiosk):\n' +
    'interactive at a terminal, a short built-in demo otherwise; with --backend and stdin not a terminal, it\n' +
    'runs the shell commands read from stdin, then waits for the backend to hold its journal.',
  options: [
    {
      name: 'seed',
      value: 'N',
      help: 'the world seed: card keys and chance (default 1)',
      check: uintValue(0xffff_ffff),
    },
    {
      name: 'reader',
      value: 'KIND',
      help: 'virtual (default) or mfrc522 (taps through our driver on the chip emulator; a POS or a kiosk)',
      check: oneOf(['virtual', 'mfrc522'] as const),
    },
    {
      name: 'role',
      value: 'ROLE',
      help:
        'pos (default), door (watch its relay on the GPIO twin), attendance (a punch clock)\n' +
        'parking (entry and exit barriers; the fee from the purse), desk (the card office: issue,\n' +
        'deposit, loss, replacement, refund, with the reference backend in-process) or kiosk (a top-up\n' +
        'kiosk: bills into the CCNET emulator, receipts on the printer twin)',
      check: oneOf(['pos', ...ROLES_BESIDE_POS] as const),
    },
    {
      name: 'scenario',
      value: 'FILE',
      help: 'run a scenario file (docs/scenarios.md); exit 1 when an expectation fails',
    },
    { name: 'data', value: 'DIR', help: 'keep the terminal (journal, lists, key) and the cards in DIR across runs' },
    { name: 'demo', help: 'run the built-in demo even at a terminal' },
    {
      name: 'panel',
      value: 'SIZE',
      help: `the cashier's panel beside the text: ${PANEL_CHOICES.join(' | ')} (default ${PANEL_DEFAULT})`,
      check: oneOf(PANEL_CHOICES),
    },
    { name: 'backend', value: 'URL', help: 'sync with a backend at ws://HOST:PORT', check: checkBackendUrl },
    {
      name: 'terminal',
      value: 'ID',
      help: `with --backend: the terminal id (default ${DEFAULT_TERMINAL_ID})`,
      check: uintValue(TERMINAL_ID_MAX),
    },
    {
      name: 'key-file',
      value: 'FILE',
      help: 'with --backend: the terminal key file (onecard backend key ID --out FILE)',
    },
    {
      name: 'db',
      value: 'FILE',
      help: `with --backend: fetch the key from the backend running on FILE (default ${defaultDbPath()})`,
    },
    ...LOG_OPTIONS,
    { name: 'quiet', help: 'no logs (the same as --log-level off)' },
  ],
};

/** A run against a backend waits this long for its session at the start and for its journal's ack at the end. */
const BACKEND_WAIT_MS = 10_000;

const BACKEND_ONLY = ['terminal', 'key-file', 'db'] as const;

export async function simMain(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void = out,
): Promise<number> {
  const io: CliIo = { out, err };
  const p = parseOrExit(SIM, args, io);
  if (typeof p === 'number') return p;
  const o = p.options;
  const usage = (message: string) => refuse(err, `onecard sim: ${message} (onecard sim --help)`);
  const reader = (o.reader as SimReaderKind | undefined) ?? 'virtual';
  if (o.role !== undefined && o.role !== 'pos') {
    const role = o.role as SimRole;
    const reads = 'takesReader' in SIM_ROLES[role] ? [] : ['reader'];
    const extra = ['scenario', 'backend', 'data', ...reads, 'panel', ...BACKEND_ONLY].filter((k) => o[k] !== undefined);
    if (extra.length)
      return usage(`--role ${role} runs on its own; ${extra.map((k) => `--${k}`).join(', ')} do not apply`);
    const interactive = process.stdin.isTTY === true && !o.demo;
    return roleSim(role, (o.seed as number | undefined) ?? 1, o, interactive, io, reader);
  }
  if (typeof o.scenario === 'string') {
    const extra = ['backend', 'data', ...BACKEND_ONLY].filter((k) => o[k] !== undefined);
    if (extra.length)
      return usage(`--scenario runs a world of its own; ${extra.map((k) => `--${k}`).join(', ')} do not apply`);
    return scenario(o.scenario, reader, io);
  }
  const backendUrl = o.backend as string | undefined;
  if (backendUrl === undefined) {
    const strays = BACKEND_ONLY.filter((k) => o[k] !== undefined);
    if (strays.length) return usage(`${strays.map((k) => `--${k}`).join(', ')} go with --backend`);
  }

  const dataDir = o.data as string | undefined;
  const kept = dataDir === undefined ? null : openSimData(dataDir);
  if (kept?.kind === 'error') return refuse(err, kept.message);
  const before = kept?.kind === 'existing' ? kept.state : null;
  const seed = (o.seed as number | undefined) ?? before?.seed ?? 1;
  const terminalId = (o.terminal as number | undefined) ?? before?.terminalId ?? DEFAULT_TERMINAL_ID;
  if (before && (before.seed !== seed || before.terminalId !== terminalId)) {
    return usage(
      `--data ${dataDir} holds terminal ${before.terminalId} of seed ${before.seed}; it cannot become another`,
    );
  }
  // An offline terminal's lists are versions of its own making: a backend's would not replace them.
  if (before && before.synced !== (backendUrl !== undefined)) {
    return usage(
      `--data ${dataDir} holds ${before.synced ? 'a terminal synced with a backend' : 'an offline terminal'}; run it the same way`,
    );
  }

  const interactive = process.stdin.isTTY === true && !o.demo;
  if (dataDir !== undefined && kept?.kind === 'new') createSimDataDir(dataDir);
  const logOptions = o.quiet ? { ...o, 'log-level': 'off' } : o;
  // At the prompt a kept terminal logs beside its data, as a device would, instead of over the prompt.
  const logBeside = interactive && dataDir !== undefined && o['log-file'] === undefined && o['log-level'] === undefined;
  if (logBeside) logOptions['log-file'] = join(dataDir, LOG_FILE);
  // The offline demo is for reading the screens: only warnings and errors join it unless asked for.
  const logged = openLog(logOptions, () => Date.now(), !interactive, backendUrl === undefined ? 'warn' : 'info');
  if ('error' in logged) return refuse(err, logged.error);
  if (logBeside) out(`logs: ${logOptions['log-file']}`);
  let link: SimBackendLink | null = null;
  let world: SimWorld | null = null;
  try {
    const worldOpts = {
      terminalId,
      log: logged.log,
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(kept?.kind === 'existing' ? { cardImages: kept.cards } : {}),
    };
    if (backendUrl !== undefined) {
      const key = await terminalKey({
        dbPath: (o.db as string | undefined) ?? defaultDbPath(),
        terminalId,
        ...(typeof o['key-file'] === 'string' ? { keyFile: o['key-file'] } : {}),
        ...(dataDir !== undefined ? { dataDir } : {}),
      });
      if ('error' in key) return refuse(err, key.error);
      link = simBackendLink(backendUrl, key, () => world!.terminal('pos1').clock, logged.log);
      const l = link;
      // The simulated clock follows wall time here (sim-backend.ts): the composition root reads it.
      world = await defaultWorld(seed, reader, {
        ...worldOpts,
        startMs: Date.now(),
        authorizer: l.authorizer,
        locked: () => l.locked(),
        syncAlarm: () => l.syncAlarm(),
        backend: true,
      });
      link.attach(world, 'pos1');
      out(`pos1 is terminal ${terminalId}, key generation ${link.keyId}, syncing with ${backendUrl}`);
    } else {
      world = await defaultWorld(seed, reader, { ...worldOpts, startMs: before?.clockMs ?? Date.parse(DEFAULT_START) });
    }
    const w = world;
    const save =
      dataDir === undefined ? () => {} : () => saveSimData(dataDir, w, { seed, terminalId, synced: link !== null });
    save();
    if (before) out(`pos1 restored from ${dataDir}: journal at #${w.terminal('pos1').terminal.journal.lastSeq()}`);
    const panel = panelOf((o.panel as PanelChoice | undefined) ?? PANEL_DEFAULT);
    const shell = new SimShell(world, 'pos1', panel, () => link?.online() === true);
    if (interactive) return await prompt(shell, save, out);
    if (link !== null && !o.demo) return await scripted(shell, link, save, out);
    out(`onecard sim — built-in demo (seed ${seed}); run it in a terminal to type your own commands`);
    for (const line of DEMO_SCRIPT) {
      out(`> ${line}`);
      for (const l of (await shell.exec(line)) ?? []) out(l);
      save();
    }
    const report = await world.reconcile();
    const uploaded = link === null || (await awaitAck(link, out));
    return report.ok && uploaded ? 0 : 1;
  } finally {
    link?.close();
    world?.close();
    logged.close();
  }
}

async function prompt(shell: SimShell, save: () => void, out: (line: string) => void): Promise<number> {
  out('onecard sim — a simulated canteen POS. Cards: alice bob carol lost op. Type help.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'pos1> ' });
  rl.prompt();
  for await (const line of rl) {
    const lines = await shell.exec(line);
    save();
    if (lines === null) break;
    for (const l of lines) out(l);
    rl.prompt();
  }
  rl.close();
  return 0;
}

/** Shell commands from stdin, one a line, echoed; at the end, waits for the backend to hold the journal. */
async function scripted(shell: SimShell, link: SimBackendLink, save: () => void, out: (line: string) => void) {
  // An online sale typed before the session opens would go offline: start once the backend has answered.
  if (!(await link.connected(BACKEND_WAIT_MS))) out(`no session after ${BACKEND_WAIT_MS / 1000} s: running offline`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    out(`> ${line}`);
    const lines = await shell.exec(line);
    save();
    if (lines === null) break;
    for (const l of lines) out(l);
  }
  rl.close();
  return (await awaitAck(link, out)) ? 0 : 1;
}

/** A run against a backend ends once the backend holds its journal; a real terminal would keep trying instead. */
async function awaitAck(link: SimBackendLink, out: (line: string) => void): Promise<boolean> {
  if (await link.drained(BACKEND_WAIT_MS)) {
    out('journal acknowledged by the backend');
    return true;
  }
  out(`journal not all acknowledged after ${BACKEND_WAIT_MS / 1000} s (is the backend up, the key right?)`);
  return false;
}

async function scenario(file: string, reader: SimReaderKind, io: CliIo): Promise<number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    io.err(`${file}: cannot read scenario: ${(e as Error).message}`);
    return EXIT_USAGE;
  }
  let sc: Scenario;
  try {
    sc = parseScenario(raw, file);
  } catch (e) {
    io.err((e as Error).message);
    return EXIT_USAGE;
  }
  const result = await runScenario(sc, { reader });
  for (const l of result.transcript) io.out(l);
  if (result.ok) {
    io.out(`scenario "${sc.name}": passed (${sc.steps.length} steps)`);
    return 0;
  }
  io.out(`scenario "${sc.name}": FAILED`);
  for (const f of result.failures) io.out(`  ✗ ${f}`);
  return 1;
}

export { HELP };
