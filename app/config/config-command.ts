import { EXIT_OK, EXIT_USAGE, oneOf, parseOrExit, refuse, type CliIo, type CommandSpec } from '../../base/cli-args.ts';
import { readConfigFile } from './config-file.ts';
import { CONFIG_EXAMPLES, type ExampleRole } from './examples.ts';

/** `onecard config check FILE` and `onecard config example --role ROLE`. */
const ROLES = Object.keys(CONFIG_EXAMPLES) as ExampleRole[];

const CHECK: CommandSpec = {
  command: 'onecard config check',
  operands: 'FILE',
  summary: 'Checks a terminal config file against the schema; names the first wrong field and its fix.',
  options: [],
  operandsMin: 1,
  operandsMax: 1,
};
const EXAMPLE: CommandSpec = {
  command: 'onecard config example',
  summary: 'Prints a commented, working terminal config (JSON with // comments) for a role.',
  options: [{ name: 'role', value: 'ROLE', help: `${ROLES.join(' | ')} (default pos)`, check: oneOf(ROLES) }],
};

export function configMain(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub === 'check') {
    const p = parseOrExit(CHECK, rest, io);
    if (typeof p === 'number') return p;
    const read = readConfigFile(p.operands[0]);
    if (!read.ok) return refuse(io.err, read.message);
    const c = read.config;
    const reader = c.peripherals?.reader.kind ?? 'none (onecard run needs peripherals.reader)';
    io.out(`${p.operands[0]}: ok — terminal ${c.terminal.id} (${c.terminal.roles.join(', ')}), reader ${reader}`);
    return EXIT_OK;
  }
  if (sub === 'example') {
    const p = parseOrExit(EXAMPLE, rest, io);
    if (typeof p === 'number') return p;
    io.out(CONFIG_EXAMPLES[(p.options.role as ExampleRole | undefined) ?? 'pos'].trimEnd());
    return EXIT_OK;
  }
  if (sub === '--help' || sub === '-h') {
    io.out('usage: onecard config check FILE | onecard config example [--role ROLE]');
    return EXIT_OK;
  }
  io.err(
    sub === undefined ? 'onecard config: which? (check, example)' : `onecard config: unknown "${sub}" (check, example)`,
  );
  return EXIT_USAGE;
}
