import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../app/config/config-file.ts';
import { CONFIG_EXAMPLES } from '../../app/config/examples.ts';

/**
 * deploy/onecard.service as systemd itself reads it: `systemd-analyze verify`
 * parses every directive and checks ExecStart's program; it prints a warning
 * (and still exits 0) for a directive or value it cannot take, so its output
 * must be empty. It needs no running systemd (PID 1 here is not systemd).
 * What it cannot show: that sd_notify READY and the watchdog keep-alives work
 * under a real systemd (docs/install.md says so).
 */
const UNIT = new URL('../../deploy/onecard.service', import.meta.url);
const NODE_IN_UNIT = '/usr/bin/node';

const found = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const skip = found.error ? `systemd-analyze is not installed here (${found.error.message})` : false;

test('systemd-analyze verify takes deploy/onecard.service without a word', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-unit-'));
  try {
    let text = readFileSync(UNIT, 'utf8');
    // verify checks that ExecStart's program exists: where node lives elsewhere, point it at this one.
    if (!existsSync(NODE_IN_UNIT)) text = text.replace(`ExecStart=${NODE_IN_UNIT} `, `ExecStart=${process.execPath} `);
    const unit = join(dir, 'onecard.service');
    writeFileSync(unit, text);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', unit], {
      encoding: 'utf8',
      env: { ...process.env, SYSTEMD_LOG_COLOR: '0' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'every line systemd-analyze prints is a problem');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the unit says what docs/install.md promises: notify, a watchdog, restart on failure but not on exit 2', () => {
  const lines = readFileSync(UNIT, 'utf8').split('\n');
  for (const directive of [
    'Type=notify',
    'NotifyAccess=all',
    'WatchdogSec=30',
    'Restart=on-failure',
    'RestartPreventExitStatus=2',
    'After=time-sync.target network-online.target',
    'UMask=0077',
  ])
    assert.ok(lines.includes(directive), directive);
});

test('every printed config example keeps its data where ProtectSystem=strict lets the service write', () => {
  // Seen under systemd 252 (deploy/check-under-systemd.sh): everything but these is read-only to the service,
  // so a data dir elsewhere (beside the config in /etc/onecard, say) cannot be opened: the service fails to start.
  const lines = readFileSync(UNIT, 'utf8').split('\n');
  const unitValue = (key: string) => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  assert.equal(unitValue('ProtectSystem'), 'strict');
  const writable = [
    ...new Set([`/var/lib/${unitValue('StateDirectory')}`, ...(unitValue('ReadWritePaths') ?? '').split(' ')]),
  ];
  for (const [role, text] of Object.entries(CONFIG_EXAMPLES)) {
    const read = parseConfigText(text, `example ${role}`);
    assert.ok(read.ok, `the ${role} example parses`);
    const dataDir = read.config.storage.dataDir;
    assert.ok(
      writable.some((dir) => dataDir === dir || dataDir.startsWith(`${dir}/`)),
      `${role}: storage.dataDir ${dataDir} is under one of ${writable.join(', ')}`,
    );
  }
});
