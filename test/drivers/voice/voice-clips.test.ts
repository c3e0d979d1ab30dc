import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const SCRIPT = new URL('../../../scripts/voice-clips.ts', import.meta.url).pathname;
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { encoding: 'utf8' });
const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;

test('voice-clips: --help exits 0, a bad option exits 2 naming it, --dry-run lists the reasons too', () => {
  assert.equal(run('--help').status, 0);
  const bad = run('--out');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown or incomplete option --out/);
  const list = run('--out', mkdtempSync(join(tmpdir(), 'clips-')), '--dry-run');
  assert.equal(list.status, 0);
  assert.match(list.stdout, /^zh\/reason-blacklisted\.wav\t/m);
  assert.match(list.stdout, /^en\/pause\.wav\t\(silence\)$/m);
});

test('voice-clips records every clip with espeak-ng', { skip: !hasEspeak && 'espeak-ng is not installed' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'clips-'));
  assert.equal(run('--out', out).status, 0);
  assert.ok(readdirSync(join(out, 'zh')).includes('十.wav'));
});
