import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, portValue, type CommandSpec } from '../../base/cli-args.ts';

const SPEC: CommandSpec = {
  command: 'onecard demo',
  summary: 'a command for the test',
  options: [
    { name: 'port', value: 'N', help: 'a port', check: portValue(false) },
    { name: 'db', value: 'FILE', help: 'a file' },
    { name: 'quiet', help: 'a flag' },
  ],
  operands: '<card>',
  operandsMin: 0,
  operandsMax: 1,
};

test('options by name, with a space or =; flags; operands', () => {
  const p = parseArgs(SPEC, ['--port', '8700', '--db=x.db', '--quiet', '1001']);
  assert.deepEqual(p, { kind: 'ok', options: { port: 8700, db: 'x.db', quiet: true }, operands: ['1001'] });
  assert.deepEqual(parseArgs(SPEC, ['--', '--port']), { kind: 'ok', options: {}, operands: ['--port'] });
  assert.deepEqual(
    parseArgs(SPEC, ['-5.00']),
    { kind: 'ok', options: {}, operands: ['-5.00'] },
    'a negative amount is an operand',
  );
});

test('--help and -h answer help wherever they stand', () => {
  for (const argv of [['--help'], ['-h'], ['--port', '1', '--help'], ['--bogus', '-h']]) {
    const p = parseArgs(SPEC, argv);
    assert.equal(p.kind, 'help', argv.join(' '));
    if (p.kind === 'help')
      assert.match(p.lines[0], /^usage: onecard demo <card> \[--port N\] \[--db FILE\] \[--quiet\]/);
  }
});

test('every unknown option is named at once; nothing is dropped', () => {
  assert.deepEqual(parseArgs(SPEC, ['--bogus', '--port', '1', '-x', '--also=3']), {
    kind: 'error',
    message: 'unknown options: --bogus -x --also',
  });
  assert.deepEqual(parseArgs(SPEC, ['--bogus']), { kind: 'error', message: 'unknown option: --bogus' });
});

test('a value that fails its check names the option and the value', () => {
  assert.deepEqual(parseArgs(SPEC, ['--port', '99999']), {
    kind: 'error',
    message: '--port "99999": is not a port (1..65535)',
  });
  assert.deepEqual(parseArgs(SPEC, ['--port', 'abc']), {
    kind: 'error',
    message: '--port "abc": is not a port (1..65535)',
  });
  assert.deepEqual(parseArgs(SPEC, ['--port']), { kind: 'error', message: '--port needs a value (N)' });
  assert.deepEqual(
    parseArgs(SPEC, ['--db', '--quiet']),
    { kind: 'error', message: '--db needs a value (FILE)' },
    'the next option is not a value',
  );
  assert.deepEqual(parseArgs(SPEC, ['--quiet=yes']), { kind: 'error', message: '--quiet takes no value' });
  assert.deepEqual(parseArgs(SPEC, ['1', '2']), { kind: 'error', message: 'unexpected argument: 2' });
});
