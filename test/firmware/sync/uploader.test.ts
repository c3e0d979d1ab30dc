import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalRecord } from '../../../firmware/store/journal/journal.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { UPLOADER_DEFAULTS, Uploader, type UploadJournal } from '../../../firmware/sync/uploader.ts';
import { CHAIN_ZERO, type JournalBatch, type SendResult } from '../../../protocol/index.ts';

/** How the uploader reads the session's SendResult codes (protocol/session-table.ts): halve on too-large, alarm when nothing can go. */
const T = 1_795_000_000_000;

/** A journal of made-up kinds, as the journal's own tests use. */
type AnyBodies = Record<string, Record<string, unknown>>;

function journalOf(n: number): UploadJournal {
  const records = Array.from({ length: n }, (_, i): JournalRecord => {
    return { seq: i + 1, kind: 'door.open', atMs: T + i, card: null, ref: null, body: { door: 1 }, acked: false };
  });
  const after = (seq: number, limit: number) => records.filter((r) => r.seq > seq).slice(0, limit);
  return { after, lastSeq: () => n, ack: () => 0, flush: () => true };
}

function uploader(n: number, send: (m: JournalBatch) => SendResult, journal = journalOf(n)) {
  const sizes: number[] = [];
  const counted = (m: JournalBatch) => {
    sizes.push(m.records.length);
    return send(m);
  };
  const opts = { ...UPLOADER_DEFAULTS, terminalId: 101, utcOffsetMinutes: 480, batchRecordsMax: 16 };
  const u = new Uploader(journal, counted, () => {}, new ManualClock(T), silentLogger, opts);
  u.onAck({ type: 'journalAck', ackUpto: 0, chainHead: CHAIN_ZERO, status: 'ok' });
  return { u, sizes };
}

test('too-large halves the batch until it fits', () => {
  const { u, sizes } = uploader(16, (m) =>
    m.records.length > 4
      ? { ok: false, error: 'too-large', detail: "payload exceeds the peer's limit" }
      : { ok: true, seq: 1 },
  );
  u.step();
  assert.deepEqual(sizes, [16, 8, 4]);
  assert.equal(u.alarm, null);
});

test('a single record too large, or one the wire cannot encode, stops upload with an alarm; not-open only waits', () => {
  const tooLarge = uploader(3, () => ({
    ok: false,
    error: 'too-large',
    detail: "door.open payload of 40000 bytes exceeds the peer's 32768",
  }));
  for (let i = 0; i < 3; i++) tooLarge.u.step();
  assert.deepEqual(tooLarge.u.alarm, {
    reason: 'unencodable',
    detail: "door.open payload of 40000 bytes exceeds the peer's 32768",
  });
  const encode = uploader(3, () => ({ ok: false, error: 'encode', detail: 'journalBatch: record 1 atMs -1' }));
  encode.u.step();
  assert.deepEqual(encode.u.alarm, { reason: 'unencodable', detail: 'journalBatch: record 1 atMs -1' });
  const closed = uploader(3, () => ({ ok: false, error: 'not-open', detail: 'session not open' }));
  closed.u.step();
  assert.equal(closed.u.alarm, null);
  assert.deepEqual(closed.sizes, [3]);
});

test("a record leaves only once fsync'd: the upload flushes what waits, and sends nothing new if it cannot", () => {
  const dir = mkdtempSync(join(tmpdir(), 'uploader-'));
  const clock = new ManualClock(T);
  const scheduler = new VirtualScheduler(clock);
  const journal = Journal.open<AnyBodies>({ path: join(dir, 'journal.db'), clock, log: silentLogger, scheduler });
  try {
    journal.append('door.open', { door: 1 });
    journal.appendDeferred('door.open', { door: 2 });
    assert.equal(journal.fsyncs().waiting, 1);
    const waitingAtSend: number[] = [];
    const send = (): SendResult => {
      waitingAtSend.push(journal.fsyncs().waiting);
      return { ok: true, seq: 1 };
    };
    const { u, sizes } = uploader(0, send, journal);
    u.step();
    assert.deepEqual(sizes, [2]);
    assert.deepEqual(waitingAtSend, [0], 'both records durable before the batch left');
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const failing = uploader(3, () => ({ ok: true, seq: 1 }), { ...journalOf(3), flush: () => false });
  failing.u.step();
  assert.deepEqual(failing.sizes, [], 'an fsync that failed keeps the records home');
});

test('a gap ack below what was acknowledged (backend restored from a backup) sends the terminal back to H + 1; an older ok ack does not', () => {
  const bases: number[] = [];
  const send = (m: JournalBatch): SendResult => {
    bases.push(m.records[0]?.seq ?? 0);
    return { ok: true, seq: 1 };
  };
  const opts = {
    ...UPLOADER_DEFAULTS,
    terminalId: 101,
    utcOffsetMinutes: 480,
    batchRecordsMax: 4,
    inflightBatchesMax: 1,
  };
  const u = new Uploader(journalOf(10), send, () => {}, new ManualClock(T), silentLogger, opts);
  u.onAck({ type: 'journalAck', ackUpto: 8, chainHead: CHAIN_ZERO, status: 'ok' });
  u.step();
  assert.deepEqual(bases, [9]);
  u.onAck({ type: 'journalAck', ackUpto: 3, chainHead: CHAIN_ZERO, status: 'ok' });
  assert.equal(u.highWater, 8, 'an ok ack below is an old one overtaken');
  u.onAck({ type: 'journalAck', ackUpto: 3, chainHead: CHAIN_ZERO, status: 'gap' });
  assert.equal(u.highWater, 3);
  u.step();
  assert.deepEqual(bases, [9, 4], "resent from the backend's H + 1, records it believed acknowledged included");
  assert.equal(u.alarm, null);
});
