/**
 * Structured logs: one JSON object per line, an event name and fields.
 * Secrets never reach a log: any field whose name looks like a key, PIN or
 * secret is replaced, whatever its value, and byte arrays are never dumped.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LogSink {
  write(line: string): void;
}

/** Field names that always hold secrets. `uid` and `mac` results are public. */
const SECRET_NAME = /(^|_|[a-z])(key|keys|pin|secret|password|master)s?($|_|[A-Z])/i;

export function redact(value: unknown, name = '', depth = 0): unknown {
  if (name && SECRET_NAME.test(name)) return '[redacted]';
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Error) return { error: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
  return out;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class JsonLogger implements Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly nowMs: () => number,
    private readonly minLevel: LogLevel = 'info',
    private readonly base: LogFields = {},
  ) {}
  private emit(level: LogLevel, event: string, fields?: LogFields): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.minLevel]) return;
    const record = { t: this.nowMs(), level, event, ...(redact({ ...this.base, ...fields }) as LogFields) };
    this.sink.write(JSON.stringify(record));
  }
  debug(event: string, fields?: LogFields): void {
    this.emit('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.emit('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.emit('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.emit('error', event, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.sink, this.nowMs, this.minLevel, { ...this.base, ...fields });
  }
}

/** Keeps lines in memory: for tests and the simulator's log pane. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  constructor(private readonly limit = 10_000) {}
  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
