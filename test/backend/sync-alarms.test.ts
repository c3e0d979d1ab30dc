import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOCK_FAR_MS } from '../../firmware/sync/clock-watch.ts';
import type { Status } from '../../protocol/index.ts';
import { judgeStatus } from '../../backend/sync-alarms.ts';

/** What one STATUS says about a terminal's sync (backend/sync-alarms.ts), case by case. */
const NOW = Date.UTC(2026, 10, 23, 3, 30);
const status = (over: Partial<Status> = {}): Status => ({
  type: 'status',
  terminalTimeMs: NOW,
  clock: 'synced',
  clockDriftMs: 0,
  journalLastSeq: 10,
  journalQueueDepth: 0,
  lists: [],
  configVersion: 0,
  locked: false,
  peripherals: [],
  ...over,
});
const raised = (m: Status, highWater = 10) => judgeStatus(m, highWater, NOW).raise.map((a) => a.kind);

test('a healthy STATUS raises nothing and clears every kind it can judge', () => {
  const v = judgeStatus(status(), 10, NOW);
  assert.deepEqual(v.raise, []);
  assert.deepEqual(v.clear.sort(), ['backend-ahead', 'clock-off', 'upload-stopped']);
});

test("a journal below the backend's mark is backend-ahead; at the mark it is not", () => {
  assert.deepEqual(raised(status({ journalLastSeq: 9 })), ['backend-ahead']);
  assert.deepEqual(raised(status({ journalLastSeq: 10 })), []);
});

test('a clock beyond CLOCK_FAR_MS either way is clock-off; at the bound it is not', () => {
  assert.deepEqual(raised(status({ terminalTimeMs: NOW + CLOCK_FAR_MS + 1 })), ['clock-off']);
  assert.deepEqual(raised(status({ terminalTimeMs: NOW - CLOCK_FAR_MS - 1 })), ['clock-off']);
  assert.deepEqual(raised(status({ terminalTimeMs: NOW - CLOCK_FAR_MS })), []);
});

test("the terminal's own alarm (STATUS tlv 6) is upload-stopped unless the backend sees that reason itself", () => {
  assert.deepEqual(raised(status({ alarm: 'upload stopped (malformed): batch after 4 refused twice' })), [
    'upload-stopped',
  ]);
  assert.deepEqual(raised(status({ alarm: 'upload stopped (conflict): record 3 differs' })), []);
  assert.deepEqual(raised(status({ alarm: 'upload stopped (backend-ahead): backend holds up to 8' })), []);
});
