import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchItems, buildJournalBatch, CHAIN_ZERO, decodeMessage, encodeMessage } from '../../protocol/index.ts';
import type { JournalBatch, WireRecord } from '../../protocol/index.ts';

/**
 * The small kinds (record-small-kinds.ts) travel as their compact items, not as generic JSON:
 * the encoder falls back to generic whenever a compact item does not decode back identical, so a
 * round trip alone cannot tell a broken compact item from a working one. The item number can.
 */

const OPTS = { terminalId: 1042, utcOffsetMinutes: 480, chainPrev: CHAIN_ZERO, maxPayloadBytes: 32768 };
const T = Date.UTC(2026, 10, 23, 8);
const GENERIC = 0;

/** A record at T + seq; the closing ones refer to seq 1, a record of another kind (so sent generic). */
const rec = (seq: number, kind: string, ref: number | null, card: number | null, body: unknown): WireRecord => ({
  seq,
  kind,
  atMs: T + seq,
  card,
  ref,
  body,
});

const CASES: [item: number, WireRecord][] = [
  [
    8,
    rec(2, 'operator.signin', null, 900002, {
      cardNumber: 900002,
      name: '#900002',
      shift: '1042-2',
      signInSeq: 2,
      atMs: T + 2,
    }),
  ],
  [3, rec(3, 'card.commit', 1, 7001, { intentSeq: 1 })],
  [4, rec(4, 'card.abort', 1, 7001, { intentSeq: 1, problem: 'x' })],
  [5, rec(5, 'card.uncertain', 1, 7001, { intentSeq: 1, problem: 'restarted' })],
  [6, rec(6, 'card.settle', 1, 7001, { intentSeq: 1, outcome: 'landed', counterSeen: 11 })],
  [6, rec(7, 'card.settle', 1, 7001, { intentSeq: 1, outcome: 'not-landed', counterSeen: 10 })],
  [7, rec(8, 'tap.refused', null, 5, { cardNumber: 5, uid: '04aabbcc', reason: 'blacklisted', detail: '' })],
  [7, rec(9, 'tap.refused', null, null, { cardNumber: null, uid: '', reason: 'a-new-reason', detail: 'newer' })],
  [9, rec(10, 'operator.signout', 2, 900002, { cardNumber: 900002, shift: '1042-2', count: 1, amountCents: 300 })],
];

test('each small kind travels as its compact item and comes back exactly', () => {
  const records = [rec(1, 'sale.note', null, 7001, { any: 'generic' }), ...CASES.map(([, r]) => r)];
  const batch = buildJournalBatch(records, OPTS);
  assert.equal(batch.records.length, records.length);
  const items = batchItems(batch).filter((it) => it.records > 0);
  assert.equal(items.length, records.length);
  assert.equal(items[0].bytes[0] & 0x0f, GENERIC);
  CASES.forEach(([item, r], i) => assert.equal(items[i + 1].bytes[0] & 0x0f, item, `${r.kind} (seq ${r.seq})`));
  const { code, payload } = encodeMessage(batch);
  const back = decodeMessage(code, payload);
  assert.ok(back.ok, back.ok ? '' : back.error);
  assert.deepStrictEqual((back.message as JournalBatch).records, records);
});
