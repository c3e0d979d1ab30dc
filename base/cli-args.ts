/**
 * The one argument parser of every `onecard` command: each command declares a
 * table of its options, and this turns argv into values, `--help`, or one
 * clear line naming what was wrong. Pure: no I/O, no exit.
 *
 * Accepted forms: `--name value`, `--name=value`, `--flag`, `-h` for help,
 * and `--` to end the options. A value is never taken from the next word when
 * that word is itself an option.
 */
export interface OptionSpec {
  /** Without the dashes: `port` for `--port`. */
  name: string;
  /** The value's placeholder in help (`N`, `FILE`); absent for a flag that takes none. */
  value?: string;
  help: string;
  /** Checks and converts the value; a string back is the problem, said after the option's name. */
  check?: (text: string) => string | { ok: unknown };
}

export interface CommandSpec {
  /** `onecard sim`, `onecard backend init`: the start of the usage line. */
  command: string;
  /** What follows the command in the usage line for its positional arguments, e.g. `<card> <amount>`. */
  operands?: string;
  summary: string;
  options: readonly OptionSpec[];
  /** How many positional arguments the command takes (0 unless said). */
  operandsMin?: number;
  operandsMax?: number;
}

export type Parsed =
  | { kind: 'help'; lines: string[] }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; options: Record<string, unknown>; operands: string[] };

export function parseArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options: Record<string, unknown> = {};
  const operands: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (word === '--help' || word === '-h') return { kind: 'help', lines: helpLines(spec) };
    if (!word.startsWith('-') || word === '-' || /^-\d/.test(word)) {
      operands.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.startsWith('--') ? word.slice(2, eq < 0 ? undefined : eq) : '';
    const opt = spec.options.find((o) => o.name === name);
    if (!opt) {
      unknown.push(eq < 0 ? word : word.slice(0, eq));
      continue;
    }
    if (opt.value === undefined) {
      if (eq >= 0) return { kind: 'error', message: `--${name} takes no value` };
      options[name] = true;
      continue;
    }
    const text = eq >= 0 ? word.slice(eq + 1) : argv[i + 1];
    if (text === undefined || (eq < 0 && text.startsWith('--')))
      return { kind: 'error', message: `--${name} needs a value (${opt.value})` };
    if (eq < 0) i++;
    const checked = opt.check ? opt.check(text) : { ok: text };
    if (typeof checked === 'string') return { kind: 'error', message: `--${name} ${JSON.stringify(text)}: ${checked}` };
    options[name] = checked.ok;
  }
  // All unknown options at once: a person fixes the line in one go.
  if (unknown.length)
    return { kind: 'error', message: `unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.join(' ')}` };
  const min = spec.operandsMin ?? 0;
  const max = spec.operandsMax ?? min;
  if (operands.length > max)
    return {
      kind: 'error',
      message: `unexpected argument${operands.length - max > 1 ? 's' : ''}: ${operands.slice(max).join(' ')}`,
    };
  if (operands.length < min) return { kind: 'error', message: `missing argument: ${spec.operands ?? 'see --help'}` };
  return { kind: 'ok', options, operands };
}

export function usageLine(spec: CommandSpec): string {
  const opts = spec.options.map((o) => `[--${o.name}${o.value ? ` ${o.value}` : ''}]`).join(' ');
  return `usage: ${spec.command}${spec.operands ? ` ${spec.operands}` : ''}${opts ? ` ${opts}` : ''}`;
}

export function helpLines(spec: CommandSpec): string[] {
  const width = Math.max(12, ...spec.options.map((o) => o.name.length + (o.value ? o.value.length + 1 : 0) + 2));
  return [
    usageLine(spec),
    spec.summary,
    ...(spec.options.length ? ['options:'] : []),
    ...spec.options.map((o) => `  ${`--${o.name}${o.value ? ` ${o.value}` : ''}`.padEnd(width)}  ${o.help}`),
    `  ${'--help, -h'.padEnd(width)}  this help`,
  ];
}

// ── value checks shared by the commands ───────────────────────────────────

/** A TCP port: 1..65535, or 0 for "any free port" when `anyAllowed`. */
export function portValue(anyAllowed: boolean): (text: string) => string | { ok: number } {
  return (text) => {
    const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(n >= (anyAllowed ? 0 : 1) && n <= 65_535)) return `is not a port (${anyAllowed ? 0 : 1}..65535)`;
    return { ok: n };
  };
}

export function uintValue(max: number): (text: string) => string | { ok: number } {
  return (text) =>
    /^\d{1,10}$/.test(text) && Number(text) <= max ? { ok: Number(text) } : `is not a whole number 0..${max}`;
}

export function oneOf<T extends string>(values: readonly T[]): (text: string) => string | { ok: T } {
  return (text) =>
    (values as readonly string[]).includes(text) ? { ok: text as T } : `must be one of ${values.join(', ')}`;
}

/** Outcome of a command for the entry point: lines to stdout, lines to stderr, the exit code. */
export const EXIT_OK = 0;
/** A user mistake on the command line (bad option, missing file they named): nothing was changed. */
export const EXIT_USAGE = 2;

export interface CliIo {
  out(line: string): void;
  /** Errors and usage mistakes: stderr, so piped output stays clean. */
  err(line: string): void;
}

/**
 * Parses for a command and answers `--help` and mistakes itself: a number back
 * is the exit code to return at once (0 after help, 2 after one line saying
 * what was wrong and where help is).
 */
export function parseOrExit(
  spec: CommandSpec,
  argv: readonly string[],
  io: CliIo,
): Extract<Parsed, { kind: 'ok' }> | number {
  const p = parseArgs(spec, argv);
  if (p.kind === 'ok') return p;
  if (p.kind === 'help') {
    p.lines.forEach((l) => io.out(l));
    return EXIT_OK;
  }
  io.err(`${spec.command}: ${p.message} (${spec.command} --help)`);
  return EXIT_USAGE;
}

/** Says what was wrong on stderr and gives the usage exit code: `return refuse(io.err, '…')`. */
export function refuse(err: (line: string) => void, message: string): number {
  err(message);
  return EXIT_USAGE;
}
