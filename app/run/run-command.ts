import { hrtime } from 'node:process';
import { EXIT_OK, parseOrExit, refuse, type CliIo, type CommandSpec } from '../../base/cli-args.ts';
import { LOG_LEVELS, type LogLevelOption } from '../../base/cli-log.ts';
import type { Clock } from '../../base/clock.ts';
import { JsonLogger, silentLogger, type Logger, type LogLevel } from '../../base/log.ts';
import { oneOf } from '../../base/cli-args.ts';
import { systemScheduler } from '../../firmware/sync/scheduler.ts';
import { readConfigFile } from '../config/config-file.ts';
import { systemdNotifier } from './notify.ts';
import { READER_POLL_MS, startTerminal } from './service.ts';
import { askStatus, serveStatus } from './status-server.ts';
import { statusReport } from './status-report.ts';

/**
 * `onecard run --config FILE`: the terminal as a service. Logs are JSON lines
 * on stdout (journald keeps them); stdin is never read, so a closed stdin is
 * normal; SIGTERM (systemctl stop) and SIGINT stop it cleanly, exit 0.
 */
export const RUN: CommandSpec = {
  command: 'onecard run',
  summary: 'Runs the terminal its config file describes, as a service: JSON logs on stdout, stops on SIGTERM.',
  options: [
    { name: 'config', value: 'FILE', help: 'the terminal config (onecard config example --role pos)' },
    { name: 'log-level', value: 'LEVEL', help: `${LOG_LEVELS.join(' | ')} (default info)`, check: oneOf(LOG_LEVELS) },
  ],
};

export const STATUS: CommandSpec = {
  command: 'onecard status',
  summary: 'Asks the running `onecard run` of a config (over the 0600 socket in its data dir) how it is.',
  options: [{ name: 'config', value: 'FILE', help: 'the config the service runs with' }],
};

const systemClock: Clock = { nowMs: () => Date.now() }; // the composition root: wall time in
const nowUs = () => Number(hrtime.bigint() / 1000n);

function stdoutLogger(level: LogLevelOption): Logger {
  if (level === 'off') return silentLogger;
  return new JsonLogger({ write: (l) => process.stdout.write(`${l}\n`) }, systemClock.nowMs, level as LogLevel);
}

export function configOf(o: Record<string, unknown>, command: string, io: CliIo) {
  if (typeof o.config !== 'string') return refuse(io.err, `${command}: --config FILE is required (${command} --help)`);
  const read = readConfigFile(o.config);
  return read.ok ? read.config : refuse(io.err, read.message);
}

export async function runMain(args: string[], io: CliIo): Promise<number> {
  // Listened for first: a stop asked for while the stores open waits for them, then closes them.
  const stopAsked = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  const p = parseOrExit(RUN, args, io);
  if (typeof p === 'number') return p;
  const config = configOf(p.options, RUN.command, io);
  if (typeof config === 'number') return config;
  const log = stdoutLogger((p.options['log-level'] as LogLevelOption | undefined) ?? 'info');
  const startedMs = systemClock.nowMs();
  const started = await startTerminal(config, { clock: systemClock, scheduler: systemScheduler, nowUs, log });
  if (!started.ok) return refuse(io.err, `onecard run: ${started.message}`);
  const t = started.value;
  let status: Awaited<ReturnType<typeof serveStatus>>;
  try {
    status = await serveStatus(config.storage.dataDir, () => statusReport(t, startedMs, systemClock.nowMs()));
  } catch (e) {
    await t.stop();
    return refuse(io.err, `onecard run: storage.dataDir: cannot serve the status socket: ${(e as Error).message}`);
  }
  const notifier = systemdNotifier(process.env, (message) => log.warn('systemd.notify-failed', { message }));
  notifier.ready();
  // Ready: the reader is polled and `onecard status` answers.
  log.info('terminal.ready', { terminal: config.terminal.id, readerPollMs: READER_POLL_MS });
  // Keep-alives come from the event loop itself: a loop stuck in a tap stops them, and systemd steps in.
  const keepAlive = notifier.keepAliveMs === null ? null : setInterval(notifier.keepAlive, notifier.keepAliveMs);
  await stopAsked;
  log.info('terminal.stopping', { signal: 'SIGTERM or SIGINT' });
  if (keepAlive) clearInterval(keepAlive);
  status.close();
  await t.stop();
  return EXIT_OK;
}

export async function statusMain(args: string[], io: CliIo): Promise<number> {
  const p = parseOrExit(STATUS, args, io);
  if (typeof p === 'number') return p;
  const config = configOf(p.options, STATUS.command, io);
  if (typeof config === 'number') return config;
  const answer = await askStatus(config.storage.dataDir);
  if (!answer.ok) {
    io.err(`onecard status: ${answer.message}`);
    return 1;
  }
  io.out(JSON.stringify(answer.status, null, 2));
  return EXIT_OK;
}
