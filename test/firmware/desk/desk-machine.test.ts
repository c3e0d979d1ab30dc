import { test } from 'node:test';
import assert from 'node:assert/strict';
import { next, type DeskState } from '../../../firmware/desk/desk-machine.ts';

/** The desk's pure machine: what each event does in each state, and what it asks to perform. */
const deposit = { kind: 'deposit', amountCents: 1_000 } as const;
const retap: DeskState = {
  mode: 'retap',
  op: deposit,
  uid: '04a1b2c3',
  resume: { stage: 'deposit', ref: null },
  problem: 'card left the field',
};

test('idle: a request waits for its card; a card with nothing asked is read', () => {
  const asked = next({ mode: 'idle' }, { kind: 'request', op: deposit });
  assert.deepEqual(asked.state, { mode: 'await-card', op: deposit });
  const read = next({ mode: 'idle' }, { kind: 'card', uid: '04a1b2c3' });
  assert.deepEqual(read.effects, [{ kind: 'perform', op: { kind: 'read' }, resume: null }]);
  assert.deepEqual(next({ mode: 'idle' }, { kind: 'abandon' }).state, { mode: 'idle' });
});

test('await-card: the card performs the operation; done rests, refused stays, a cut waits for the same card', () => {
  const s: DeskState = { mode: 'await-card', op: deposit };
  assert.deepEqual(next(s, { kind: 'card', uid: '04a1b2c3' }).effects, [
    { kind: 'perform', op: deposit, resume: null },
  ]);
  assert.deepEqual(next(s, { kind: 'result', result: { kind: 'done', lines: ['ok'] } }).state, { mode: 'idle' });
  const refused = next(s, { kind: 'result', result: { kind: 'refused', detail: 'over the cap' } });
  assert.deepEqual(refused.state, s);
  assert.deepEqual(refused.effects, [{ kind: 'show', lines: ['refused: over the cap'] }]);
  const cut = next(s, {
    kind: 'result',
    result: { kind: 'cut', uid: '04a1b2c3', resume: { stage: 'deposit', ref: null }, problem: 'card left the field' },
  });
  assert.deepEqual(cut.state, retap);
});

test('retap: only the same card resumes; no new operation until it is finished or abandoned', () => {
  assert.deepEqual(next(retap, { kind: 'card', uid: '04a1b2c3' }).effects, [
    { kind: 'perform', op: deposit, resume: { stage: 'deposit', ref: null } },
  ]);
  const other = next(retap, { kind: 'card', uid: '04ffffff' });
  assert.deepEqual(other.state, retap);
  assert.equal(other.effects[0]?.kind, 'show');
  const asked = next(retap, { kind: 'request', op: { kind: 'read' } });
  assert.deepEqual(asked.state, retap);
  assert.match((asked.effects[0] as { lines: string[] }).lines[0]!, /finish first: place card 04a1b2c3 again/);
  assert.deepEqual(next(retap, { kind: 'abandon' }).state, { mode: 'idle' });
});
