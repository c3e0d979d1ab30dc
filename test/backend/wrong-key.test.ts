import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger, type LogSink } from '../../firmware/core/log.ts';
import { webSocketDialer } from '../../base/ws-link.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';
import { terminal } from './loopback-terminal.ts';

/**
 * A terminal with a key that is not its own (issue 9, item 10), on real
 * loopback sockets: the terminal warns and marks it (syncAlarm wrong-key),
 * the backend warns of the failed authentication, naming the terminal and
 * the address, and shows a wrong-key alarm in `status` and `terminals`.
 */

/** Log lines, and a wait for the first that matches (bounded by the test's timeout). */
function watchedLog() {
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  const sink: LogSink = {
    write(line) {
      const l = JSON.parse(line) as Record<string, unknown>;
      lines.push(l);
      for (const w of waiters.filter((w) => w.pred(l))) w.resolve();
    },
  };
  const seen = (event: string) =>
    new Promise<void>((resolve) => {
      if (lines.some((l) => l.event === event)) return resolve();
      waiters.push({ pred: (l) => l.event === event, resolve });
    });
  return { lines, sink, seen };
}

test('a wrong key: a warning on both sides, a mark at the terminal, an alarm at the backend', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-wrong-key-'));
  const dbPath = join(dir, 'backend.db');
  const backendLog = watchedLog();
  const terminalLog = watchedLog();
  const server = await serveBackend({
    dbPath,
    port: 0,
    log: new JsonLogger(backendLog.sink, () => Date.now(), 'info'),
  });
  // Terminal 101 has been here before; now its key file holds another key.
  server.backend.journal.touch(101);
  const t = terminal(
    dir,
    webSocketDialer(server.url),
    new Uint8Array(32).fill(9),
    new JsonLogger(terminalLog.sink, () => Date.now(), 'info'),
  );
  try {
    const backendSaw = backendLog.seen('backend.auth-failed');
    const terminalSaw = terminalLog.seen('sync.auth-failed');
    t.client.start();
    await Promise.all([backendSaw, terminalSaw]);
    await backendLog.seen('backend.sync-alarm');

    const warned = backendLog.lines.find((l) => l.event === 'backend.auth-failed');
    assert.equal(warned?.level, 'warn');
    assert.equal(warned?.terminal, 101);
    assert.equal(warned?.peer, '127.0.0.1');
    assert.equal(terminalLog.lines.find((l) => l.event === 'sync.auth-failed')?.level, 'warn');
    assert.equal(t.client.syncAlarm?.reason, 'wrong-key');

    const out: string[] = [];
    assert.equal(await backendMain(['terminals', '--db', dbPath], (l) => out.push(l)), 0);
    assert.match(out[0], /^terminal 101: SYNC STOPPED \(wrong-key\): handshake refused: peer refused: auth-failed/);
    out.length = 0;
    assert.equal(await backendMain(['status', '--db', dbPath], (l) => out.push(l)), 0);
    assert.ok(out.includes('alerts: 1'), out.join('\n'));
  } finally {
    t.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
