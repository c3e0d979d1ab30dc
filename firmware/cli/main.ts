/**
 * The `onecard` entry point and composition root. The simulator is reached by
 * a dynamic import only, so a terminal ships without it.
 */
const USAGE = [
  'usage: onecard <command>',
  '  sim [--seed N] [--reader mfrc522]   simulated POS terminal (interactive; a short demo when stdin is not a terminal)',
  '  sim --scenario FILE [--reader mfrc522]   run a scenario file; exit 1 when an expectation fails',
  '  sim --backend ws://HOST:PORT --key [N:]HEX   the simulated POS (terminal 101) synced with a backend,',
  '      key generation N (default 1); with stdin not a terminal it runs the shell commands read from',
  '      stdin, then waits for the backend to acknowledge the journal',
  '  backend [--port N] [--db FILE]   the reference backend; `onecard backend help` for its admin commands',
  '  selftest reader [--emulator]   report the card reader chip (/dev/spidev0.0) and read a presented card',
  '  help',
];

async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'sim': {
      const { simMain } = await import('../../simulator/cli/sim.ts');
      return simMain(rest, out);
    }
    case 'backend': {
      const { backendMain } = await import('../../simulator/backend/main.ts');
      return backendMain(rest, out);
    }
    case 'selftest':
      if (rest[0] === 'reader') {
        const { selftestReader } = await import('./selftest-reader.ts');
        return selftestReader({ reader: rest.includes('--emulator') ? 'emulator' : 'spidev', out });
      }
      out('usage: onecard selftest reader [--emulator]');
      return 2;
    case undefined:
    case 'help':
    case '--help':
      USAGE.forEach((l) => out(l));
      return cmd === undefined ? 2 : 0;
    default:
      out(`unknown command "${cmd}"`);
      USAGE.forEach((l) => out(l));
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
