import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events, runCli, startService } from './run-cli.ts';

/**
 * A kiosk as systemd runs it: `onecard run --config` on a kiosk config of
 * twins (validator emulator, printer twin) and the web screen on a free
 * loopback port; `onecard status` reports the acceptor and the printer.
 */
/** A guard, not a timing assertion: a service that ignores SIGTERM fails the test instead of hanging the suite. */
const SERVICE = { timeout: 180_000 };
const EXAMPLE = new URL('../../examples/terminal-kiosk-sim.json', import.meta.url);

test('onecard run opens a kiosk: its screen page served, status with acceptor and printer', SERVICE, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-run-kiosk-'));
  try {
    const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { peripherals: Record<string, unknown> };
    raw.peripherals.kioskScreen = { kind: 'web', port: 0 };
    const config = join(dir, 'kiosk.json');
    writeFileSync(config, JSON.stringify(raw));
    const service = startService(config);
    t.after(() => service.child.kill('SIGKILL')); // only if a failure left it running
    await service.logged('terminal.ready');
    // The run's own loop polls the validator: it powers up and reads its bill table with no one asking.
    await new Promise<void>((resolve) => {
      const seen = () => /"event":"ccnet\.state".*"to":"disabled"/.test(service.output().stdout);
      if (seen()) return resolve();
      service.child.stdout.on('data', () => seen() && resolve());
    });

    const listening = events(service.output().stdout).find((e) => e.event === 'kiosk-screen.listening');
    const page = await fetch(String(listening?.url));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);

    const status = await runCli(['status', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { role: string; peripherals: { kind: string; health: string }[] };
    assert.equal(s.role, 'kiosk');
    assert.deepEqual(s.peripherals, [
      { kind: 'reader', health: 'ok' },
      { kind: 'bill-acceptor', health: 'ok' },
      { kind: 'printer', health: 'ok' },
    ]);

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output().stderr);
    const stopped = events(service.output().stdout).find((e) => e.event === 'terminal.stopped');
    assert.equal(stopped?.journal, 'closed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
