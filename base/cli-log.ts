import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { JsonLogger, type Logger, type LogLevel, silentLogger } from './log.ts';
import { oneOf, type OptionSpec } from './cli-args.ts';

/**
 * `--log-level` and `--log-file`, the same on every command that logs. Logs
 * are JSON lines on stderr or appended to a file (0600: records name cards);
 * stdout stays for what the command says to a person.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'off'] as const;
export type LogLevelOption = (typeof LOG_LEVELS)[number];

export const LOG_OPTIONS: readonly OptionSpec[] = [
  { name: 'log-level', value: 'LEVEL', help: `${LOG_LEVELS.join(' | ')} (default info)`, check: oneOf(LOG_LEVELS) },
  { name: 'log-file', value: 'FILE', help: 'append logs to FILE (0600) instead of stderr' },
];

export interface OpenedLog {
  log: Logger;
  close(): void;
}

/**
 * The logger the options ask for. `stderrByDefault` false keeps logs off
 * stderr unless asked (an interactive prompt must not be written over).
 * `nowMs` stamps each line: the caller, a composition root, passes wall time.
 * `defaultLevel` applies when no --log-level is given.
 */
export function openLog(
  options: Record<string, unknown>,
  nowMs: () => number,
  stderrByDefault = true,
  defaultLevel: LogLevelOption = 'info',
): OpenedLog | { error: string } {
  const level = (options['log-level'] as LogLevelOption | undefined) ?? defaultLevel;
  const file = options['log-file'] as string | undefined;
  if (level === 'off' || (file === undefined && !stderrByDefault && options['log-level'] === undefined)) {
    return { log: silentLogger, close() {} };
  }
  if (file === undefined) {
    return {
      log: new JsonLogger({ write: (l) => process.stderr.write(`${l}\n`) }, nowMs, level as LogLevel),
      close() {},
    };
  }
  let fd: number;
  try {
    fd = openSync(file, 'a', 0o600);
    fchmodSync(fd, 0o600);
  } catch (e) {
    return { error: `--log-file ${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return {
    log: new JsonLogger({ write: (l) => writeSync(fd, `${l}\n`) }, nowMs, level as LogLevel),
    close: () => closeSync(fd),
  };
}
