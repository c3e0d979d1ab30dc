import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { hrtime } from 'node:process';
import { EXIT_OK, parseOrExit, refuse, uintValue, type CliIo, type CommandSpec } from '../../base/cli-args.ts';
import { LOG_OPTIONS, openLog } from '../../base/cli-log.ts';
import type { Clock } from '../../base/clock.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { askRunningBackend } from '../../backend/admin-client.ts';
import { cardDay } from '../../firmware/core/clock.ts';
import { systemScheduler } from '../../firmware/sync/scheduler.ts';
import { configOf } from '../run/run-command.ts';
import { startTerminal, type RunningTerminal } from '../run/service.ts';
import { openCardNumbers, seedCardNumbers } from './card-numbers.ts';
import { readHighestLine } from '../../backend/card-register.ts';
import { DeskConsole } from '../../firmware/desk/desk-console.ts';
import { LineQueue } from './line-queue.ts';
import { twinField } from './twin-field.ts';

/**
 * `onecard desk --config FILE`: the card office's console on a desk terminal.
 * The terminal is composed as `onecard run` composes it (the configured reader,
 * the backend link, the key file); the operator types commands. With stdin not
 * a terminal it reads them line by line (scriptable) and, at the end, waits
 * for the journal to reach the backend before it closes — exit 0.
 */
/** The card a command asks for is waited for this long by default: time to fetch a blank from the drawer. */
const CARD_WAIT_S_DEFAULT = 30;
const CARD_WAIT_S_MAX = 600;
/** At the end, how long the records may take to reach the backend; after that they go at the next start. */
const SYNC_DRAIN_MS = 15_000;
const SYNC_DRAIN_POLL_MS = 100;

export const DESK: CommandSpec = {
  command: 'onecard desk',
  summary: "The card office's console on a desk terminal: issue, deposit, read, refund, replace (help inside).",
  options: [
    { name: 'config', value: 'FILE', help: 'the desk terminal config (onecard config example --role desk)' },
    {
      name: 'backend-db',
      value: 'FILE',
      help: "the backend's database on this machine: lost/found, and a new data dir's card numbers, go to its server",
    },
    {
      name: 'card-wait',
      value: 'SECONDS',
      help: `how long an operation waits for its card (default ${CARD_WAIT_S_DEFAULT})`,
      check: uintValue(CARD_WAIT_S_MAX),
    },
    ...LOG_OPTIONS,
  ],
};

const systemClock: Clock = { nowMs: () => Date.now() }; // the composition root: wall time in
const nowUs = () => Number(hrtime.bigint() / 1000n);
const PROMPT = 'desk> ';
/** Real timers that keep the process alive: the operator's wait for a card is the work, not a background sync's. */
const heldScheduler: Scheduler = {
  after(delayMs, fn) {
    const t = setTimeout(fn, delayMs);
    return () => clearTimeout(t);
  },
};

export async function deskMain(args: string[], io: CliIo): Promise<number> {
  const p = parseOrExit(DESK, args, io);
  if (typeof p === 'number') return p;
  const config = configOf(p.options, DESK.command, io);
  if (typeof config === 'number') return config;
  if (!config.terminal.roles.includes('desk'))
    return refuse(io.err, `onecard desk: ${p.options.config} is not a desk terminal (terminal.roles: ["desk"])`);
  // An interactive prompt is not written over: logs go to stderr only when asked for.
  const interactive = process.stdin.isTTY === true;
  const logged = openLog(p.options, systemClock.nowMs, !interactive, 'warn');
  if ('error' in logged) return refuse(io.err, `onecard desk: ${logged.error}`);
  const db = p.options['backend-db'] as string | undefined;
  const numbers = await cardNumbersOf(config.storage.dataDir, config.terminal.id, db);
  if (!numbers.ok) return refuse(io.err, `onecard desk: ${numbers.message}`);
  const deps = {
    clock: systemClock,
    scheduler: systemScheduler,
    nowUs,
    log: logged.log,
    pollReader: false,
    wakeHalted: true,
  };
  const started = await startTerminal(config, deps);
  if (!started.ok) return refuse(io.err, `onecard desk: ${started.message}`);
  const t = started.value;
  if (t.terminal.role.role !== 'desk') {
    await t.stop();
    return refuse(io.err, 'onecard desk: the desk role did not open (a bug, please report it)');
  }
  const cardWaitS = (p.options['card-wait'] as number | undefined) ?? CARD_WAIT_S_DEFAULT;
  const desk = new DeskConsole({
    desk: t.terminal.role.desk,
    reader: t.peripherals.reader.reader,
    field: twinField(t.peripherals.reader),
    config,
    scheduler: heldScheduler,
    today: () => cardDay(systemClock.nowMs(), config.terminal.utcOffsetMinutes),
    cardNumbers: numbers.numbers,
    listed: (n) => t.terminal.blacklist.has(n),
    admin: db === undefined ? null : adminOf(db, t),
    cardWaitMs: cardWaitS * 1000,
    noCard: `no card on the reader within ${cardWaitS} s`,
  });
  // A PIN typed at the prompt is not echoed: the terminal's echo goes through this stream, held while one is typed.
  const echo = { held: false };
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!echo.held) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({
    input: process.stdin,
    output,
    terminal: interactive,
    ...(interactive ? { prompt: PROMPT } : {}),
  });
  if (interactive) {
    io.out(`desk terminal ${config.terminal.id} (${config.terminal.name}): type help`);
    rl.prompt();
  }
  const input = new LineQueue(rl);
  for (let line = await input.next(); line !== null; line = await input.next()) {
    if (echo.held) io.out('');
    const lines = await desk.exec(line);
    if (lines === null) break;
    lines.forEach((l) => io.out(l));
    echo.held = interactive && desk.wantsSecret;
    if (interactive && !echo.held) rl.prompt();
  }
  rl.close();
  const left = await drain(t);
  if (left > 0) io.err(`onecard desk: ${left} records not yet at the backend; they go at the next start`);
  await t.stop();
  logged.close();
  return EXIT_OK;
}

/**
 * The desk's numbers; with no number file (a new data dir) the backend is asked where this desk's range
 * stands, and the file written from its answer. Unreachable: the desk runs, but `issue` says why it cannot.
 */
async function cardNumbersOf(dataDir: string, terminalId: number, db: string | undefined) {
  const opened = openCardNumbers(dataDir, terminalId);
  if (!opened.ok || !opened.unknown || db === undefined) return opened;
  const r = await askRunningBackend(db, ['card', 'highest', String(terminalId)]);
  const highest = r?.code === 0 ? readHighestLine(terminalId, r.lines[0]) : undefined;
  if (highest === undefined) return opened;
  return seedCardNumbers(dataDir, terminalId, highest);
}

function adminOf(db: string, t: RunningTerminal) {
  return async (args: string[]): Promise<string[]> => {
    // The backend knows a card once this desk's records of it arrived: a card issued a moment ago is lost too.
    await drain(t);
    const r = await askRunningBackend(db, args);
    if (r === null) return [`no backend runs on ${db}: start it (onecard backend --db ${db}) and try again`];
    return r.lines;
  };
}

/** The journal on disk, then up to the backend (bounded): the records still owed after the wait. */
async function drain(t: RunningTerminal): Promise<number> {
  t.terminal.journal.flush();
  if (!t.link) return 0;
  const unacked = () => t.terminal.journal.health().unacked;
  for (let waitedMs = 0; waitedMs < SYNC_DRAIN_MS && unacked() > 0; waitedMs += SYNC_DRAIN_POLL_MS)
    await new Promise<void>((resolve) => heldScheduler.after(SYNC_DRAIN_POLL_MS, resolve));
  return unacked();
}
