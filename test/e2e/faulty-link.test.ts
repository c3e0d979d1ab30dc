import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../firmware/core/random.ts';
import type { Journal } from '../../firmware/store/journal/journal.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { CLEAN, drawFaults } from '../../simulator/net/virtual-link.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/**
 * Design.md invariant 1 over a hostile network: every seed draws its own
 * fault plan (drops, duplicates, reorders, corrupted bytes, links cut in the
 * middle of a batch, backend restarts) and a day of sales at two terminals.
 * At the end every record is at the backend exactly once, in seq order per
 * terminal; no terminal ever freed a record the backend had not stored; and
 * the money reconciles at the backend as on the cards.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const SEEDS = Number(process.env.FAULTY_LINK_SEEDS ?? 40);
const CARDS = [
  { name: 'alice', uid: '04a1b2c3', number: 1001, balanceCents: 50_000 },
  { name: 'bob', uid: '04b2c3d4', number: 1002, balanceCents: 30_000 },
  { name: 'carol', uid: '04c3d4e5', number: 1003, balanceCents: 40_000 },
];
const TERMINALS = [
  ['pos1', 101],
  ['pos2', 102],
] as const;
/** What the seeds did, summed: the test is only worth something if every fault actually happened. */
const seen = {
  dropped: 0,
  duplicated: 0,
  reordered: 0,
  corrupted: 0,
  disconnects: 0,
  backendRestarts: 0,
  connections: 0,
};

/** The journal as the client sees it, with a check on every ack: only what the backend stores may be freed. */
function guardedJournal(j: Journal, net: Net, id: number, violations: string[]): Journal {
  return new Proxy(j, {
    get(target, prop) {
      if (prop === 'ack') {
        return (upto: number) => {
          const held = net.backend ? net.backend.journal.highWater(id) : -1;
          if (upto > held) violations.push(`terminal ${id} freed up to ${upto}, backend holds ${held}`);
          return target.ack(upto);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

async function runSeed(seed: number): Promise<void> {
  const r = new SeededRandom(seed);
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed, { log: false });
  const violations: string[] = [];
  const plan = drawFaults(r);
  const tag = `seed ${seed} ${JSON.stringify(plan)}`;
  let synced: Synced[] = [];
  try {
    for (const c of CARDS) await w.addCard({ ...c, cardClass: 1 });
    synced = TERMINALS.map(([name, id]) => {
      const auth = authorizerFor(net);
      w.addTerminal({ name, id, authorizer: auth });
      const j = guardedJournal(w.terminal(name).terminal.journal, net, id, violations);
      return syncTerminal(w, name, net, auth, { journal: j, options: { upload: { batchRecordsMax: 1 + r.int(6) } } });
    });
    net.plan = plan;
    const sales = 10 + r.int(10);
    for (let i = 0; i < sales; i++) {
      const [name] = TERMINALS[r.int(TERMINALS.length)];
      for (const k of [String(1 + r.int(9)), 'confirm']) w.key(name, k);
      const out = await net.settle(w.tap(name, CARDS[r.int(CARDS.length)].name));
      assert.deepEqual(out.beeps, ['ok'], tag);
      await net.run(r.int(4_000));
      if (r.int(8) === 0) {
        seen.backendRestarts++;
        net.stopBackend();
        await net.run(r.int(20_000));
        net.startBackend();
      }
    }
    // Heal the network; what was cut reconnects, and everything drains.
    net.plan = CLEAN;
    for (const l of net.links) l.cut('healing');
    const drained = () =>
      TERMINALS.every(
        ([name, id]) =>
          net.backend?.journal.highWater(id) === w.terminal(name).terminal.journal.lastSeq() &&
          w.terminal(name).terminal.journal.stats().unacked === 0,
      );
    assert.ok(await net.until(drained, 600_000), `${tag}: drained`);

    assert.deepEqual(violations, [], tag);
    for (const [name, id] of TERMINALS) {
      const journal = [...scanJournal(w.terminal(name).terminal.journal)].map(
        ({ seq, kind, atMs, card, ref, body }) => ({ seq, kind, atMs, card, ref, body }),
      );
      const stored = net.b.journal.records(id);
      assert.deepEqual(
        stored.map(({ arrival: _, ...rec }) => rec),
        journal,
        `${tag}: terminal ${id} records at the backend`,
      );
      for (let i = 1; i < stored.length; i++)
        assert.ok(stored[i].arrival > stored[i - 1].arrival, `${tag}: terminal ${id} stored in seq order`);
    }
    const cards = await w.reconcile();
    assert.deepEqual(cards.problems, [], tag);
    for (const c of CARDS) {
      const report = net.b.cardReport(c.number);
      const card = await w.inspect(c.name);
      assert.equal(
        c.balanceCents - report.movedCents,
        card.purse.balance + card.purse.subsidy,
        `${tag}: ${c.name} money at the backend`,
      );
      assert.equal(report.counter, card.purse.counter, `${tag}: ${c.name} counter`);
      assert.deepEqual([report.gaps, report.open], [[], 0], tag);
    }
    assert.deepEqual(net.b.alerts(), [], tag);
    for (const l of net.links)
      for (const k of ['dropped', 'duplicated', 'reordered', 'corrupted', 'disconnects'] as const)
        seen[k] += l.stats[k];
    seen.connections += net.links.length;
  } finally {
    for (const s of synced) {
      s.client.stop();
      s.state.close();
    }
    w.close();
    net.close();
  }
}

test(`faulty link, ${SEEDS} seeds: exactly once, in order, freed only when acknowledged, money reconciles`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) await runSeed(seed);
  if (process.env.SHOW_SEEN) console.log(seen);
  for (const [fault, n] of Object.entries(seen))
    assert.ok(n > 0, `no ${fault} in ${SEEDS} seeds: ${JSON.stringify(seen)}`);
});
