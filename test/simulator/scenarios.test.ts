import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../simulator/scenario/schema.ts';
import { runScenario } from '../../simulator/scenario/runner.ts';

// examples/terminal-*.json are terminal configs (`onecard run --config`), not scenarios.
const examples = readdirSync('examples').filter((f) => f.endsWith('.json') && !f.startsWith('terminal-'));

test('every example scenario passes, on the virtual reader and through the MFRC522 driver on the chip emulator', async () => {
  assert.ok(examples.length >= 5);
  for (const f of examples) {
    const sc = parseScenario(JSON.parse(readFileSync(join('examples', f), 'utf8')), f);
    for (const reader of ['virtual', 'mfrc522'] as const) {
      const r = await runScenario(sc, { reader });
      assert.deepEqual(r.failures, [], `${f} (${reader})`);
    }
  }
});

test('a wrong expectation fails the run with a readable message naming the step', async () => {
  const sc = parseScenario(JSON.parse(readFileSync('test/fixtures/wrong-expectation.json', 'utf8')), 'wrong');
  const r = await runScenario(sc);
  assert.equal(r.ok, false);
  assert.deepEqual(r.failures, [
    'step 3: card alice balance: expected 40.00, found 37.50',
    'step 4: terminal pos1 display: expected to contain "Paid 99.00", shows ["收款成功 12.50","Paid 12.50","扣款 12.50 余额 37.50","Paid 12.50 balance 37.50"]',
  ]);
});

test('onecard sim --scenario: exit 0 on pass, 1 on a failed expectation, 2 on a malformed file', () => {
  const ok = spawnSync('node', ['bin/onecard.js', 'sim', '--scenario', 'examples/torn-write.json'], {
    encoding: 'utf8',
  });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /scenario "torn write, tap again": passed/);
  const bad = spawnSync('node', ['bin/onecard.js', 'sim', '--scenario', 'test/fixtures/wrong-expectation.json'], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAILED\n {2}✗ step 3: card alice balance: expected 40\.00, found 37\.50/);
  const dir = mkdtempSync(join(tmpdir(), 'onecard-sc-'));
  writeFileSync(
    join(dir, 'broken.json'),
    JSON.stringify({
      name: 'x',
      start: '2026-11-23T11:30:00Z',
      terminals: [{ name: 'pos1', id: 1 }],
      steps: [{ tap: 'a', keys: '1' }],
    }),
  );
  const malformed = spawnSync('node', ['bin/onecard.js', 'sim', '--scenario', join(dir, 'broken.json')], {
    encoding: 'utf8',
  });
  assert.equal(malformed.status, 2);
  assert.match(malformed.stderr, /invalid scenario at "steps\[0\]": each step does exactly one of/);
});

test('onecard sim without a terminal on stdin runs the built-in demo and exits 0', () => {
  const out = execFileSync('node', ['bin/onecard.js', 'sim'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(out, /built-in demo/);
  assert.match(out, /Please tap again/);
  assert.match(out, /money reconciles: \d+ landed writes/);
});
