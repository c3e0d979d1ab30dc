import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../base/log.ts';
import { BackendServer } from '../../backend/server.ts';
import { Journal } from '../../firmware/store/journal/journal.ts';
import { KIND } from '../../protocol/index.ts';
import { events, runCli, startService } from './run-cli.ts';

/**
 * `onecard run` against the reference backend on loopback, the backend's clock
 * 30 s ahead of the terminal's: the sync client's TIME exchange (PROTOCOL.md
 * §6.2) steps the terminal's clock to the backend's, journals `clock.step`,
 * and `onecard status` says the clock is the backend's.
 */
const SERVICE = { timeout: 180_000 };
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-sim.json', import.meta.url));
/** Under WELCOME's coarse step (60 s) and over the TIME step (2 s): the TIME exchange must step it. */
const BACKEND_AHEAD_MS = 30_000;

const NAME = 'onecard run steps its clock to the backend, journals clock.step, and status says "backend"';
test(NAME, SERVICE, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-run-clock-'));
  const server = await BackendServer.start({
    dbPath: join(dir, 'backend.db'),
    port: 0,
    log: silentLogger,
    // The wall clock is the backend's own here (the test is its composition root), shifted.
    clock: { nowMs: () => Date.now() + BACKEND_AHEAD_MS },
  });
  t.after(() => server.stop());
  try {
    const keyFile = join(dir, 'terminal.key');
    const key = server.backend.keyFor(101, 1) as Uint8Array;
    writeFileSync(keyFile, `1:${Buffer.from(key).toString('hex')}\n`, { mode: 0o600 });
    const config = join(dir, 'terminal.json');
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    writeFileSync(config, JSON.stringify({ ...example, backend: { url: server.url, terminalKeyFile: keyFile } }));

    const service = startService(config);
    t.after(() => service.child.kill('SIGKILL')); // only if a failure left it running
    await service.logged('terminal.ready');
    // Either the step, or the warning of a clock that could not be stepped: the test ends on both.
    const outcome = await Promise.race([
      service.logged('sync.clock-stepped').then(() => 'stepped'),
      service.logged('sync.clock-behind').then(() => 'not stepped'),
    ]);
    assert.equal(outcome, 'stepped', service.output().stdout);

    const status = await runCli(['status', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    const clock = (JSON.parse(status.stdout) as { clock: { source: string; state: string; driftMs: number } }).clock;
    assert.match(clock.source, /^backend \(synced within 2 s/);
    assert.equal(clock.state, 'synced');
    assert.equal(clock.driftMs, 0, 'stepped: nothing left to report');

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output().stderr);
    const stepped = events(service.output().stdout).find((e) => e.event === 'sync.clock-stepped');
    assert.equal(stepped?.source, 'time');

    const journal = Journal.open({
      path: join(dir, 'terminal-sim-data', 'journal.db'),
      clock: { nowMs: () => 0 },
      log: silentLogger,
    });
    try {
      const steps = journal.after(0, 1_000).filter((r) => r.kind === KIND.clockStep);
      assert.equal(steps.length, 1, 'one clock.step journaled');
      const body = steps[0].body as { fromMs: number; toMs: number; offsetMs: number };
      // The offset measured over loopback: the backend's lead, give or take the round trip (≤ 2 s by §6.2).
      assert.ok(Math.abs(body.offsetMs - BACKEND_AHEAD_MS) <= 2_000, `offset ${body.offsetMs}`);
      assert.equal(body.toMs - body.fromMs, body.offsetMs);
    } finally {
      journal.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
