import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClassicCard } from '../../simulator/card/virtual-classic.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';
import type { Message } from '../../protocol/index.ts';

/** End to end through the sync client and the reference backend: credits, online accounts, clones. */
const START = Date.parse('2026-11-23T11:30:00+08:00');

async function setup(seed: number, pos: Record<string, unknown> = {}) {
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed);
  const synced: Synced[] = [];
  for (const [name, id] of [
    ['pos1', 101],
    ['pos2', 102],
  ] as const) {
    const auth = authorizerFor(net);
    w.addTerminal({ name, id, authorizer: auth, pos });
    synced.push(syncTerminal(w, name, net, auth));
  }
  assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
  const sell = async (terminal: string, card: string, amount: string) => {
    for (const k of [...amount, 'confirm']) w.key(terminal, k);
    return net.settle(w.tap(terminal, card));
  };
  const drain = () => net.until(() => synced.every((s) => s.client.queueDepth() === 0), 60_000);
  const done = () => {
    for (const s of synced) {
      s.client.stop();
      s.state.close();
    }
    w.close();
    net.close();
  };
  return { w, net, synced, sell, drain, done };
}

test('a pending credit issued at the backend reaches both terminals and lands on the card once', async () => {
  const { w, net, sell, drain, done } = await setup(21);
  try {
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    const credit = net.b.credit(1001, 2_000, 'subsidy');
    assert.equal(credit.creditSeq, 1);
    const held = () => ['pos1', 'pos2'].every((t) => w.terminal(t).terminal.credits.size() === 1);
    assert.ok(await net.until(held, 2_000), 'both terminals hold the credit');

    const q = await net.settle(w.tap('pos1', 'alice'));
    assert.equal(q.screen.customer.en, 'Credited 20.00 balance 30.00');
    await drain();
    // The landed write told the backend (next.lastCreditSeq), which took the credit off list 2 everywhere.
    const forgotten = () => ['pos1', 'pos2'].every((t) => w.terminal(t).terminal.credits.size() === 0);
    assert.ok(await net.until(forgotten, 2_000), 'applied credit leaves every terminal');
    assert.equal(net.b.lists.creditsOf(1001)[0].appliedMs !== null, true);

    assert.equal((await sell('pos2', 'alice', '5')).screen.customer.en, 'Paid 5.00 balance 25.00');
    const card = await w.inspect('alice');
    assert.deepEqual([card.purse.balance + card.purse.subsidy, card.purse.lastCreditSeq], [2_500, 1], 'credited once');
    await drain();
    assert.equal(net.b.cardReport(1001).movedCents, -2_000 + 500);
    const txs = net.b.db
      .prepare<[], string>('SELECT tx FROM card_tx WHERE card = 1001 ORDER BY counter_after')
      .pluck()
      .all();
    assert.deepEqual(txs, ['credit', 'sale'], 'the credit reached the backend as tx credit (§6.5)');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    done();
  }
});

test('online account: approved, declined, and a late answer or a dead backend booked once as advice', async () => {
  const { w, net, synced, sell, drain, done } = await setup(22, {
    online: { deadlineMs: 1_500, offlineFloorPerSaleCents: 2_000, offlineFloorPerCardDayCents: 10_000 },
  });
  try {
    await w.addCard({ name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 });
    net.b.setAccount(5005, 10_000);
    assert.equal((await sell('pos1', 'dave', '12')).screen.customer.en, 'Paid 12.00 balance 88.00');
    assert.equal((await sell('pos1', 'dave', '100')).screen.customer.en, 'Insufficient balance');
    assert.equal(net.b.accounts.balance(5005), 8_800);

    // A link slower than the deadline: the approval arrives too late and must not be used.
    net.plan = { ...net.plan, latencyMs: 1_000 };
    for (const l of net.links) l.cut('slow network from now on');
    assert.ok(await net.until(() => synced[0].client.connected, 60_000));
    const late = await sell('pos1', 'dave', '5');
    assert.equal(late.screen.cashier.en, 'Paid 5.00 (offline)');
    const over = await sell('pos1', 'dave', '25');
    assert.equal(over.screen.customer.en, 'Offline: above the offline limit');

    // The backend away altogether: offline at once.
    net.stopBackend();
    await net.run(100);
    assert.equal((await sell('pos1', 'dave', '3')).screen.cashier.en, 'Paid 3.00 (offline)');
    net.startBackend();
    net.plan = { ...net.plan, latencyMs: 1 };
    await net.run(35_000);
    await drain();
    await net.run(35_000); // owed advices/reversals retried and acknowledged

    const outcomes = [...scanJournal(w.terminal('pos1').terminal.journal)]
      .filter((r) => r.kind === 'online.result')
      .map((r) => (r.body as { outcome: string }).outcome);
    assert.deepEqual(outcomes, ['approved', 'declined', 'offline-approved', 'offline-declined', 'offline-approved']);
    // 100.00 − 12.00 − 5.00 (approved late, then advised: charged once) − 3.00 (advice); the 25.00 approved late was reversed.
    assert.equal(net.b.accounts.balance(5005), 8_000);
    assert.deepEqual(net.b.accounts.counts(), { approved: 2, declined: 1, advised: 1, reversed: 1 });
    assert.equal(synced[0].state.owed(10).length, 0, 'every advice and reversal acknowledged');
    assert.ok(net.logged('sync.auth-late').length >= 1, 'the late answers were seen and dropped');
  } finally {
    done();
  }
});

test('an online sale tells the backend the UID the card answered with', async () => {
  const { w, net, sell, done } = await setup(24, {
    online: { deadlineMs: 1_500, offlineFloorPerSaleCents: 2_000, offlineFloorPerCardDayCents: 10_000 },
  });
  try {
    await w.addCard({ name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 });
    net.b.setAccount(5005, 10_000);
    const seen: Message[] = [];
    const backend = net.b;
    const handle = backend.message.bind(backend);
    backend.message = (s, m) => {
      seen.push(m);
      return handle(s, m);
    };
    assert.equal((await sell('pos1', 'dave', '12')).screen.customer.en, 'Paid 12.00 balance 88.00');
    const asked = seen.filter((m) => m.type === 'authorizeRequest');
    assert.deepEqual(
      asked.map((m) => [m.cardNumber, Buffer.from(m.uid).toString('hex')]),
      [[5005, '04d4d4d4']],
    );
  } finally {
    done();
  }
});

test('a cloned card (restored dump spent at two terminals) is flagged and blacklisted everywhere', async () => {
  const { w, net, sell, drain, done } = await setup(23);
  try {
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
    const dump = w.card('alice').card.dump();
    assert.deepEqual((await sell('pos1', 'alice', '10')).beeps, ['ok']);
    w.card('alice').card = VirtualClassicCard.fromDump(w.card('alice').card.uid, dump);
    assert.deepEqual((await sell('pos2', 'alice', '7')).beeps, ['ok'], 'pos2 never saw the card: the copy spends');
    await drain();
    const alerts = net.b.alerts();
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].kind, 'clone');
    assert.equal(alerts[0].card, 1001);
    assert.ok(net.b.lists.isBlacklisted(1001));
    const listed = () => ['pos1', 'pos2'].every((t) => w.terminal(t).terminal.blacklist.has(1001));
    assert.ok(await net.until(listed, 2_000), 'the blacklist delta reached both terminals');
    assert.equal((await sell('pos1', 'alice', '1')).screen.customer.en, 'Card reported lost');
  } finally {
    done();
  }
});
