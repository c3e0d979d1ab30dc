import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../../simulator/world.ts';
import { START } from './pos-world.ts';

// Issue #9 item 10: a terminal whose sync stopped must not look healthy; the cashier sees the mark at rest.
test('a stopped sync is marked on the resting screen, and only while it lasts', async () => {
  let alarm: { reason: string } | null = null;
  const w = new SimWorld({ seed: 5, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101, syncAlarm: () => alarm });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 2_000 });
  assert.doesNotMatch(w.key('pos1', 'cancel').screen.cashier.en, /SYNC STOPPED/);
  alarm = { reason: 'backend-ahead' };
  const marked = w.key('pos1', 'cancel').screen;
  assert.match(marked.cashier.en, /SYNC STOPPED: backend-ahead/);
  assert.doesNotMatch(marked.customer.en, /SYNC/, 'the holder is not shown the operator mark');
  alarm = null;
  assert.doesNotMatch(w.key('pos1', 'cancel').screen.cashier.en, /SYNC STOPPED/);
});
