import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * deploy/check-under-systemd.sh boots a container (root, ~80 s), so `npm test` never runs it; this keeps
 * its command line honest: it parses, `--help` says what it checks and exits 0, a wrong option exits 2
 * naming it, before anything needs root.
 */
const SCRIPT = fileURLToPath(new URL('../../deploy/check-under-systemd.sh', import.meta.url));
const run = (...args: string[]) => spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8' });

test('check-under-systemd.sh parses as bash', () => {
  const r = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('check-under-systemd.sh --help: what it checks, exit 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^usage: deploy\/check-under-systemd\.sh/);
  assert.match(r.stdout, /--cgroup MODE/);
});

test('check-under-systemd.sh refuses an unknown option or a bad value with exit 2, naming it', () => {
  const unknown = run('--bogus');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option: --bogus/);
  const badCgroup = run('--cgroup', 'v3');
  assert.equal(badCgroup.status, 2);
  assert.match(badCgroup.stderr, /--cgroup takes legacy or unified/);
});
