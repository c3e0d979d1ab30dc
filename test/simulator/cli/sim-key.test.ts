import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveBackend } from '../../../backend/main.ts';
import { terminalKey } from '../../../simulator/cli/terminal-key.ts';

/**
 * The simulated terminal's key never rides on a command line: it comes from a
 * 0600 key file, or from the backend running on this machine through its
 * loopback admin endpoint — and with --data that first fetch is the
 * enrolment, written to DIR/terminal.key for the next runs.
 */
const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');

test('fetched from the running backend: the key the backend holds; kept in DIR/terminal.key (0600) for the next run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-simkey-'));
  const dbPath = join(dir, 'backend.db');
  const server = await serveBackend({ dbPath, port: 0 });
  try {
    const want = hex(server.backend.keyFor(101, 1) as Uint8Array);
    const got = await terminalKey({ dbPath, terminalId: 101, dataDir: dir });
    assert.ok(!('error' in got), JSON.stringify(got));
    assert.equal(got.keyId, 1);
    assert.equal(hex(got.key), want);
    assert.equal(readFileSync(join(dir, 'terminal.key'), 'utf8').trim(), want);
    assert.equal(statSync(join(dir, 'terminal.key')).mode & 0o777, 0o600);
    await server.stop();
    const again = await terminalKey({ dbPath, terminalId: 101, dataDir: dir });
    assert.ok(!('error' in again) && hex(again.key) === want, 'a kept terminal needs no backend admin to start');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key file others may read, or one that holds no key, is refused without echoing it; no backend is a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-simkey-'));
  try {
    const secret = 'ab'.repeat(32);
    const open = join(dir, 'open.key');
    writeFileSync(open, secret);
    chmodSync(open, 0o644);
    const loose = await terminalKey({ dbPath: join(dir, 'none.db'), terminalId: 101, keyFile: open });
    assert.ok('error' in loose);
    assert.match(loose.error, /mode 0644 lets group\/other access it; run: chmod 600/);

    const junk = join(dir, 'junk.key');
    writeFileSync(junk, `${secret.slice(1)}zz`, { mode: 0o600 });
    const bad = await terminalKey({ dbPath: join(dir, 'none.db'), terminalId: 101, keyFile: junk });
    assert.ok('error' in bad);
    assert.match(bad.error, /junk\.key: not a terminal key/);
    assert.ok(!bad.error.includes(secret.slice(1, 20)), 'the file content is not repeated');

    chmodSync(open, 0o600);
    const good = await terminalKey({ dbPath: join(dir, 'none.db'), terminalId: 101, keyFile: open });
    assert.ok(!('error' in good) && hex(good.key) === secret);

    const none = await terminalKey({ dbPath: join(dir, 'none.db'), terminalId: 101 });
    assert.ok('error' in none);
    assert.match(none.error, /no key for terminal 101: no backend is running on .*none\.db.*--key-file FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
