import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { events, runCli, startService } from './run-cli.ts';

/**
 * `onecard run --config examples/terminal-sim.json` (every peripheral a twin)
 * as systemd would run it: stdin closed, JSON log lines on stdout, `onecard
 * status` answering over the data dir's socket, SIGTERM stopping it cleanly.
 */
/** A guard, not a timing assertion: a service that ignores SIGTERM fails the test instead of hanging the suite. */
const SERVICE = { timeout: 180_000 };
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-sim.json', import.meta.url));

test(
  'onecard run keeps running with stdin closed, answers onecard status, stops on SIGTERM with exit 0',
  SERVICE,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-run-'));
    try {
      const config = join(dir, 'terminal.json');
      copyFileSync(EXAMPLE, config);
      const service = startService(config);
      t.after(() => service.child.kill('SIGKILL')); // only if a failure left it running
      await service.logged('terminal.ready');
      const dataDir = join(dir, 'terminal-sim-data');
      assert.equal(statSync(join(dataDir, 'status.sock')).mode & 0o777, 0o600);

      const status = await runCli(['status', '--config', config]);
      assert.equal(status.code, 0, status.stderr);
      const s = JSON.parse(status.stdout) as Record<string, unknown>;
      assert.equal(s.terminal, 101);
      assert.equal(s.queueDepth, 0);
      // The example's face twins: the panel and the keypad are in STATUS (the protocol has no pole or voice kind).
      assert.deepEqual(s.peripherals, [
        { kind: 'reader', health: 'ok' },
        { kind: 'display', health: 'ok' },
        { kind: 'keypad', health: 'ok' },
      ]);
      assert.deepEqual(s.lists, [{ list: 'blacklist', version: 0 }]);
      assert.ok(typeof (s.clock as { source: string }).source === 'string');

      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0, service.output().stderr);
      const stopped = events(service.output().stdout).find((e) => e.event === 'terminal.stopped');
      assert.equal(stopped?.journal, 'closed');
      // SQLite folds the WAL back and deletes it when its last connection closes: the journal was closed.
      assert.equal(existsSync(join(dataDir, 'journal.db-wal')), false, 'journal closed');
      assert.equal(existsSync(join(dataDir, 'status.sock')), false, 'socket removed');
      const after = await runCli(['status', '--config', config]);
      assert.equal(after.code, 1);
      assert.match(after.stderr, /no onecard service running/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'onecard run and onecard sim open their terminal through the same composition (composeTerminal)',
  SERVICE,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-run-'));
    try {
      const config = join(dir, 'terminal.json');
      copyFileSync(EXAMPLE, config);
      const service = startService(config);
      t.after(() => service.child.kill('SIGKILL'));
      await service.logged('terminal.ready');
      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0);
      const run = events(service.output().stdout).filter((e) => e.event === 'terminal.composed');
      assert.deepEqual(run, [{ ...run[0], terminal: 101, role: 'pos', reader: 'virtual' }]);

      const sim = await runCli(['sim', '--log-level', 'info']);
      assert.equal(sim.code, 0, sim.stderr);
      const composed = events(sim.stderr).filter((e) => e.event === 'terminal.composed');
      // The demo restarts its terminal once: opened twice, both times through composeTerminal.
      assert.equal(composed.length, 2);
      assert.deepEqual(composed[0], { ...composed[0], terminal: 101, role: 'pos', reader: 'simulator' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('onecard run refuses a config it cannot run, naming the field, and opens nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-run-'));
  try {
    const r = await runCli(['run', '--config', join(dir, 'missing.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing\.json: cannot read \(ENOENT\)/);
    const noFlag = await runCli(['run']);
    assert.equal(noFlag.code, 2);
    assert.match(noFlag.stderr, /--config FILE is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
