import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService } from './run-cli.ts';

/**
 * What systemd hears from `onecard run`: READY=1 once the terminal is ready, then WATCHDOG=1
 * keep-alives at half of WatchdogSec. Node has no unix datagram sockets, so a small python3
 * listener stands in for systemd's notify socket (the service itself sends through
 * `systemd-notify`, as it does under a real systemd). Skipped where either tool is missing.
 *
 * The sender must also wait until its message was read (it sends BARRIER=1 after it): one that exits
 * first races systemd, which then cannot place it in the unit and drops the message ("Cannot find
 * unit for notify message"). Under systemd 252 that lost 1-21 % of the keep-alives sent with
 * `systemd-notify --no-block`, none waiting (docs/install.md, §4).
 */
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-sim.json', import.meta.url));
const LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", " "), flush=True)
`;
/**
 * A bound on the wait, by count: this many keep-alives and still no barriers means the senders do not wait.
 * Generous, since senders overlap on a loaded machine (one is spawned every 200 ms here) and a sender's
 * barrier may come several keep-alives after its own message; failed once at 6 under a full suite's load.
 */
const KEEP_ALIVES_ENOUGH = 30;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = ['python3', 'systemd-notify'].filter((c) => !has(c));

test('onecard run tells systemd READY=1, then sends WATCHDOG=1 keep-alives from its event loop', {
  skip: missing.length > 0 ? `not installed: ${missing.join(', ')}` : false,
  timeout: 180_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-notify-'));
  const socketPath = join(dir, 'notify.sock');
  const listener = spawn('python3', ['-c', LISTENER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    listener.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const heard: string[] = [];
  const waiters: { want: (h: string[]) => boolean; resolve: () => void }[] = [];
  let partial = ''; // a chunk of the pipe may end inside a line
  listener.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    heard.push(...lines.filter(Boolean));
    for (const w of waiters) if (w.want(heard)) w.resolve();
  });
  const until = (want: (h: string[]) => boolean) =>
    new Promise<void>((resolve) => (want(heard) ? resolve() : waiters.push({ want, resolve })));
  await until((h) => h.includes('bound'));

  const config = join(dir, 'terminal.json');
  copyFileSync(EXAMPLE, config);
  // 400 ms WatchdogSec: keep-alives every 200 ms, so the test waits for two of them, not for a clock.
  const env = { ...process.env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '400000' };
  const service = startService(config, env);
  t.after(() => service.child.kill('SIGKILL'));
  await service.logged('terminal.ready');
  const count = (h: string[], message: string) => h.filter((l) => l.includes(message)).length;
  await until((h) => {
    const keepAlives = count(h, 'WATCHDOG=1');
    return (keepAlives >= 2 && count(h, 'BARRIER=1') >= 3) || keepAlives >= KEEP_ALIVES_ENOUGH;
  });
  // READY=1 and the first two keep-alives, each followed by its sender's barrier.
  assert.ok(count(heard, 'BARRIER=1') >= 3, `each sender waited until its message was read: ${heard.join(' | ')}`);
  const ready = heard.findIndex((l) => l.includes('READY=1'));
  assert.ok(ready >= 0, `READY=1 was sent: ${heard.join(' | ')}`);
  assert.ok(ready < heard.findIndex((l) => l.includes('WATCHDOG=1')), 'READY=1 comes before the first keep-alive');
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0);
});
