import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realisticSales } from '../../bench/protocol-sales.ts';
import { uploadBytes } from '../../bench/protocol-size.ts';
import {
  batchItems,
  buildJournalBatch,
  canonicalRecord,
  chainOver,
  CHAIN_ZERO,
  decodeMessage,
  EncodeError,
  encodeMessage,
  type JournalBatch,
  type WireRecord,
} from '../../protocol/index.ts';
import { Prng } from './helpers.ts';

/** Journal records on the wire: lossless whatever the body, compact when it can be, batch-independent chain. */

const OPTS = { terminalId: 1042, utcOffsetMinutes: 480, chainPrev: CHAIN_ZERO, maxPayloadBytes: 32768 };

function roundTrip(records: WireRecord[], maxPayloadBytes = 32768): WireRecord[] {
  const out: WireRecord[] = [];
  let chain = CHAIN_ZERO;
  for (let i = 0; i < records.length; ) {
    const batch = buildJournalBatch(records.slice(i), { ...OPTS, chainPrev: chain, maxPayloadBytes });
    const { code, payload } = encodeMessage(batch);
    assert.ok(payload.length <= maxPayloadBytes, `payload ${payload.length} > ${maxPayloadBytes}`);
    const d = decodeMessage(code, payload);
    assert.ok(d.ok, d.ok ? '' : d.error);
    const got = d.message as JournalBatch;
    assert.deepStrictEqual(got.chainLast, chainOver(chain, got.records, 1042));
    out.push(...got.records);
    chain = got.chainLast;
    i += batch.records.length;
  }
  return out;
}

test('realistic sales come back exactly as journaled, in batches of any size', () => {
  const records = realisticSales({ sales: 2000, seed: 3 });
  assert.deepStrictEqual(roundTrip(records), records);
  assert.deepStrictEqual(roundTrip(records.slice(0, 301), 700), records.slice(0, 301));
});

test('a committed sale costs at most 32 bytes on the wire, all overheads included', () => {
  const sales = 5000;
  const { bytes } = uploadBytes(realisticSales({ sales, seed: 5 }));
  assert.ok(bytes / sales <= 32, `${(bytes / sales).toFixed(2)} bytes per sale`);
  // Nearly all sales fold into one compact item (no JSON): the generic fallback is for odd records.
  const batch = buildJournalBatch(realisticSales({ sales: 500, seed: 6 }), OPTS);
  const items = batchItems(batch);
  assert.ok(
    items.every((it) => it.records === 2 || it.records === 0),
    'every sale folded with its commit',
  );
  const sizes = items
    .filter((it) => it.records === 2)
    .map((it) => it.bytes.length)
    .sort((a, b) => a - b);
  assert.ok(sizes[sizes.length >> 1] <= 30, `median item ${sizes[sizes.length >> 1]} bytes`);
  assert.ok((sizes.at(-1) as number) <= 48, 'even a sale with three menu lines and every optional field stays small');
});

/** Mutates one field of a realistic record in a way the compact item cannot carry, or into something odd. */
function oddities(base: WireRecord): WireRecord[] {
  const b = base.body as Record<string, unknown>;
  const next = b.next as Record<string, unknown>;
  const withBody = (body: Record<string, unknown>): WireRecord => ({ ...base, body });
  return [
    withBody({ ...b, counterAfter: (b.counterBefore as number) + 2 }),
    withBody({ ...b, fromBalance: 1 }),
    withBody({ ...b, chargedAmount: 12.5 }),
    withBody({ ...b, chargedAmount: -300 }),
    withBody({ ...b, uid: 'A1B2C3D4' }),
    withBody({ ...b, uid: 'abc' }),
    withBody({ ...b, extra: { note: 'a field from a newer firmware' } }),
    withBody({ ...b, next: { ...next, writerTerminalId: 7 } }),
    withBody({ ...b, next: { ...next, day: 1 } }),
    withBody({ ...b, otherSlot: null }),
    withBody({ ...b, otherSlot: { counter: 5, writer: 3 } }),
    withBody({ ...b, otherSlot: { counter: 'x', writer: 3 } }),
    withBody({ ...b, shift: 'other-shift', operator: 77 }),
    withBody({ ...b, shift: 'x'.repeat(300), operator: 77 }),
    withBody({ ...b, operator: undefined, shift: undefined }),
    withBody({ ...b, items: [{ code: 1, qty: -1 }] }),
    withBody({ ...b, tx: 'refund' }),
    withBody({ ...b, discountAmount: 2 ** 53 - 1 }),
    { ...base, card: 1 },
    { ...base, ref: 1 },
    { ...base, body: null },
    { ...base, body: [1, 'two', { three: 3 }] },
    { ...base, kind: 'door.open', body: { door: 2 } },
  ];
}

test('records the compact items cannot carry travel as generic JSON, still exactly', () => {
  const sales = realisticSales({ sales: 30, seed: 8 });
  const rng = new Prng(2);
  for (const odd of oddities(sales[2])) {
    const records = sales.map((r) => ({ ...r }));
    records[2] = { ...odd, seq: 3 };
    if (rng.int(2)) records.splice(3, 1, { ...records[3], body: { intentSeq: 3, late: true } });
    const back = roundTrip(records);
    assert.equal(back.length, records.length);
    // JSON has no undefined: a key holding undefined arrives absent.
    assert.deepStrictEqual(back, JSON.parse(JSON.stringify(records)));
  }
});

test('every record kind of the terminal, alone or split across batches at every point', () => {
  const records = realisticSales({ sales: 6, seed: 9 });
  const t = records[0].atMs;
  let seq = records.length;
  const more: WireRecord[] = [
    {
      seq: ++seq,
      kind: 'operator.signin',
      atMs: t + 1,
      card: 900002,
      ref: null,
      body: { cardNumber: 900002, name: '#900002', shift: `1042-${seq}`, signInSeq: seq, atMs: t + 1 },
    },
    {
      seq: ++seq,
      kind: 'card.uncertain',
      atMs: t + 2,
      card: records[0].card,
      ref: 1,
      body: { intentSeq: 1, problem: 'terminal restarted during the card write' },
    },
    {
      seq: ++seq,
      kind: 'card.settle',
      atMs: t - 5000,
      card: records[0].card,
      ref: 1,
      body: { intentSeq: 1, outcome: 'not-landed', counterSeen: 10 },
    },
    {
      seq: ++seq,
      kind: 'card.abort',
      atMs: t + 3,
      card: records[2].card,
      ref: 3,
      body: { intentSeq: 3, problem: 'x' },
    },
    {
      seq: ++seq,
      kind: 'tap.refused',
      atMs: t + 4,
      card: null,
      ref: null,
      body: { cardNumber: null, uid: '04aabbcc', reason: 'foreign-card', detail: '' },
    },
    {
      seq: ++seq,
      kind: 'tap.refused',
      atMs: t + 5,
      card: 5,
      ref: null,
      body: { cardNumber: 5, uid: '', reason: 'a-new-reason', detail: 'from a newer firmware' },
    },
    {
      seq: ++seq,
      kind: 'operator.signout',
      atMs: t + 6,
      card: 900002,
      ref: seq - 6,
      body: { cardNumber: 900002, shift: `1042-${seq - 6}`, count: -1, amountCents: -300 },
    },
  ];
  const all = [...records, ...more];
  assert.deepStrictEqual(roundTrip(all), all);
  for (let cut = 1; cut < all.length; cut++) {
    const a = roundTrip(all.slice(0, cut));
    const b = roundTrip(all.slice(cut));
    assert.deepStrictEqual([...a, ...b], all, `cut at ${cut}`);
  }
});

test('the hash chain does not depend on how records are cut into batches', () => {
  const records = realisticSales({ sales: 100, seed: 10 });
  const whole = chainOver(CHAIN_ZERO, records, 1042);
  const rng = new Prng(4);
  for (let trial = 0; trial < 20; trial++) {
    let chain = CHAIN_ZERO;
    for (let i = 0; i < records.length; ) {
      const n = 1 + rng.int(40);
      const batch = buildJournalBatch(records.slice(i, i + n), { ...OPTS, chainPrev: chain });
      chain = batch.chainLast;
      i += batch.records.length;
    }
    assert.deepStrictEqual(chain, whole);
  }
  // Key order in a body does not matter, even for a record that travels as JSON.
  const reordered = records.map((r) => ({
    ...r,
    body: Object.fromEntries(Object.entries(r.body as object).reverse()),
  }));
  reordered[7] = { ...reordered[7], body: { zzz: 1, ...(reordered[7].body as object), aaa: [2, { y: 1, x: 2 }] } };
  const withOdd = records.map((r, i) =>
    i === 7 ? { ...r, body: { aaa: [2, { x: 2, y: 1 }], ...(r.body as object), zzz: 1 } } : r,
  );
  assert.deepStrictEqual(chainOver(CHAIN_ZERO, reordered, 1042), chainOver(CHAIN_ZERO, withOdd, 1042));
  const altered = records.map((r) => ({ ...r }));
  altered[50] = { ...altered[50], atMs: altered[50].atMs + 1 };
  assert.notDeepStrictEqual(chainOver(CHAIN_ZERO, altered, 1042), whole);
});

test('a batch refuses records that are not consecutive, and the decoder refuses an orphan compact commit', () => {
  const records = realisticSales({ sales: 3, seed: 11 });
  assert.throws(
    () =>
      encodeMessage({
        type: 'journalBatch',
        terminalId: 1,
        utcOffsetMinutes: 0,
        chainPrev: CHAIN_ZERO,
        chainLast: CHAIN_ZERO,
        records: [records[0], records[2]],
      }),
    EncodeError,
  );
  // A commit whose intent is in the batch omits its card; cut the intent away and the item no longer decodes.
  const batch = buildJournalBatch(records.slice(2, 4), OPTS);
  const items = batchItems({ ...batch, records: [records[2]] }).filter((it) => it.records > 0);
  const alone = batchItems(buildJournalBatch(records.slice(3, 4), OPTS)).filter((it) => it.records > 0);
  assert.equal(items.length, 1);
  assert.equal(alone.length, 1);
  assert.ok(alone[0].bytes.length > 3, 'a commit without its intent in the batch carries the card');
});

test('the decoder refuses a compact commit whose intent is neither in the batch nor named', async () => {
  const { Writer } = await import('../../protocol/index.ts');
  const [intent, commit] = realisticSales({ sales: 1, seed: 12 });
  const refused: WireRecord = {
    seq: 2,
    kind: 'tap.refused',
    atMs: intent.atMs + 10,
    card: null,
    ref: null,
    body: { cardNumber: null, uid: '', reason: 'unreadable', detail: '' },
  };
  const late: WireRecord = { ...commit, seq: 3, atMs: intent.atMs + 20 };
  const batch = buildJournalBatch([intent, refused, late], OPTS);
  const items = batchItems(batch).filter((it) => it.records > 0);
  assert.equal(items.length, 3, 'intent, refusal, commit: not folded');
  const w = new Writer()
    .varint(2)
    .varint(2)
    .varint(intent.atMs)
    .u32(1042)
    .svarint(480)
    .bytes(CHAIN_ZERO)
    .bytes(CHAIN_ZERO);
  w.bytes(items[1].bytes).bytes(items[2].bytes);
  const d = decodeMessage(0x30, w.finish());
  assert.ok(!d.ok && /card not given/.test(d.error), d.ok ? 'decoded' : d.error);
});

test('canonical items are built without the decode-back check, and both sides still agree', () => {
  const records = realisticSales({ sales: 20, seed: 11 });
  // An intent with a field the compact item has no room for travels as a generic item…
  const odd = records.map((r, i) =>
    i === 4 ? { ...r, body: { ...(r.body as object), note: 'cash drawer jammed' } } : r,
  );
  const batch = buildJournalBatch(odd, OPTS);
  const d = decodeMessage(0x30, encodeMessage(batch).payload);
  assert.ok(d.ok);
  const got = (d.message as JournalBatch).records;
  assert.deepStrictEqual(got, odd, 'the wire still carries every field');
  // …and the backend, recomputing from what it decoded, reaches the terminal's chain.
  assert.deepStrictEqual(chainOver(CHAIN_ZERO, got, 1042), batch.chainLast);
  // The canonical item is the compact one all the same: as long as the other fields match.
  assert.deepStrictEqual(canonicalRecord(odd[4], 1042), canonicalRecord(records[4], 1042));
  // Money is in it: a charged amount changed on the way breaks the chain.
  const body = records[4].body as Record<string, unknown>;
  const cheaper = records.map((r, i) =>
    i === 4
      ? {
          ...r,
          body: {
            ...body,
            chargedAmount: (body.chargedAmount as number) - 1,
            fromBalance: (body.fromBalance as number) - 1,
          },
        }
      : r,
  );
  assert.notDeepStrictEqual(chainOver(CHAIN_ZERO, cheaper, 1042), chainOver(CHAIN_ZERO, records, 1042));
});

test('a desk payout (tx payout) travels as the generic item, exactly, and its chain covers the whole body', () => {
  const records = realisticSales({ sales: 6, seed: 12 });
  const sale = records[2].body as Record<string, unknown>;
  assert.equal(sale.tx, 'sale');
  const payout = { ...records[2], body: { ...sale, tx: 'payout' } };
  const withPayout = records.map((r, i) => (i === 2 ? payout : r));
  const batch = buildJournalBatch(withPayout, OPTS);
  // No compact tx code is left for it (two bits, four codes): an old backend gets JSON it stores and ledgers.
  const items = batchItems(batch);
  // The item that carries record index 2: the first whose running record count passes it.
  const ends = items.map((_, i) => items.slice(0, i + 1).reduce((n, it) => n + it.records, 0));
  const covering = items.find((it, i) => ends[i] > 2 && it.records > 0);
  assert.equal((covering?.bytes[0] ?? -1) & 0x0f, 0, 'generic item');
  const d = decodeMessage(0x30, encodeMessage(batch).payload);
  assert.ok(d.ok, d.ok ? '' : d.error);
  assert.deepStrictEqual((d.message as JournalBatch).records, withPayout);
  // Never read as a sale: the canonical item is generic too, so relabelling it breaks the chain.
  assert.notDeepStrictEqual(canonicalRecord(payout, 1042), canonicalRecord(records[2], 1042));
  assert.notDeepStrictEqual(chainOver(CHAIN_ZERO, withPayout, 1042), chainOver(CHAIN_ZERO, records, 1042));
});
