import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../firmware/core/clock.ts';
import type { SyncClientDeps } from '../../../firmware/sync/client-options.ts';
import type { ClockWatch } from '../../../firmware/sync/clock-watch.ts';
import type { ListApplier } from '../../../firmware/sync/lists.ts';
import { statusReport, type StatusParts } from '../../../firmware/sync/status-report.ts';
import type { UploadAlarm } from '../../../firmware/sync/uploader.ts';
import {
  decodeMessage,
  encodeMessage,
  PERIPHERALS_MAX,
  STATUS_ALARM_BYTES_MAX,
  type PeripheralHealth,
} from '../../../protocol/index.ts';

const START_MS = Date.UTC(2026, 10, 23, 8);

/** Just what statusReport reads of the client's deps and parts; the rest of a SyncClient is not needed here. */
function report(over: { queueDepth?: number; alarm?: UploadAlarm | null; peripherals?: PeripheralHealth[] } = {}) {
  const clock = new ManualClock(START_MS);
  const d = {
    clock,
    journal: { lastSeq: () => 40 },
    state: { configVersion: () => 3, lock: () => ({ locked: false, text: '' }) },
    peripherals: () => over.peripherals ?? [],
  } as unknown as SyncClientDeps;
  const p: StatusParts = {
    clockWatch: { state: 'synced', clockDriftMs: 12 } as unknown as ClockWatch,
    lists: { held: (list: string) => (list === 'blacklist' ? 7 : 2) } as unknown as ListApplier,
    queueDepth: over.queueDepth ?? 5,
    startedMs: START_MS - 90_500,
    uploadAlarm: over.alarm ?? null,
  };
  return statusReport(d, p);
}

/** A STATUS goes on the wire only if its codec takes it: encode and decode it back. */
function roundTrip(m: ReturnType<typeof report>) {
  const { code, payload } = encodeMessage(m);
  const back = decodeMessage(code, payload);
  assert.ok(back.ok, back.ok ? '' : back.error);
  return back.message;
}

test('a STATUS reports the queue, lists, config and uptime the client holds', () => {
  const m = report();
  assert.equal(m.journalLastSeq, 40);
  assert.equal(m.journalQueueDepth, 5);
  assert.deepEqual(m.lists, [
    { list: 'blacklist', version: 7 },
    { list: 'credits', version: 2 },
  ]);
  assert.equal(m.configVersion, 3);
  assert.equal(m.uptimeS, 90);
  assert.equal(m.alarm, undefined);
  assert.equal(report({ queueDepth: -1 }).journalQueueDepth, 0, 'before the first ack the depth is unknown, not -1');
});

test('an upload alarm of any length is cut to what the codec carries, and the STATUS still encodes', () => {
  const detail = '账'.repeat(STATUS_ALARM_BYTES_MAX); // 3 bytes each in UTF-8: three times over the limit
  const m = report({ alarm: { reason: 'conflict', detail } });
  assert.ok(m.alarm?.startsWith('upload stopped (conflict): 账'));
  assert.ok(Buffer.byteLength(m.alarm ?? '') <= STATUS_ALARM_BYTES_MAX);
  assert.equal(roundTrip(m).type, 'status');
  const short = report({ alarm: { reason: 'malformed', detail: 'record 9' } });
  assert.equal(short.alarm, 'upload stopped (malformed): record 9', 'a short alarm goes as it is');
});

test('more peripherals than the codec carries are cut to its limit', () => {
  const many: PeripheralHealth[] = Array.from({ length: PERIPHERALS_MAX + 5 }, () => ({
    kind: 'reader',
    health: 'ok',
  }));
  const m = report({ peripherals: many });
  assert.equal(m.peripherals.length, PERIPHERALS_MAX);
  assert.equal(roundTrip(m).type, 'status');
});
