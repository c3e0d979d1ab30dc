import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND } from '../../protocol/index.ts';
import { owedCents } from '../../firmware/kiosk/owed.ts';
import type { LogFields, Logger } from '../../base/log.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, stopSynced, syncTerminal } from './harness.ts';

/**
 * Cash a kiosk owes a card that left mid top-up reaches the other terminals
 * (docs/kiosk.md "A card taken away"): the kiosk hands it over, the backend
 * books it as a pending credit, a POS pays it once, the kiosk never pays it.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

test('a bill stacked for a card that left: credited once at a POS, not again back at the kiosk', async () => {
  const w = new SimWorld({ seed: 41, startMs: START });
  const net = new Net(w.clock, 41);
  const posAuth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: posAuth });
  await w.kiosks.add({ name: 'kiosk1', id: 301, kiosk: { handOverOwed: true } });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
  const synced = [syncTerminal(w, 'pos1', net, posAuth), syncTerminal(w, 'kiosk1', net, authorizerFor(net))];
  try {
    assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
    const kiosk = w.terminal('kiosk1');
    const { emulator, driver } = kiosk.cash!;

    await w.kiosks.tap('kiosk1', 'alice');
    await w.kiosks.run('kiosk1', 2); // the bill types the card may take go to the validator
    emulator.insert(3); // ¥20
    for (let i = 0; i < 20 && driver.device.kind !== 'stacking'; i++) await w.kiosks.run('kiosk1', 1);
    await w.kiosks.cardGone('kiosk1'); // pulled away while the bill goes into the cassette
    await w.kiosks.run('kiosk1', 8);
    assert.deepEqual(emulator.cassette, [3]);
    assert.equal(owedCents(kiosk.terminal.journal, 1001), 0, 'handed over: the kiosk owes nothing');
    assert.equal(w.kiosks.app('kiosk1').screen.kind, 'card-gone');

    // The journal goes up; the backend books the pending credit and pushes it to every terminal.
    const held = () => w.terminal('pos1').terminal.credits.size() === 1;
    assert.ok(await net.until(held, 30_000), 'the POS holds the credit');
    assert.deepEqual(
      net.b.lists.creditsOf(1001).map((c) => [c.creditSeq, c.amount, c.reason]),
      [[1, 2_000, 'topup']],
    );

    const q = await net.settle(w.tap('pos1', 'alice'));
    assert.equal(q.screen.customer.en, 'Credited 20.00 balance 30.00');
    assert.ok(await net.until(() => synced.every((s) => s.client.queueDepth() === 0), 60_000));

    // Back at the kiosk: nothing more goes on the card (its local owed went with the handover).
    await net.settle(w.kiosks.tap('kiosk1', 'alice'));
    await w.kiosks.run('kiosk1', 2);
    await w.kiosks.cardGone('kiosk1');
    const card = await w.inspect('alice');
    assert.deepEqual([card.purse.balance + card.purse.subsidy, card.purse.lastCreditSeq], [3_000, 1], 'credited once');
    const kinds = kiosk.terminal.journal.after(0, 1_000).map((r) => r.kind);
    assert.equal(kinds.filter((k) => k === KIND.intent).length, 0, 'the kiosk wrote nothing to the card');
    assert.equal(kinds.filter((k) => k === KIND.cashHandover).length, 1);
    await net.until(() => synced.every((s) => s.client.queueDepth() === 0), 60_000);
    assert.equal(net.b.cardReport(1001).movedCents, -2_000, 'the backend saw one credit of ¥20 land');
  } finally {
    for (const s of synced) {
      s.client.stop();
      s.state.close();
    }
    w.close();
    net.close();
  }
});

class PowerCut extends Error {}

/** The world's logger: at the chosen kiosk step it throws, and the runtime stops there as at a power cut. */
class CutLog implements Logger {
  at: string | null = null;
  private hit(event: string, f?: LogFields): void {
    if (event !== 'kiosk.bill' || f?.step !== this.at) return;
    this.at = null;
    throw new PowerCut(`power cut at ${event} ${String(f?.step)}`);
  }
  debug = (e: string, f?: LogFields) => this.hit(e, f);
  info = (e: string, f?: LogFields) => this.hit(e, f);
  warn = (e: string, f?: LogFields) => this.hit(e, f);
  error = (e: string, f?: LogFields) => this.hit(e, f);
  child = (): Logger => this;
}

test('power cut after a bill is stacked, before the card is written: handed over at start, a POS pays it once', async () => {
  const log = new CutLog();
  const w = new SimWorld({ seed: 43, startMs: START, log });
  const net = new Net(w.clock, 43);
  const posAuth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: posAuth });
  await w.kiosks.add({ name: 'kiosk1', id: 301, kiosk: { handOverOwed: true } });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
  const pos = syncTerminal(w, 'pos1', net, posAuth);
  let kioskSync = syncTerminal(w, 'kiosk1', net, authorizerFor(net));
  const synced = () => [pos, kioskSync];
  try {
    assert.ok(await net.until(() => synced().every((s) => s.client.connected), 10_000));
    await w.kiosks.tap('kiosk1', 'alice');
    await w.kiosks.run('kiosk1', 2);
    w.kiosks.twins('kiosk1').emulator.insert(3); // ¥20
    log.at = 'journaled'; // cash.stacked durable, the card not yet written
    await assert.rejects(w.kiosks.run('kiosk1', 20), PowerCut);

    // The power comes back; alice has gone home with her card.
    stopSynced([kioskSync]);
    await w.kiosks.restart('kiosk1');
    kioskSync = syncTerminal(w, 'kiosk1', net, authorizerFor(net));
    const kiosk = w.terminal('kiosk1').terminal;
    const handovers = () => kiosk.journal.after(0, 1_000).filter((r) => r.kind === KIND.cashHandover);
    assert.deepEqual(
      handovers().map((r) => r.body),
      [{ cardNumber: 1001, amountCents: 2_000 }],
    );
    assert.equal(owedCents(kiosk.journal, 1001), 0);

    const held = () => w.terminal('pos1').terminal.credits.size() === 1;
    assert.ok(await net.until(held, 30_000), 'the POS holds the credit');
    const q = await net.settle(w.tap('pos1', 'alice'));
    assert.equal(q.screen.customer.en, 'Credited 20.00 balance 30.00');
    assert.ok(await net.until(() => synced().every((s) => s.client.queueDepth() === 0), 60_000));

    // Back at the kiosk: nothing more goes on the card.
    await net.settle(w.kiosks.tap('kiosk1', 'alice'));
    await w.kiosks.run('kiosk1', 2);
    await w.kiosks.cardGone('kiosk1');
    const card = await w.inspect('alice');
    assert.deepEqual([card.purse.balance + card.purse.subsidy, card.purse.lastCreditSeq], [3_000, 1], 'credited once');
    const kinds = kiosk.journal.after(0, 1_000).map((r) => r.kind);
    assert.equal(kinds.filter((k) => k === KIND.intent).length, 0, 'the kiosk wrote nothing to the card');
    assert.equal(handovers().length, 1);
    assert.ok(await net.until(() => synced().every((s) => s.client.queueDepth() === 0), 60_000));
    assert.equal(net.b.cardReport(1001).movedCents, -2_000, 'the backend saw one credit of ¥20 land');
  } finally {
    stopSynced(synced());
    w.close();
    net.close();
  }
});
