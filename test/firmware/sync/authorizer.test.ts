import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { SessionAuthorizer } from '../../../firmware/sync/authorizer.ts';
import type { AuthorizeRequest, AuthorizeResponse } from '../../../protocol/index.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';

/** The OnlineAuthorizer contract over a session: settles by the deadline, never approves late. */
function setup() {
  const clock = new ManualClock(1_795_000_000_000);
  const sched = new VirtualScheduler(clock);
  const auth = new SessionAuthorizer(clock, sched, silentLogger);
  const sent: AuthorizeRequest[] = [];
  return { clock, sched, auth, sent, attach: () => auth.attach({ send: (m) => sent.push(m) > 0 }) };
}
const UID = Uint8Array.of(0x04, 0xd4, 0xd4, 0xd4);
const approve = (stan: number, amount: number): AuthorizeResponse => ({
  type: 'authorizeResponse',
  stan,
  result: 'approved',
  reason: 'none',
  approvedAmountCents: amount,
  balanceCents: 100,
  authCode: 123456,
});

test('no session: unavailable at once, the backend unreachable (the request never left)', async () => {
  const { auth, clock } = setup();
  assert.deepEqual(
    await auth.authorize({ stan: 1, cardNumber: 5, uid: UID, amountCents: 100 }, clock.nowMs() + 1_500),
    { kind: 'unavailable', why: 'backend-unreachable' },
  );
});

test('a send that fails is backend-unreachable; a backend that says retry is a timeout (§6.7)', async () => {
  const { auth, clock } = setup();
  auth.attach({ send: () => false });
  assert.deepEqual(
    await auth.authorize({ stan: 2, cardNumber: 5, uid: UID, amountCents: 100 }, clock.nowMs() + 1_500),
    { kind: 'unavailable', why: 'backend-unreachable' },
  );
  auth.attach({ send: () => true });
  const p = auth.authorize({ stan: 3, cardNumber: 5, uid: UID, amountCents: 100 }, clock.nowMs() + 1_500);
  auth.onResponse({ ...approve(3, 0), result: 'retry', reason: 'system-error' });
  assert.deepEqual(await p, { kind: 'unavailable', why: 'timeout' });
});

test('an answer in time approves or declines; the request says how long the terminal waits', async () => {
  const { auth, clock, sched, sent, attach } = setup();
  attach();
  const p = auth.authorize({ stan: 7, cardNumber: 5005, uid: UID, amountCents: 1_200 }, clock.nowMs() + 1_500);
  assert.deepEqual([sent[0].stan, sent[0].amountCents, sent[0].deadlineMs, sent[0].purpose], [7, 1_200, 1_500, 'sale']);
  assert.deepEqual(sent[0].uid, UID, "the card's UID goes with the request");
  await sched.run(300);
  auth.onResponse(approve(7, 1_200));
  assert.deepEqual(await p, { kind: 'approved', authCode: '123456', balanceCents: 100 });
  const q = auth.authorize({ stan: 8, cardNumber: 5005, uid: UID, amountCents: 9_999 }, clock.nowMs() + 1_500);
  auth.onResponse({ ...approve(8, 0), result: 'declined', reason: 'insufficient-funds' });
  assert.deepEqual(await q, { kind: 'declined', reason: 'insufficient-balance' });
});

test('no answer by the deadline: unavailable; the late approval is dropped, never used', async () => {
  const { auth, clock, sched, attach } = setup();
  attach();
  let result: unknown = null;
  void auth
    .authorize({ stan: 9, cardNumber: 5005, uid: UID, amountCents: 500 }, clock.nowMs() + 1_500)
    .then((r) => (result = r));
  await sched.run(1_499);
  assert.equal(result, null, 'still waiting 1 ms before the deadline');
  await sched.run(1);
  assert.deepEqual(result, { kind: 'unavailable', why: 'timeout' });
  auth.onResponse(approve(9, 500));
  assert.equal(auth.stats.late, 1);
  assert.equal(auth.stats.approved, 0);
});

test('a session that closes settles waiting requests as unavailable: a timeout, the backend may have seen them', async () => {
  const { auth, clock, attach } = setup();
  attach();
  const p = auth.authorize({ stan: 10, cardNumber: 5005, uid: UID, amountCents: 500 }, clock.nowMs() + 1_500);
  auth.attach(null);
  assert.deepEqual(await p, { kind: 'unavailable', why: 'timeout' });
});
