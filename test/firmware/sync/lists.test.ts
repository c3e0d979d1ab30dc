import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaChunks, ListDigest, snapshotChunks, type PendingCredit } from '../../../protocol/index.ts';
import { blDelta, drain, grantsDelta, openStores } from './list-helpers.ts';

test('a snapshot in chunks, in any order and some twice, is applied once whole, then acknowledged', () => {
  const { blacklist, applier } = openStores(null);
  const cards = Array.from({ length: 20_000 }, (_, i) => 10_000_000 + i * 7);
  const chunks = snapshotChunks({ list: 'blacklist', entries: cards }, 5, 4096);
  assert.ok(chunks.length > 3);
  const order = [...chunks.slice(1), chunks[1], chunks[0]];
  assert.deepEqual(
    order.map((c) => applier.receive(c)),
    order.map(() => null),
    'receive only queues',
  );
  assert.deepEqual(
    drain(applier),
    [{ type: 'listAck', list: 'blacklist', version: 5, status: 'applied' }],
    'one answer, once the version is whole',
  );
  assert.equal(blacklist.countEntries(), 20_000);
  assert.ok(blacklist.has(10_000_007));
  assert.deepEqual(blacklist.digest(), ListDigest.of('blacklist', cards).bytes(), 'the running digest is the list’s');
  assert.equal(blacklist.stage.staged(), null, 'nothing left staged');
});

test('a snapshot whose digest does not match is refused and changes nothing', () => {
  const { blacklist, applier } = openStores(null);
  blacklist.applyDelta(0, 1, [9], []);
  const [chunk] = snapshotChunks({ list: 'blacklist', entries: [1, 2, 3] }, 2);
  applier.receive({ ...chunk, digest: ListDigest.of('blacklist', [1, 2]).bytes() });
  const [ack] = drain(applier);
  assert.equal(ack.status, 'digest-mismatch');
  assert.equal(ack.version, 1);
  assert.deepEqual([blacklist.version(), blacklist.has(9), blacklist.has(1)], [1, true, false]);
  assert.equal(blacklist.stage.staged(), null, 'the bad stage is discarded');
});

test('deltas apply only on their from-version; a delta seen again is acknowledged again', () => {
  const { blacklist, applier } = openStores(null);
  const step = (d: ReturnType<typeof blDelta>) => {
    for (const c of d) applier.receive(c);
    return drain(applier);
  };
  assert.equal(step(blDelta(0, 1, [5, 6], [], [5, 6]))[0].status, 'applied');
  assert.equal(step(blDelta(0, 1, [5, 6], [], [5, 6]))[0].status, 'applied', 'a retransmission after a lost ack');
  assert.deepEqual(step(blDelta(2, 3, [7], [], [5, 6, 7])), [
    { type: 'listAck', list: 'blacklist', version: 1, status: 'version-mismatch', problem: 'at 1, delta is 2→3' },
  ]);
  assert.equal(step(blDelta(1, 2, [7], [5], [6, 7]))[0].status, 'applied');
  assert.deepEqual([blacklist.version(), blacklist.has(5), blacklist.has(7)], [2, false, true]);
});

test('a delta whose digest after applying differs is rolled back and answered digest-mismatch', () => {
  const { blacklist, applier } = openStores(null);
  blacklist.replaceAll(4, [100, 200, 300]);
  const before = blacklist.digest();
  // The backend's list at 5 also lacks 300 (a removal this terminal never got): the digest says so.
  for (const c of blDelta(4, 5, [400], [100], [200, 400])) applier.receive(c);
  const [ack] = drain(applier);
  assert.equal(ack.status, 'digest-mismatch');
  assert.equal(ack.version, 4);
  assert.match(ack.problem ?? '', /blacklist delta 4→5: digest after applying is [0-9a-f]{24}, the backend's is/);
  assert.deepEqual(
    [blacklist.version(), blacklist.size(), blacklist.has(100), blacklist.has(400)],
    [4, 3, true, false],
    'nothing of it stayed',
  );
  assert.deepEqual(blacklist.digest(), before);
  // Re-adding a held card or removing an absent one moves neither size nor digest.
  for (const c of blDelta(4, 5, [200, 400], [100, 999], [200, 300, 400])) applier.receive(c);
  assert.equal(drain(applier)[0].status, 'applied');
  assert.deepEqual(blacklist.digest(), ListDigest.of('blacklist', [200, 300, 400]).bytes());
});

test('pending credits go to the credit store durably, removals forget applied ones, the version is kept', () => {
  const { credits, state, applier } = openStores(null);
  const run = (d: ReturnType<typeof deltaChunks>) => {
    for (const c of d) applier.receive(c);
    return drain(applier)[0];
  };
  const c = (
    card: number,
    creditSeq: number,
    amount: number,
    purse: PendingCredit['purse'],
    expiryDay = 0,
  ): PendingCredit => ({ cardNumber: card, creditSeq, amount, purse, reason: 'subsidy', expiryDay });
  assert.equal(
    run(
      deltaChunks(
        {
          list: 'credits',
          add: [c(1001, 1, 2_000, 'subsidy', 9_800), c(1001, 2, 500, 'balance'), c(1002, 1, 300, 'subsidy')],
          remove: [],
        },
        0,
        1,
        new Uint8Array(12),
      ),
    ).status,
    'applied',
  );
  assert.deepEqual(
    credits.forCard(1001, 0),
    [
      { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 2_000, expiryDay: 9_800 },
      { card: 1001, creditSeq: 2, balanceCents: 500, subsidyCents: 0, expiryDay: 0 },
    ],
    'expiryDay (§6.4 list 2) is kept, 0 = none',
  );
  assert.equal(
    run(
      deltaChunks({ list: 'credits', add: [], remove: [{ cardNumber: 1001, creditSeq: 2 }] }, 1, 2, new Uint8Array(12)),
    ).status,
    'applied',
  );
  assert.deepEqual([credits.size(), state.listVersion('credits')], [1, 2]);
  const takeBack = run(
    deltaChunks({ list: 'credits', add: [c(1003, 1, -100, 'balance')], remove: [] }, 2, 3, new Uint8Array(12)),
  );
  assert.equal(takeBack.status, 'storage-failed', 'a negative credit cannot be written by a purse that only adds');
  assert.equal(state.listVersion('credits'), 2);
});

test('grants sent to a terminal without a grant store are refused at once', () => {
  const { applier } = openStores(null);
  const [chunk] = snapshotChunks(
    { list: 'grants', entries: [{ cardNumber: 5, doors: 1, validFromMinute: 0, validUntilMinute: 10 }] },
    1,
  );
  assert.deepEqual(applier.receive(chunk), {
    type: 'listAck',
    list: 'grants',
    version: 0,
    status: 'storage-failed',
    problem: 'this terminal keeps no door grants',
  });
  assert.equal(applier.busy, false);
});

test('grants: a snapshot then deltas reach the grant store, digest-checked, and are looked up by time', () => {
  const { grants, applier } = openStores(null, { grants: true });
  const g = (card: number, doors: number, from: number, until: number) => ({
    cardNumber: card,
    doors,
    validFromMinute: from,
    validUntilMinute: until,
  });
  const v7 = [g(1001, 1, 1_000, 1_090), g(1002, 3, 1_000, 2_000), g(1500, 4, 0, 5)];
  for (const c of snapshotChunks({ list: 'grants', entries: v7 }, 7)) applier.receive(c);
  assert.deepEqual(drain(applier), [{ type: 'listAck', list: 'grants', version: 7, status: 'applied' }]);
  assert.deepEqual(
    [grants?.grantFor(1001, 1_000)?.doors, grants?.grantFor(1001, 1_090), grants?.grantFor(1500, 1_000)],
    [1, null, null],
  );
  // 7→8: card 1001's meeting moves (replace), 1500's grant is revoked, 1003 gets one.
  const v8 = [g(1001, 2, 1_100, 1_160), g(1002, 3, 1_000, 2_000), g(1003, 1, 1_100, 1_160)];
  for (const c of grantsDelta(7, 8, [v8[0], v8[2]], [1500], v8)) applier.receive(c);
  assert.equal(drain(applier)[0].status, 'applied');
  assert.deepEqual(
    [
      grants?.grantFor(1001, 1_000),
      grants?.grantFor(1001, 1_100)?.doors,
      grants?.opens(1003, 0, 1_159),
      grants?.opens(1003, 0, 1_160),
    ],
    [null, 2, true, false],
  );
  // A delta built on a different list (the backend believes 1002 has doors 1): rolled back.
  for (const c of grantsDelta(
    8,
    9,
    [g(1004, 1, 0, 10)],
    [],
    [...v8, g(1004, 1, 0, 10)].map((x) => (x.cardNumber === 1002 ? { ...x, doors: 1 } : x)),
  ))
    applier.receive(c);
  const [ack] = drain(applier);
  assert.deepEqual([ack.status, ack.version, grants?.grantFor(1004, 5)], ['digest-mismatch', 8, null]);
});
