import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../base/log.ts';
import { openLog } from '../../base/cli-log.ts';

const clock = () => 1_700_000_000_000;

/** --log-file gets the lines at the chosen level (0600); an interactive prompt gets none unless asked. */
test('--log-file: JSON lines at --log-level and up, in a 0600 file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-log-'));
  try {
    const file = join(dir, 'sim.log');
    const opened = openLog({ 'log-file': file, 'log-level': 'warn' }, clock);
    assert.ok(!('error' in opened));
    opened.log.info('not.shown');
    opened.log.warn('shown', { card: 1001 });
    opened.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    assert.deepEqual(
      lines.map((l) => l.event),
      ['shown'],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const bad = openLog({ 'log-file': join(dir, 'no', 'such', 'dir.log') }, clock);
    assert.ok('error' in bad && /--log-file .*dir\.log: cannot open \(ENOENT\)/.test(bad.error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interactive prompt gets no log lines unless a level or file is asked for; off is off', () => {
  const quiet = openLog({}, clock, false);
  assert.ok(!('error' in quiet) && quiet.log === silentLogger);
  const off = openLog({ 'log-level': 'off' }, clock);
  assert.ok(!('error' in off) && off.log === silentLogger);
  const asked = openLog({ 'log-level': 'debug' }, clock, false);
  assert.ok(!('error' in asked) && asked.log !== silentLogger);
});
