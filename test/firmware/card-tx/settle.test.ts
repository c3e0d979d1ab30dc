import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { isRecordOf, type Journal } from '../../../firmware/store/journal/journal.ts';
import { settle } from '../../../firmware/card-tx/settle.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';

const START = Date.parse('2026-11-23T11:30:00+08:00');
/** Past the MAC block (16 bytes) and short of the slot's 32: the card keeps the old state, the terminal cannot tell. */
const TEAR_UNCERTAIN_NOT_LANDED_BYTES = 20;

function type(w: SimWorld, terminal: string, amount: string): void {
  for (const k of [...amount, 'confirm']) w.key(terminal, k);
}

function firstBody<K extends typeof KIND.intent | typeof KIND.settle>(journal: Journal, kind: K) {
  for (const r of scanJournal(journal)) if (isRecordOf(r, kind)) return r.body;
  return assert.fail(`no ${kind} record`);
}

async function world(): Promise<SimWorld> {
  const w = new SimWorld({ seed: 11, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101 });
  w.addTerminal({ name: 'pos2', id: 102 });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
  return w;
}

/**
 * The same sale torn at pos1 and then made at pos2: the card's slot at pos1's
 * target counter holds exactly pos1's amounts, written by pos2. Only the writer
 * tells them apart (issue 8, bug 5: a samePurse without writerTerminalId).
 */
test('settle: same amount at the target counter, written by another terminal, did not land', async () => {
  const w = await world();
  try {
    type(w, 'pos1', '12.50');
    const torn = await w.tap('pos1', 'alice', { tearAfterBytes: TEAR_UNCERTAIN_NOT_LANDED_BYTES });
    assert.deepEqual(torn.beeps, ['retry']);
    w.key('pos1', 'cancel');
    type(w, 'pos2', '12.50');
    assert.deepEqual((await w.tap('pos2', 'alice')).beeps, ['ok']);

    const body = firstBody(w.terminal('pos1').terminal.journal, KIND.intent);
    const card = await w.inspect('alice');
    const atTarget = card.slots.flatMap((s) => (s.ok ? [s.value] : [])).find((p) => p.counter === body.counterAfter);
    assert.deepEqual({ ...atTarget, writerTerminalId: 101 }, body.next, 'the case: same purse but for its writer');
    assert.equal(settle(body, card), 'not-landed');

    await w.tap('pos1', 'alice'); // the card returns: pos1 settles its own record
    assert.equal(firstBody(w.terminal('pos1').terminal.journal, KIND.settle).outcome, 'not-landed');
    const after = await w.inspect('alice');
    assert.equal(after.purse.balance + after.purse.subsidy, 5_000 - 1_250, 'one sale on the card');
    assert.deepEqual((await w.reconcile()).problems, []);
  } finally {
    w.close();
  }
});

test('settle: our own write at the target counter landed; a card still at the counter before did not', async () => {
  for (const [tearAfterBytes, want] of [
    [32, 'landed'],
    [TEAR_UNCERTAIN_NOT_LANDED_BYTES, 'not-landed'],
  ] as const) {
    const w = await world();
    try {
      type(w, 'pos1', '12.50');
      await w.tap('pos1', 'alice', { tearAfterBytes });
      const body = firstBody(w.terminal('pos1').terminal.journal, KIND.intent);
      assert.equal(settle(body, await w.inspect('alice')), want, `tear after ${tearAfterBytes} bytes`);
    } finally {
      w.close();
    }
  }
});
