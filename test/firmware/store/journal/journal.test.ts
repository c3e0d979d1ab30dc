import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../firmware/core/clock.ts';
import { JsonLogger, MemorySink, silentLogger } from '../../../../firmware/core/log.ts';
import { crc32, crc32Text } from '../../../../firmware/store/journal/crc32.ts';
import { JOURNAL_BODY_MAX_BYTES } from '../../../../firmware/store/journal/journal-body.ts';
import { recordCrc } from '../../../../firmware/store/journal/journal-codec.ts';
import { Journal, PRUNE_BATCH_MAX } from '../../../../firmware/store/journal/journal.ts';

/** The store itself, with made-up kinds: any kind, any JSON object body. */
type AnyBodies = Record<string, Record<string, unknown>>;

const root = mkdtempSync(join(tmpdir(), 'onecard-journal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const START_MS = Date.UTC(2026, 10, 23, 8);

function fresh(): { path: string; clock: ManualClock; open: () => Journal<AnyBodies> } {
  const path = join(root, `j${dirCount++}.db`);
  const clock = new ManualClock(START_MS);
  return { path, clock, open: () => Journal.open<AnyBodies>({ path, clock, log: silentLogger }) };
}

const day = (amountCents: number) => [{ scope: 'day', key: '2026-11-23', count: 1, amountCents }];

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('6789'), crc32(Buffer.from('12345'))), 0xcbf43926);
  // Text is taken as its UTF-8 bytes, the same checksum as over the encoded bytes.
  assert.equal(crc32Text('6789', crc32Text('12345')), 0xcbf43926);
  assert.equal(crc32Text('食堂 ¥12'), crc32(Buffer.from('食堂 ¥12', 'utf8')));
});

test('append returns what get reads back; seq strictly increases across reopen', () => {
  const f = fresh();
  let j = f.open();
  const a = j.append('sale', { amountCents: 350, items: [{ code: 12, qty: 2 }] }, { card: 1001 });
  f.clock.advance(1500);
  const b = j.append('topup', { amountCents: 5000 }, { card: 1001 });
  assert.deepEqual([a.seq, b.seq], [1, 2]);
  assert.deepEqual(j.get(1), {
    seq: 1,
    kind: 'sale',
    atMs: START_MS,
    card: 1001,
    ref: null,
    body: { amountCents: 350, items: [{ code: 12, qty: 2 }] },
    acked: false,
  });
  assert.equal(j.get(2)?.atMs, START_MS + 1500);
  j.close();
  j = f.open();
  assert.equal(j.lastSeq(), 2);
  assert.equal(j.append('sale', { amountCents: 1 }).seq, 3);
  assert.deepEqual(
    j.after(0, 10).map((r) => r.seq),
    [1, 2, 3],
  );
  assert.deepEqual(
    j.after(1, 1).map((r) => r.seq),
    [2],
  );
  j.close();
});

test('totals move in the same transaction as the record, or not at all', () => {
  const f = fresh();
  const j = f.open();
  j.append(
    'sale',
    { amountCents: 350 },
    { totals: [...day(350), { scope: 'shift', key: 'S1', count: 1, amountCents: 350 }] },
  );
  j.append('sale', { amountCents: 150 }, { totals: day(150) });
  assert.deepEqual(j.totals('day', '2026-11-23'), { count: 2, amountCents: 500 });
  assert.deepEqual(j.totals('shift', 'S1'), { count: 1, amountCents: 350 });
  assert.deepEqual(j.totals('day', '2026-11-24'), { count: 0, amountCents: 0 });
  // A ref to a seq that does not exist yet fails inside the transaction: no row, no totals.
  assert.throws(
    () => j.append('sale.undo', { amountCents: -350 }, { ref: 99, totals: day(-350) }),
    /ref 99 is not an earlier journal seq/,
  );
  assert.deepEqual(j.totals('day', '2026-11-23'), { count: 2, amountCents: 500 });
  assert.equal(j.lastSeq(), 2);
  assert.equal(j.stats().records, 2);
  j.append(
    'sale.undo',
    { amountCents: -350 },
    { ref: 1, totals: [{ scope: 'day', key: '2026-11-23', count: -1, amountCents: -350 }] },
  );
  assert.deepEqual(j.totals('day', '2026-11-23'), { count: 1, amountCents: 150 });
  j.close();
});

test('referencing() and open() follow refs', () => {
  const f = fresh();
  const j = f.open();
  const i1 = j.append('intent', { amountCents: 100 }, { card: 7 });
  const i2 = j.append('intent', { amountCents: 200 }, { card: 7 });
  const i3 = j.append('intent', { amountCents: 300 }, { card: 8 });
  j.append('commit', {}, { card: 7, ref: i1.seq });
  j.append('note', {}, { ref: i2.seq }); // references, but is not a closing kind
  j.append('abort', {}, { card: 8, ref: i3.seq });
  j.append('note', {}, { ref: i1.seq });
  assert.deepEqual(
    j.referencing(i1.seq).map((r) => r.kind),
    ['commit', 'note'],
  );
  assert.deepEqual(
    j.open('intent', ['commit', 'abort']).map((r) => r.seq),
    [i2.seq],
  );
  assert.deepEqual(
    j.open('intent', ['commit']).map((r) => r.seq),
    [i2.seq, i3.seq],
  );
  assert.deepEqual(
    j.open('intent', []).map((r) => r.seq),
    [1, 2, 3],
  );
  assert.deepEqual(
    j.byCard(7, 10).map((r) => r.seq),
    [4, 2, 1],
  ); // newest first
  assert.deepEqual(
    j.byCard(7, 2).map((r) => r.seq),
    [4, 2],
  );
  j.close();
});

test('ack/unacked/prune: only acknowledged records leave, seq is never reused', () => {
  const f = fresh();
  let j = f.open();
  for (let i = 1; i <= 10; i++) j.append('sale', { amountCents: i });
  assert.deepEqual(
    j.unacked(3).map((r) => r.seq),
    [1, 2, 3],
  );
  assert.equal(j.pruneAcked(0), 0, 'nothing acknowledged, nothing pruned');
  assert.equal(j.ack(6), 6);
  assert.equal(j.ack(6), 0, 'a repeated ack changes nothing');
  assert.equal(j.ack(4), 0, 'an older ack changes nothing');
  assert.throws(() => j.ack(11), /cannot acknowledge up to seq 11: last written is 10/);
  assert.deepEqual(
    j.unacked(100).map((r) => r.seq),
    [7, 8, 9, 10],
  );
  assert.equal(j.get(6)?.acked, true);
  assert.equal(j.get(7)?.acked, false);
  assert.equal(j.pruneAcked(2), 4); // keeps acked 5 and 6
  assert.deepEqual(
    j.after(0, 100).map((r) => r.seq),
    [5, 6, 7, 8, 9, 10],
  );
  assert.equal(j.pruneAcked(0), 2);
  assert.equal(j.pruneAcked(0), 0, 'unacked records are never pruned');
  assert.deepEqual(j.stats(), { records: 4, unacked: 4, corrupt: 0 });
  j.ack(10);
  assert.equal(j.pruneAcked(0), 4);
  assert.deepEqual(j.stats(), { records: 0, unacked: 0, corrupt: 0 });
  j.close();
  j = f.open();
  assert.equal(j.lastSeq(), 10);
  assert.equal(
    j.append('sale', { amountCents: 1 }).seq,
    11,
    'an empty journal still continues after the highest seq ever assigned',
  );
  j.close();
});

test('pruneAcked deletes at most PRUNE_BATCH_MAX per call', () => {
  const f = fresh();
  f.open().close();
  // Fast setup (one transaction, valid CRCs): this test is about the batch bound, not append.
  const n = PRUNE_BATCH_MAX + 10;
  const db = new Database(f.path);
  const insert = db.prepare('INSERT INTO journal (seq, kind, at_ms, body, crc) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let seq = 1; seq <= n; seq++)
      insert.run(seq, 'sale', START_MS, '{}', recordCrc(seq, 'sale', START_MS, null, null, '{}'));
    db.prepare('UPDATE journal_meta SET last_seq = ?').run(n);
  })();
  db.close();
  const j = f.open();
  assert.equal(j.stats().corrupt, 0);
  j.ack(j.lastSeq());
  assert.equal(j.pruneAcked(0), PRUNE_BATCH_MAX);
  assert.equal(j.pruneAcked(0), 10);
  j.close();
});

test('a body whose CRC fails is detected on reopen, logged by seq, and kept as is', () => {
  const f = fresh();
  let j = f.open();
  for (let i = 1; i <= 5; i++) j.append('sale', { amountCents: 100 * i });
  j.close();
  const db = new Database(f.path);
  db.prepare(`UPDATE journal SET body = '{"amountCents":9900}' WHERE seq = 3`).run(); // bit rot: crc not updated
  db.close();
  const sink = new MemorySink();
  j = Journal.open<AnyBodies>({ path: f.path, clock: f.clock, log: new JsonLogger(sink, () => 0) });
  assert.equal(j.stats().corrupt, 1);
  assert.equal(j.stats().records, 5);
  const logged = sink.lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'journal.corrupt');
  assert.deepEqual(
    logged.map((l) => [l.level, l.seq, l.body]),
    [['error', 3, undefined]],
  );
  const rec = j.get(3);
  assert.equal(rec?.corrupt, true);
  assert.deepEqual(rec?.body, { amountCents: 9900 });
  assert.equal(j.get(2)?.corrupt, undefined);
  assert.equal(j.stats().corrupt, 1, 'reading it again does not count it twice');
  assert.equal(j.append('sale', { amountCents: 1 }).seq, 6, 'the journal keeps working');
  j.close();
});

test('bad bodies and arguments are refused with clear errors and nothing is written', () => {
  const f = fresh();
  const j = f.open();
  j.append('sale', { amountCents: 100 }, { totals: day(100) });
  const refused: [() => unknown, RegExp][] = [
    [
      () => j.append('sale', { amountCents: 12.5 }, { totals: day(12) }),
      /at amountCents: money must be an integer number of cents, got 12\.5/,
    ],
    [() => j.append('sale', { items: [{ priceCents: 0.1 }] }), /at items\[0\]\.priceCents: money must be an integer/],
    [() => j.append('sale', { feeCents: '12' }), /at feeCents: money must be an integer number of cents, got a string/],
    [() => j.append('sale', { ratio: NaN }), /NaN is not representable in JSON/],
    [() => j.append('sale', { when: new Date(0) }), /at when: a Date is not plain JSON/],
    [() => j.append('sale', { x: undefined }), /at x: undefined is not plain JSON/],
    [() => j.append('sale', { big: 1n }), /bigint is not plain JSON/],
    // @ts-expect-error: the run-time check behind the type, for a caller that got around it.
    [() => j.append('sale', 'text'), /body must be a plain object/],
    [() => j.append('sale', { note: 'x'.repeat(JOURNAL_BODY_MAX_BYTES) }), /more than the 4096 allowed/],
    [() => j.append('Sale|x', {}), /journal kind must match/],
    [() => j.append('sale', {}, { card: -1 }), /card number must be an integer/],
    [() => j.append('sale', {}, { card: 2 ** 32 }), /card number must be an integer/],
    [
      () => j.append('sale', {}, { totals: [{ scope: 'day', key: 'd', count: 1, amountCents: 0.5 }] }),
      /amountCents must be an integer/,
    ],
  ];
  for (const [fn, message] of refused) assert.throws(fn, message);
  assert.equal(j.lastSeq(), 1);
  assert.deepEqual(j.stats(), { records: 1, unacked: 1, corrupt: 0 });
  assert.deepEqual(j.totals('day', '2026-11-23'), { count: 1, amountCents: 100 });
  assert.throws(() => j.after(0, 0), /limit must be an integer in 1\.\.1000/);
  j.close();
});

test('a file that is not a journal is refused', () => {
  const path = join(root, 'other.db');
  const db = new Database(path);
  db.exec('CREATE TABLE t (x)');
  db.close();
  assert.throws(
    () => Journal.open<AnyBodies>({ path, clock: new ManualClock(0), log: silentLogger }),
    /not a journal file/,
  );
});
