import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchKiosk } from '../../bench/kiosk.ts';

test('the kiosk bench times every bill it credits (a short run: its figures are for npm run bench)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-bench-'));
  try {
    const r = await benchKiosk({ dir, bills: 5 });
    assert.equal(r.bills, 5);
    for (const v of [r.creditP50Ms, r.creditP99Ms, r.rawFsyncP50Ms, r.rawFsyncP99Ms]) assert.ok(v > 0);
    assert.ok(r.creditP50Ms <= r.creditP99Ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
