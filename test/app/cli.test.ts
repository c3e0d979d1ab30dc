import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_FRAME } from './run-cli.ts';

/**
 * The conventions every `onecard` command keeps (docs/cli.md): --help exits 0,
 * an unknown option exits 2 naming it, a user's mistake is one line and never
 * a stack trace — and a mistake never runs the command anyway.
 */
const HELP_CASES = [
  ['--help'],
  ['help'],
  ['sim', '--help'],
  ['sim', '-h'],
  ['backend', '--help'],
  ['backend', 'help'],
  ['backend', 'init', '--help'],
  ['backend', 'card', '--help'],
  ['backend', 'credit', '--help'],
  ['backend', 'key', '--help'],
  ['backend', 'enrol', '--help'],
  ['backend', 'terminals', '-h'],
  ['selftest', 'reader', '--help'],
  ['selftest', 'display', '--help'],
  ['selftest', 'keypad', '--help'],
  ['selftest', 'voice', '--help'],
  ['selftest', 'customer-display', '-h'],
];

const MISTAKES: [string[], RegExp][] = [
  [['sim', '--bogus'], /unknown option: --bogus/],
  [['sim', '--reader', 'foo'], /--reader "foo": must be one of virtual, mfrc522/],
  [['sim', '--seed', 'abc'], /--seed "abc"/],
  [['sim', '--panel', '3x3'], /--panel "3x3": must be one of 128x64, 20x4, none/],
  [['sim', '--key', 'ab'.repeat(32)], /unknown option: --key/],
  [['sim', '--backend', 'http://127.0.0.1:1'], /--backend "http:\/\/127\.0\.0\.1:1": must start with ws:\/\//],
  [['sim', '--backend', 'not a url'], /--backend "not a url": is not a URL/],
  [['backend', '--port', '99999'], /--port "99999": is not a port/],
  [['backend', '--tcp-port', 'abc'], /--tcp-port "abc": is not a port/],
  [['backend', '--tcp-port', '70000'], /--tcp-port "70000": is not a port/],
  [['backend', '--host', '999.1.1.1'], /--host "999\.1\.1\.1": is not an IP address/],
  [['backend', 'status', '--bogus'], /unknown option: --bogus/],
  [['selftest', 'reader', '--bogus'], /unknown option: --bogus/],
  [['selftest', 'display', '--bogus'], /unknown option: --bogus/],
  [['selftest', 'display', '--panel', 'x'], /--panel "x": must be one of/],
  [['selftest', 'keypad', '--device', '/tmp/x'], /must be a device under \/dev\/input\//],
  [['selftest', 'customer-display', '--kind', 'led'], /--kind "led"/],
  [['selftest', 'voice', '--lang', 'fr'], /--lang "fr"/],
  [['selftest', 'frob'], /unknown test "frob" \(reader, display, keypad, voice, customer-display\)/],
  [['nonsense'], /unknown command "nonsense"/],
  [['backend', 'frob', '--help'], /onecard backend: unknown command "frob"/],
];

test('every command and subcommand answers --help with exit 0', async () => {
  const runs = await Promise.all(HELP_CASES.map((args) => runCli(args)));
  for (const [i, r] of runs.entries()) {
    assert.equal(r.code, 0, `${HELP_CASES[i].join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /usage: onecard/, HELP_CASES[i].join(' '));
    assert.doesNotMatch(r.stdout, /built-in demo \(seed/, 'help does not run the command');
  }
});

test('onecard --version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^onecard \d+\.\d+\.\d+\n$/);
});

test('a mistake on the command line: one line on stderr naming it, exit 2, nothing run, no stack trace', async () => {
  // A database folder of its own, so nothing here can touch the user's.
  const home = mkdtempSync(join(tmpdir(), 'onecard-cli-'));
  try {
    const env = { ...process.env, XDG_DATA_HOME: home };
    const runs = await Promise.all(MISTAKES.map(([args]) => runCli(args, { env })));
    for (const [i, r] of runs.entries()) {
      const [args, said] = MISTAKES[i];
      const what = args.join(' ');
      assert.equal(r.code, 2, `${what}: exit ${r.code} ${r.stdout} ${r.stderr}`);
      assert.match(r.stderr, said, what);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line, got ${r.stderr}`);
      assert.doesNotMatch(r.stderr, STACK_FRAME, what);
      assert.equal(r.stdout, '', `${what}: nothing ran`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
