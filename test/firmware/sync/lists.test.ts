import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../firmware/core/log.ts';
import { Blacklist } from '../../../firmware/store/blacklist.ts';
import { PendingCredits } from '../../../firmware/store/credits.ts';
import { ListApplier } from '../../../firmware/sync/lists.ts';
import { SyncState } from '../../../firmware/sync/sync-state.ts';
import { deltaChunks, ListDigest, snapshotChunks, type PendingCredit } from '../../../protocol/index.ts';

function setup() {
  const blacklist = Blacklist.open({ path: ':memory:', log: silentLogger });
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  return { blacklist, credits, state, applier: new ListApplier(blacklist, credits, state, silentLogger) };
}

test('a snapshot in chunks, in any order and some twice, is applied once whole, then acknowledged', () => {
  const { blacklist, applier } = setup();
  const cards = Array.from({ length: 20_000 }, (_, i) => 10_000_000 + i * 7);
  const chunks = snapshotChunks({ list: 'blacklist', entries: cards }, 5, 4096);
  assert.ok(chunks.length > 3);
  const order = [...chunks.slice(1), chunks[1], chunks[0]];
  const acks = order.map((c) => applier.receive(c));
  assert.deepEqual(acks.slice(0, -1), acks.slice(0, -1).map(() => null), 'nothing acknowledged before the last chunk');
  assert.deepEqual(acks.at(-1), { type: 'listAck', list: 'blacklist', version: 5, status: 'applied' });
  assert.equal(blacklist.countEntries(), 20_000);
  assert.ok(blacklist.has(10_000_007));
});

test('a snapshot whose digest does not match is refused and changes nothing', () => {
  const { blacklist, applier } = setup();
  const [chunk] = snapshotChunks({ list: 'blacklist', entries: [1, 2, 3] }, 2);
  const ack = applier.receive({ ...chunk, digest: ListDigest.of('blacklist', [1, 2]).bytes() });
  assert.equal(ack?.status, 'digest-mismatch');
  assert.equal(blacklist.version(), 0);
});

test('deltas apply only on their from-version; a delta seen again is acknowledged again', () => {
  const { blacklist, applier } = setup();
  const d = (from: number, to: number, add: number[], remove: number[] = []) => deltaChunks({ list: 'blacklist', add, remove }, from, to, new Uint8Array(12))[0];
  assert.equal(applier.receive(d(0, 1, [5, 6]))?.status, 'applied');
  assert.equal(applier.receive(d(0, 1, [5, 6]))?.status, 'applied', 'a retransmission after a lost ack');
  assert.deepEqual(applier.receive(d(2, 3, [7])), { type: 'listAck', list: 'blacklist', version: 1, status: 'version-mismatch', problem: 'at 1, delta is 2→3' });
  assert.equal(applier.receive(d(1, 2, [7], [5]))?.status, 'applied');
  assert.deepEqual([blacklist.version(), blacklist.has(5), blacklist.has(7)], [2, false, true]);
});

test('pending credits go to the credit store durably, removals forget applied ones, the version is kept', () => {
  const { credits, state, applier } = setup();
  const c = (card: number, creditSeq: number, amount: number, purse: PendingCredit['purse']): PendingCredit => ({ cardNumber: card, creditSeq, amount, purse, reason: 'subsidy', expiryDay: 0 });
  const [delta] = deltaChunks({ list: 'credits', add: [c(1001, 1, 2_000, 'subsidy'), c(1001, 2, 500, 'balance'), c(1002, 1, 300, 'subsidy')], remove: [] }, 0, 1, new Uint8Array(12));
  assert.equal(applier.receive(delta)?.status, 'applied');
  assert.deepEqual(credits.forCard(1001, 0), [
    { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 2_000 },
    { card: 1001, creditSeq: 2, balanceCents: 500, subsidyCents: 0 },
  ]);
  const [remove] = deltaChunks({ list: 'credits', add: [], remove: [{ cardNumber: 1001, creditSeq: 2 }] }, 1, 2, new Uint8Array(12));
  assert.equal(applier.receive(remove)?.status, 'applied');
  assert.deepEqual([credits.size(), state.listVersion('credits')], [1, 2]);
  const [takeBack] = deltaChunks({ list: 'credits', add: [c(1003, 1, -100, 'balance')], remove: [] }, 2, 3, new Uint8Array(12));
  assert.equal(applier.receive(takeBack)?.status, 'storage-failed', 'a negative credit cannot be written by a purse that only adds');
  assert.equal(state.listVersion('credits'), 2);
});
