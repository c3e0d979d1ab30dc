import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * Issue 15 item 4 end to end: a subsidy CSV imported twice at the backend lands on the card once, at its next
 * tap at a synced terminal (the batch travels as pending credits, list 2, like a single `credit`).
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const CSV = 'card,amount,wallet,expiry\n1001,20.00,subsidy,2026-12-31\n1001,5.00,balance,\n';

test('the same subsidy CSV imported twice lands on the card once', async () => {
  const w = new SimWorld({ seed: 41, startMs: START });
  const net = new Net(w.clock, 41);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  const synced = syncTerminal(w, 'pos1', net, auth);
  try {
    assert.ok(await net.until(() => synced.client.connected, 10_000));
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    net.b.cards.register([1001], 'test', w.clock.nowMs());

    const first = runAdmin(net.b, ['credits', 'import', 'subsidy.csv', CSV]);
    assert.equal(first.code, 0, first.lines.join('\n'));
    const again = runAdmin(net.b, ['credits', 'import', 'subsidy.csv', CSV]);
    assert.deepEqual(again.lines, ['subsidy.csv: already imported as batch 1; nothing changed']);
    const credits = () => w.terminal('pos1').terminal.credits.size();
    assert.ok(await net.until(() => credits() === 2, 2_000), 'the terminal holds the two credits of the batch');

    const q = await net.settle(w.tap('pos1', 'alice'));
    assert.equal(q.screen.customer.en, 'Credited 25.00 balance 35.00');
    const card = await w.inspect('alice');
    assert.deepEqual(
      [card.purse.balance, card.purse.subsidy, card.purse.lastCreditSeq],
      [1_500, 2_000, 2],
      'both rows landed, each once',
    );
    assert.ok(await net.until(() => credits() === 0, 2_000), 'applied credits leave the terminal');
    await net.settle(w.tap('pos1', 'alice'));
    const after = await w.inspect('alice');
    assert.equal(after.purse.balance + after.purse.subsidy, 3_500, 'a second tap credits nothing more');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    synced.client.stop();
    synced.state.close();
    w.close();
    net.close();
  }
});
