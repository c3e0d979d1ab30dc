import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAttendance } from '../../bench/attendance.ts';
import { benchDoor } from '../../bench/door.ts';

/**
 * `npm run bench`'s door and punch-store figures, on small lists: the same
 * code the bench runs produces every figure it prints beside its baseline
 * (no timing is asserted here; the bench's own run measures).
 */
const figure = (n: number) => Number.isFinite(n) && n > 0;

test('the door bench taps to a released relay and gives p50/p99 beside the in-heap baseline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-door-'));
  try {
    const r = await benchDoor({ dir, taps: 50, blacklisted: 1_000, grants: 100 });
    for (const [name, n] of Object.entries(r)) assert.ok(figure(n), `${name} = ${n}`);
    assert.ok(r.relayP50Ms <= r.relayP99Ms && r.heapRelayP50Ms <= r.heapRelayP99Ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the punch-store bench gives size, restart, append rate beside raw fsync, and the lookup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-punch-'));
  try {
    const r = await benchAttendance({ dir, punches: 2_000, appends: 40 });
    for (const [name, n] of Object.entries(r)) assert.ok(figure(n), `${name} = ${n}`);
    assert.equal(r.punches, 2_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
