import { readFileSync } from 'node:fs';
import { EXIT_OK, EXIT_USAGE, parseOrExit, type CliIo, type CommandSpec } from '../base/cli-args.ts';

/**
 * The `onecard` entry point and composition root. The simulator is reached by
 * a dynamic import only, so a terminal ships without it.
 */
const USAGE = [
  'usage: onecard <command> [options]   (onecard <command> --help for its options)',
  '  sim                 a simulated POS terminal (interactive; a short demo when stdin is not a terminal)',
  '  sim --scenario FILE run a scenario file; exit 1 when an expectation fails',
  '  sim --backend URL --terminal ID   the simulated POS synced with a backend; with stdin not a terminal',
  '                      it runs the shell commands read from stdin, then waits for the journal ack',
  '  backend init        create a reference backend database (its master key inside)',
  '  backend             serve it; `onecard backend help` lists its admin commands',
  '  run --config FILE   the terminal its config describes, as a service (JSON logs on stdout; SIGTERM stops)',
  '  desk --config FILE  the card office console on a desk terminal (issue, deposit, read, refund…)',
  '  status --config FILE  ask the running service of that config how it is',
  '  journal export --config FILE --out FILE   the unacknowledged journal to a file carried by hand',
  '  config check FILE   check a terminal config;  config example --role pos   print a commented one',
  '  selftest reader     report the card reader chip (/dev/spidev0.0) and read a presented card',
  '  selftest display|keypad|voice|customer-display   test pattern, key echo, a sentence, each lamp',
  '                      (--emulator: the same on the simulator twin)',
  '  help | --help | --version',
];

const SELFTEST: CommandSpec = {
  command: 'onecard selftest reader',
  summary: 'Resets and self-tests the MFRC522 on /dev/spidev0.0 and reads a presented card.',
  options: [{ name: 'emulator', help: 'the same against the chip emulator (no hardware)' }],
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `onecard ${pkg.version}`;
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'sim': {
      const { simMain } = await import('../simulator/cli/sim.ts');
      return simMain(rest, io.out, io.err);
    }
    case 'backend': {
      const { backendMain } = await import('../backend/main.ts');
      return backendMain(rest, io.out, io.err);
    }
    case 'run': {
      const { runMain } = await import('./run/run-command.ts');
      return runMain(rest, io);
    }
    case 'desk': {
      const { deskMain } = await import('./desk/desk-command.ts');
      return deskMain(rest, io);
    }
    case 'status': {
      const { statusMain } = await import('./run/run-command.ts');
      return statusMain(rest, io);
    }
    case 'journal': {
      const { journalMain } = await import('./journal/export-command.ts');
      return journalMain(rest, io);
    }
    case 'config': {
      const { configMain } = await import('./config/config-command.ts');
      return configMain(rest, io);
    }
    case 'selftest': {
      const { FACE_SELFTESTS, FACE_TESTS, selftestFace } = await import('./selftest-face.ts');
      const face = FACE_TESTS.find((t) => t === rest[0]);
      if (face) {
        const p = parseOrExit(FACE_SELFTESTS[face], rest.slice(1), io);
        if (typeof p === 'number') return p;
        return selftestFace(face, p.options, io);
      }
      if (rest[0] !== 'reader') {
        const which = ['reader', ...FACE_TESTS].join(', ');
        io.err(
          rest[0] === undefined
            ? `onecard selftest: which? (${which})`
            : `onecard selftest: unknown test "${rest[0]}" (${which})`,
        );
        return EXIT_USAGE;
      }
      const p = parseOrExit(SELFTEST, rest.slice(1), io);
      if (typeof p === 'number') return p;
      const { selftestReader } = await import('./selftest-reader.ts');
      return selftestReader({ reader: p.options.emulator ? 'emulator' : 'spidev', out: io.out });
    }
    case '--version':
    case '-V':
      io.out(version());
      return EXIT_OK;
    case 'help':
    case '--help':
    case '-h':
      USAGE.forEach((l) => io.out(l));
      return EXIT_OK;
    case undefined:
      USAGE.forEach((l) => io.err(l));
      return EXIT_USAGE;
    default:
      io.err(`onecard: unknown command "${cmd}" (onecard --help)`);
      return EXIT_USAGE;
  }
}

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
// `onecard sim --help | head`: a reader that left early is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2), io);
