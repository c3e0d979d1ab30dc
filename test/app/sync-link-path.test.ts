import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../base/log.ts';
import { BackendServer } from '../../backend/server.ts';
import { events, runCli, startService } from './run-cli.ts';

/**
 * `onecard run` (a device) and `onecard sim --backend` (CI) reach the backend
 * through one composition of the sync link (firmware/sync/sync-link.ts,
 * composeSyncLink), which logs `sync.composed`: the simulator substitutes
 * nothing but its world, so what CI syncs is what a device syncs.
 */
const SERVICE = { timeout: 180_000 };
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-sim.json', import.meta.url));

function writeKey(server: BackendServer, dir: string, terminalId: number): string {
  const file = join(dir, `terminal-${terminalId}.key`);
  const key = server.backend.keyFor(terminalId, 1) as Uint8Array;
  writeFileSync(file, `1:${Buffer.from(key).toString('hex')}\n`, { mode: 0o600 });
  return file;
}

test('onecard run and onecard sim --backend compose their sync link through the same path', SERVICE, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-sync-path-'));
  const server = await BackendServer.start({ dbPath: join(dir, 'backend.db'), port: 0, log: silentLogger });
  t.after(() => server.stop());
  try {
    const config = join(dir, 'terminal.json');
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    const backend = { url: server.url, terminalKeyFile: writeKey(server, dir, 101) };
    writeFileSync(config, JSON.stringify({ ...example, backend }));
    const service = startService(config);
    t.after(() => service.child.kill('SIGKILL')); // only if a failure left it running
    await service.logged('sync.composed');
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output().stderr);
    const run = events(service.output().stdout).filter((e) => e.event === 'sync.composed');
    assert.deepEqual(run, [{ ...run[0], terminal: 101, generation: 1 }]);

    // Another terminal (its own journal), stdin closed: it opens its session, sends its journal, exits 0 on the ack.
    const keyFile = writeKey(server, dir, 102);
    const args = ['--backend', server.url, '--terminal', '102', '--key-file', keyFile, '--log-level', 'info'];
    const sim = await runCli(['sim', ...args]);
    assert.equal(sim.code, 0, sim.stderr);
    const composed = events(sim.stderr).filter((e) => e.event === 'sync.composed');
    assert.deepEqual(composed, [{ ...composed[0], terminal: 102, generation: 1 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
