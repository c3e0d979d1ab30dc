import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimWorld } from '../../simulator/world.ts';
import { formatCents } from '../../firmware/core/money.ts';

/**
 * No cent is created or lost: random sales, undos, top-ups and tears at random
 * bytes across two terminals and two cards; at the end every card's purse equals
 * its issued value minus every landed write in both journals.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const TERMINALS = ['pos1', 'pos2'] as const;
const CARDS = ['alice', 'bob'] as const;

// Tears cluster where it matters: in the MAC block (uncertain) and right at its end (landed, ack lost).
const tearByte = fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 17, max: 32 }), fc.constant(32));
const op = fc.oneof(
  fc.record({
    kind: fc.constant('sale' as const),
    at: fc.constantFrom(...TERMINALS),
    card: fc.constantFrom(...CARDS),
    cents: fc.integer({ min: 1, max: 4_000 }),
    tear: fc.option(tearByte, { freq: 2 }),
  }),
  fc.record({
    kind: fc.constant('undo' as const),
    at: fc.constantFrom(...TERMINALS),
    card: fc.constantFrom(...CARDS),
    tear: fc.option(tearByte, { freq: 3 }),
  }),
  fc.record({
    kind: fc.constant('topup' as const),
    at: fc.constantFrom(...TERMINALS),
    card: fc.constantFrom(...CARDS),
    cents: fc.integer({ min: 1, max: 5_000 }),
    tear: fc.option(tearByte, { freq: 3 }),
  }),
  fc.record({
    kind: fc.constant('retap' as const),
    at: fc.constantFrom(...TERMINALS),
    card: fc.constantFrom(...CARDS),
  }),
  fc.record({ kind: fc.constant('cancel' as const), at: fc.constantFrom(...TERMINALS) }),
  fc.record({ kind: fc.constant('restart' as const), at: fc.constantFrom(...TERMINALS) }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 600 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function run(ops: Op[]): Promise<string[]> {
  const w = new SimWorld({ seed: 3, startMs: START });
  try {
    TERMINALS.forEach((name, i) => w.addTerminal({ name, id: 201 + i }));
    await w.addCard({
      name: 'alice',
      uid: '04a1b2c3',
      number: 1001,
      cardClass: 1,
      balanceCents: 20_000,
      subsidyCents: 3_000,
      pin: '1234',
    });
    await w.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 5_000 });
    await w.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
    for (const t of TERMINALS) await w.tap(t, 'op'); // top-ups need an operator
    const tapFaults = (tear: number | null) => (tear === null ? {} : { tearAfterBytes: tear });
    for (const o of ops) {
      switch (o.kind) {
        case 'sale':
          w.key(o.at, 'cancel');
          for (const k of [...formatCents(o.cents), 'confirm']) w.key(o.at, k);
          await w.tap(o.at, o.card, tapFaults(o.tear));
          break;
        case 'undo':
          w.key(o.at, 'cancel');
          w.key(o.at, 'undo');
          await w.tap(o.at, o.card, tapFaults(o.tear));
          break;
        case 'topup':
          w.key(o.at, 'cancel');
          for (const k of ['topup', ...formatCents(o.cents), 'confirm']) w.key(o.at, k);
          await w.tap(o.at, o.card, tapFaults(o.tear));
          break;
        case 'retap':
          await w.tap(o.at, o.card);
          break;
        case 'cancel':
          w.key(o.at, 'cancel');
          break;
        case 'restart':
          w.restart(o.at);
          break;
        case 'wait':
          w.clock.advance(o.minutes * 60_000);
          break;
      }
    }
    return (await w.reconcile()).problems;
  } finally {
    w.close();
  }
}

test('property: random sales, undos, top-ups and tears on two terminals never create or lose a cent', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      assert.deepEqual(await run(ops), []);
    }),
    { numRuns: 60, seed: 20261123 },
  );
});

test('the checker can fail: a purse edited behind the journal does not reconcile', async () => {
  const w = new SimWorld({ seed: 3, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 201 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 20_000 });
    for (const k of ['5', 'confirm']) w.key('pos1', k);
    await w.tap('pos1', 'alice');
    // Pretend the card was issued with one cent more than it was.
    w.card('alice').spec.balanceCents = 20_001;
    const report = await w.reconcile();
    assert.equal(report.ok, false);
    assert.match(report.problems[0], /alice: issued 20001 - journals 500 = 19501, card holds 19500/);
  } finally {
    w.close();
  }
});
