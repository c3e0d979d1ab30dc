import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { isRecordOf } from '../../../firmware/store/journal/journal.ts';
import type {
  OfflineReason,
  OnlineAuthorizer,
  OnlineAuthRequest,
  OnlineAuthResult,
} from '../../../firmware/online/authorizer.ts';

const START = Date.parse('2026-11-23T11:30:00+08:00');

/** A backend account of 30.00 that answers, or a backend that is away. */
function account(state: {
  up: boolean;
  why: OfflineReason;
  balanceCents: number;
  asked: OnlineAuthRequest[];
}): OnlineAuthorizer {
  return {
    async authorize(req): Promise<OnlineAuthResult> {
      state.asked.push(req);
      if (!state.up) return { kind: 'unavailable', why: state.why };
      if (req.amountCents > state.balanceCents) return { kind: 'declined', reason: 'insufficient-balance' };
      state.balanceCents -= req.amountCents;
      return { kind: 'approved', authCode: `A${req.stan}`, balanceCents: state.balanceCents };
    },
  };
}

async function setup(up: boolean) {
  const backend = {
    up,
    why: 'backend-unreachable' as OfflineReason,
    balanceCents: 3_000,
    asked: [] as OnlineAuthRequest[],
  };
  const w = new SimWorld({ seed: 4, startMs: START });
  w.addTerminal({
    name: 'pos1',
    id: 101,
    authorizer: account(backend),
    pos: { online: { deadlineMs: 1_500, offlineFloorPerSaleCents: 1_500, offlineFloorPerCardDayCents: 2_500 } },
  });
  await w.addCard({ name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 });
  const sell = async (amount: string) => {
    for (const k of [...amount, 'confirm']) w.key('pos1', k);
    return w.tap('pos1', 'dave');
  };
  const bodies = () =>
    [...scanJournal(w.terminal('pos1').terminal.journal)].flatMap((r) =>
      isRecordOf(r, KIND.onlineResult) ? [r.body] : [],
    );
  const results = () => bodies().map((b) => b.outcome);
  return { w, backend, sell, results, bodies };
}

test('online account: the backend approves and declines; the card is never written', async () => {
  const { w, backend, sell, results } = await setup(true);
  try {
    const before = w.card('dave').card.bytesWritten;
    assert.equal((await sell('12')).screen.customer.en, 'Paid 12.00 balance 18.00');
    assert.equal((await sell('20')).screen.customer.en, 'Insufficient balance');
    assert.deepEqual(results(), ['approved', 'declined']);
    assert.deepEqual(
      backend.asked.map((a) => a.amountCents),
      [1_200, 2_000],
    );
    assert.deepEqual(
      backend.asked.map((a) => Buffer.from(a.uid).toString('hex')),
      ['04d4d4d4', '04d4d4d4'],
      'the UID read at the tap',
    );
    const requests = [...scanJournal(w.terminal('pos1').terminal.journal)].filter((r) => r.kind === KIND.onlineRequest);
    assert.deepEqual(
      backend.asked.map((a) => a.stan),
      requests.map((r) => r.seq),
      'the STAN is the request record seq',
    );
    assert.equal(w.card('dave').card.bytesWritten, before);
    assert.deepEqual(w.terminal('pos1').terminal.journal.totals('sales-day', '2026-11-23'), {
      count: 1,
      amountCents: 1_200,
    });
  } finally {
    w.close();
  }
});

test('backend away: offline floors per sale and per card per day, results kept as advice', async () => {
  const { w, sell, results } = await setup(false);
  try {
    assert.equal((await sell('16')).screen.customer.en, 'Offline: above the offline limit', 'per-sale floor 15.00');
    assert.equal((await sell('15')).screen.cashier.en, 'Paid 15.00 (offline)');
    assert.equal((await sell('10')).screen.cashier.en, 'Paid 10.00 (offline)');
    assert.equal((await sell('1')).screen.customer.en, 'Offline: above the offline limit', 'per-card day floor 25.00');
    assert.deepEqual(results(), ['offline-declined', 'offline-approved', 'offline-approved', 'offline-declined']);
    w.clock.advance(24 * 3_600_000);
    assert.equal((await sell('1')).screen.cashier.en, 'Paid 1.00 (offline)', 'a new day, a new floor');
  } finally {
    w.close();
  }
});

test('the result record says why the backend did not decide: unreachable or timeout, as the advice will', async () => {
  const { w, backend, sell, bodies } = await setup(false);
  try {
    await sell('5');
    backend.why = 'timeout';
    await sell('6');
    await sell('16'); // above the per-sale floor: refused, and the record still says why
    assert.deepEqual(
      bodies().map((b) => [b.outcome, b.offlineReason]),
      [
        ['offline-approved', 'backend-unreachable'],
        ['offline-approved', 'timeout'],
        ['offline-declined', 'timeout'],
      ],
    );
  } finally {
    w.close();
  }
});

test('a request left unanswered by a restart is closed as offline-declined (a reversal for the backend)', async () => {
  const { w, results } = await setup(true);
  try {
    w.terminal('pos1').terminal.journal.append(
      KIND.onlineRequest,
      { cardNumber: 5005, amountCents: 700, listAmountCents: 700 },
      { card: 5005 },
    );
    w.restart('pos1');
    assert.deepEqual(results(), ['offline-declined']);
  } finally {
    w.close();
  }
});

test('a terminal locked by the backend refuses every tap and writes nothing', async () => {
  const state = { locked: true, text: 'closed for stock-taking' };
  const w = new SimWorld({ seed: 4, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101, locked: () => state });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    for (const k of ['5', 'confirm']) w.key('pos1', k);
    assert.equal((await w.tap('pos1', 'alice')).screen.customer.en, 'Terminal locked');
    assert.equal((await w.inspect('alice')).purse.counter, 0);
    state.locked = false;
    assert.deepEqual((await w.tap('pos1', 'alice')).beeps, ['ok'], 'unlocked: the pending sale goes through');
  } finally {
    w.close();
  }
});
