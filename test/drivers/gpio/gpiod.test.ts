import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { gpiodVersionOf, openGpiod, type Spawner } from '../../../drivers/gpio/gpiod.ts';
import type { Level } from '../../../drivers/gpio/index.ts';

/** A child process that lives until killed, with a writable stdout for the test. */
class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  pid: number | undefined = 1;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  constructor(readonly argv: string[]) {
    super();
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    // Exits a turn later, as a real process does.
    setImmediate(() => {
      this.signalCode = signal;
      this.emit('exit', null, signal);
    });
    return true;
  }
}

function fakeSpawner(versionText: string) {
  const children: FakeChild[] = [];
  const spawner: Spawner = {
    spawn: (command, args) => {
      const c = new FakeChild([command, ...args]);
      children.push(c);
      return c as unknown as ChildProcess;
    },
    run: async () => ({ ok: true, stdout: versionText }),
  };
  return { spawner, children };
}
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('version detection from gpiomon --version', () => {
  assert.equal(gpiodVersionOf('gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018'), 1);
  assert.equal(gpiodVersionOf('gpiomon (libgpiod) v2.1.3'), 2);
  assert.equal(gpiodVersionOf('something else'), null);
});

test('no tools: a message that names the package, not a crash', async () => {
  const r = await openGpiod(
    { spawn: () => assert.fail('not spawned'), run: async () => ({ ok: false, message: 'spawn gpiomon ENOENT' }) },
    { chip: 'gpiochip0' },
  );
  assert.deepEqual(r, {
    ok: false,
    message: 'gpiomon did not run (spawn gpiomon ENOENT): install the tools with "apt install gpiod"',
  });
});

test('1.x: gpiomon line-buffered with our format, its output becomes raw edges whatever the chunking', async () => {
  const { spawner, children } = fakeSpawner('gpiomon (libgpiod) v1.6.3');
  const r = await openGpiod(spawner, { chip: 'gpiochip0' });
  assert.ok(r.ok);
  const seen: [number, Level][] = [];
  const release = r.lines.claimInput(17, (t, level) => seen.push([t, level]));
  assert.deepEqual(children[0]!.argv, ['gpiomon', '-b', '-F', '%o %e %s %n', 'gpiochip0', '17']);
  children[0]!.stdout.write('17 0 10 5');
  children[0]!.stdout.write('0000\n17 1 10 100000\n');
  await turns(2);
  assert.deepEqual(seen, [
    [10_000_050, 0],
    [10_000_100, 1],
  ]);
  release();
  await r.lines.close();
});

test('2.x: each new output level replaces the gpioset holding the line, only after the old one let go', async () => {
  const { spawner, children } = fakeSpawner('gpiomon (libgpiod) v2.1.3');
  const r = await openGpiod(spawner, { chip: 'gpiochip4' });
  assert.ok(r.ok);
  r.lines.claimOutput(18, 0);
  r.lines.write(18, 1);
  r.lines.write(18, 0);
  await turns(1);
  assert.deepEqual(
    children.map((c) => c.argv),
    [['gpioset', '-c', 'gpiochip4', '18=0']],
    'the second gpioset waits for the first to exit',
  );
  await turns(10);
  assert.deepEqual(
    children.map((c) => [c.argv.at(-1), c.signalCode]),
    [
      ['18=0', 'SIGTERM'],
      ['18=1', 'SIGTERM'],
      ['18=0', null],
    ],
  );
  await r.lines.close();
  assert.equal(children[2]!.signalCode, 'SIGTERM', 'close lets go of every line');
});
