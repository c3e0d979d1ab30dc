import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_FRAME } from '../../firmware/cli/run-cli.ts';

/**
 * `onecard backend` as a new user meets it: a backend is created by `init`
 * only (a mistyped --db must not become a new backend with a new master key),
 * its default database is in the user's data folder, start-up problems are one
 * line with exit 2, and a terminal key goes to a 0600 file, not the screen.
 */
function scratch(): { dir: string; env: NodeJS.ProcessEnv; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-backend-cli-'));
  return {
    dir,
    env: { ...process.env, XDG_DATA_HOME: join(dir, 'data') },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('init creates the default database in the data folder (0600), once; never in the working directory', async () => {
  const s = scratch();
  try {
    const r = await runCli(['backend', 'init'], { env: s.env, cwd: s.dir });
    assert.equal(r.code, 0, r.stderr);
    const db = join(s.dir, 'data', 'onecard', 'backend.db');
    assert.equal(statSync(db).mode & 0o777, 0o600);
    assert.equal(statSync(join(s.dir, 'data', 'onecard')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(s.dir).sort(), ['data'], 'nothing in the working directory');
    const again = await runCli(['backend', 'init'], { env: s.env, cwd: s.dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
  } finally {
    s.done();
  }
});

test('a mistyped --db is refused by every command: nothing created, no key printed', async () => {
  const s = scratch();
  try {
    const typo = join(s.dir, 'typo.db');
    // One at a time, serving first: were one of them to create the file, serving would not wait for ever.
    for (const args of [[], ['key', '101'], ['status'], ['card', 'lost', '1001']]) {
      const r = await runCli(['backend', ...args, '--db', typo], { env: s.env });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /no backend database at .*typo\.db; create one with: onecard backend init --db /);
      assert.equal(r.stdout, '');
    }
    assert.equal(existsSync(typo), false);
  } finally {
    s.done();
  }
});

test('a port in use is one line naming the option, exit 2 (WebSocket and raw TCP)', async () => {
  const s = scratch();
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const db = join(s.dir, 'b.db');
    assert.equal((await runCli(['backend', 'init', '--db', db], { env: s.env })).code, 0);
    const [ws, tcp] = await Promise.all([
      runCli(['backend', '--db', db, '--port', String(port)], { env: s.env }),
      runCli(['backend', '--db', db, '--tcp-port', String(port)], { env: s.env }),
    ]);
    for (const [r, option] of [
      [ws, '--port'],
      [tcp, '--tcp-port'],
    ] as const) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^${option} ${port}: 127\\.0\\.0\\.1:${port} is already in use`));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
    }
  } finally {
    busy.close();
    s.done();
  }
});

test('key --out writes the terminal key to a 0600 file; the screen never shows it', async () => {
  const s = scratch();
  try {
    const db = join(s.dir, 'b.db');
    const keyFile = join(s.dir, 'k101');
    assert.equal((await runCli(['backend', 'init', '--db', db], { env: s.env })).code, 0);
    const r = await runCli(['backend', 'key', '101', '--db', db, '--out', keyFile], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    const key = readFileSync(keyFile, 'utf8').trim();
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key));
    const rotate = await runCli(['backend', 'key', 'rotate', '101', '--db', db, '--out', keyFile], { env: s.env });
    assert.equal(rotate.code, 2, 'a command that prints no key cannot write one');
    const shown = await runCli(['backend', 'key', 'show', '101', '--db', db], { env: s.env });
    assert.match(shown.stdout, /^terminal 101: key generation 1\n$/, 'and nothing was rotated');
    const credit = await runCli(['backend', 'credit', '--help'], { env: s.env });
    assert.match(credit.stdout, /to the subsidy wallet unless balance is named/);
  } finally {
    s.done();
  }
});
