import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESCROW_DECISION_MS } from '../../../drivers/cash/ccnet/core.ts';
import { POLL_INTERVAL_MS, startPolling } from '../../../drivers/cash/ccnet/driver.ts';
import { describeValidator, validatorSelftest } from '../../../drivers/cash/ccnet/selftest.ts';
import { openCcnetSerial } from '../../../drivers/cash/ccnet/serial.ts';
import type { CashEvent } from '../../../drivers/cash/ccnet/events.ts';
import { cycles, ready, rig, until } from './harness.ts';

const kinds = (events: CashEvent[]) => events.map((e) => e.kind);

test('start-up: power-up → RESET → bill table → enabled, idle', async () => {
  const r = await rig();
  await ready(r.driver);
  assert.deepEqual(kinds(r.driver.takeEvents()), ['power-up']);
  assert.deepEqual(
    r.driver.billTable?.map((e) => e.valueCents),
    [100, 500, 1000, 2000, 5000, 10000],
  );
  assert.equal(r.emulator.state, 'idle');
  assert.ok(r.log.some((l) => /"event":"ccnet.state","from":"power-up","to":"initialising","why":"poll"/.test(l)));
  await r.close();
});

test('a bill: escrow → stack → stacked reported once (even when our ACKs are lost) → acknowledged → next bill', async () => {
  const r = await rig();
  await ready(r.driver);
  r.driver.takeEvents();
  r.emulator.insert(3);
  await until(r.driver, 'escrow');
  assert.deepEqual(r.driver.takeEvents(), [{ kind: 'escrow', billType: 3, valueCents: 2000, currency: 'CHN' }]);
  r.emulator.dropAcks = 2;
  assert.deepEqual(r.driver.stack(), { ok: true });
  await until(r.driver, 'stacked');
  await cycles(r.driver, 4);
  const stacked = r.driver.takeEvents().filter((e) => e.kind === 'stacked');
  assert.equal(stacked.length, 1);
  assert.deepEqual(r.emulator.cassette, [3]);
  const ev = stacked[0]!;
  assert.ok(ev.kind === 'stacked' && ev.valueCents === 2000 && !ev.withoutEscrow);
  // Until the caller has recorded it, the validator takes no second bill.
  assert.equal(r.emulator.state, 'disabled');
  assert.equal(r.driver.openStacked.length, 1);
  assert.deepEqual(r.driver.acknowledge(ev.id), { ok: true });
  await cycles(r.driver, 2); // ENABLE, then the POLL that sees it
  assert.equal(r.emulator.state, 'idle');
  assert.equal(r.driver.acknowledge(ev.id).ok, false);
  await r.close();
});

test('return: the bill comes back, nothing is stacked', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.insert(5);
  await until(r.driver, 'escrow');
  r.driver.returnBill();
  await until(r.driver, 'returned');
  await cycles(r.driver, 2);
  const events = r.driver.takeEvents();
  assert.ok(events.some((e) => e.kind === 'returned' && e.billType === 5));
  assert.ok(!events.some((e) => e.kind === 'stacked' || e.kind === 'escrow-timeout'));
  assert.deepEqual(r.emulator.cassette, []);
  await r.close();
});

test('rejecting: a forged bill and a bill type not enabled are rejected with their reasons', async () => {
  const r = await rig();
  await ready(r.driver, [0, 1, 2]);
  r.driver.takeEvents();
  r.emulator.insert(2, true);
  await until(r.driver, 'rejecting');
  await until(r.driver, 'idle');
  r.emulator.insert(5);
  await until(r.driver, 'rejecting');
  await until(r.driver, 'idle');
  const rejected = r.driver.takeEvents().filter((e) => e.kind === 'rejected');
  assert.deepEqual(
    rejected.map((e) => e.kind === 'rejected' && e.text),
    ['verification', 'inhibited denomination'],
  );
  assert.deepEqual(r.emulator.cassette, []);
  await r.close();
});

test('escrow timeout: nobody decides within the limit, the bill is returned and it is said why', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.insert(1);
  await until(r.driver, 'escrow');
  await cycles(r.driver, 3);
  assert.equal(r.emulator.state, 'escrow');
  r.time.now += ESCROW_DECISION_MS;
  await until(r.driver, 'returned');
  assert.ok(r.driver.takeEvents().some((e) => e.kind === 'escrow-timeout' && e.billType === 1));
  await r.close();
});

test('wrong calls are refused with a message and change nothing', async () => {
  const r = await rig();
  await ready(r.driver);
  assert.deepEqual(r.driver.stack(), { ok: false, error: 'no bill in escrow (validator is idle)' });
  assert.deepEqual(r.driver.enable([1, 24]), { ok: false, error: 'bill type 24 is not 0..23' });
  assert.deepEqual(r.driver.acknowledge(99), { ok: false, error: 'no open stacked event 99' });
  await cycles(r.driver, 2);
  assert.equal(r.emulator.state, 'idle');
  await r.close();
});

test('a corrupt reply is NAKed and the command tried again', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.corruptReplies = 2;
  await cycles(r.driver, 1);
  assert.equal(r.driver.linkCounters.badCrc, 2);
  assert.equal(r.driver.device.kind, 'idle');
  await r.close();
});

test('the poll loop runs cycles on the injected scheduler, one every POLL_INTERVAL_MS, until stopped', async () => {
  const r = await rig();
  r.driver.enable([0, 1]);
  const stop = startPolling(r.driver, r.time);
  await new Promise<void>((resolve) => {
    const check = () => (r.driver.device.kind === 'idle' ? resolve() : setImmediate(check));
    check();
  });
  stop();
  const polls = r.emulator.received.filter((p) => p[0] === 0x33).length;
  assert.ok(polls >= 3);
  assert.equal(r.time.now % POLL_INTERVAL_MS, 0);
  assert.ok(r.time.now >= POLL_INTERVAL_MS * 4);
  await r.close();
});

test('selftest: reads the bill table and leaves the validator disabled', async () => {
  const r = await rig();
  const result = await validatorSelftest(r.driver);
  await cycles(r.driver, 1);
  assert.equal(r.emulator.state, 'disabled');
  const lines = describeValidator(result);
  assert.equal(lines[0], 'state: {"kind":"disabled"}');
  assert.ok(lines.includes('bill type 5: 10000 cents (CHN)'));
  await r.close();
});

test('hold: the bill stays in escrow and the decision deadline starts again from the HOLD', async () => {
  const r = await rig();
  await ready(r.driver);
  r.emulator.insert(2);
  await until(r.driver, 'escrow');
  r.time.now += ESCROW_DECISION_MS - 1_000;
  assert.deepEqual(r.driver.hold(), { ok: true });
  await cycles(r.driver, 2); // HOLD, then the POLL that sees the bill still in escrow
  assert.equal(r.emulator.received.filter((p) => p[0] === 0x38).length, 1);
  r.time.now += ESCROW_DECISION_MS - 1;
  await cycles(r.driver, 2);
  assert.equal(r.emulator.state, 'escrow');
  r.time.now += 1;
  await until(r.driver, 'returned');
  assert.ok(r.driver.takeEvents().some((e) => e.kind === 'escrow-timeout'));
  await r.close();
});

test('opening a serial port that does not exist is an error value naming it', async () => {
  const r = await openCcnetSerial('/dev/onecard-no-such-validator');
  assert.equal(r.ok, false);
  assert.match(
    r.ok ? '' : r.error,
    /^peripherals\.billAcceptor\.device: cannot open \/dev\/onecard-no-such-validator: /,
  );
});
