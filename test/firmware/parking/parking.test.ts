import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoToCardDay } from '../../../firmware/core/clock.ts';
import { checkRateTable, parkingFee } from '../../../firmware/parking/fee.ts';
import { decideGate, type GateRequest, type GateVerdict, type ParkingFacts } from '../../../firmware/parking/gate.ts';
import type { Credential } from '../../../firmware/policy/credential.ts';
import { cardRules, identity, localMs, LOST_CARD, OFFSET_MIN, STAFF, VISITOR } from '../door/fixtures.ts';
import { RATES } from './rates.ts';

const fee = (from: [string, number, number], to: [string, number, number]) => {
  const r = parkingFee(localMs(...from), localMs(...to), RATES, OFFSET_MIN);
  if (!r.ok) throw new Error(r.message);
  return r.feeCents;
};
const D1 = '2026-12-07';
const D2 = '2026-12-08';

test('fees inside one day: free minutes, first step, later steps, the daily cap', () => {
  const rows: [number, number, number][] = [
    // [hours, minutes after 08:00, expected cents]
    [0, 0, 0],
    [0, 15, 0],
    [0, 16, 500],
    [1, 0, 500],
    [1, 1, 800],
    [3, 0, 1_100],
    [9, 0, 2_900],
    [10, 0, 3_000], // 500 + 9 × 300 = 3,200, capped
    [15, 59, 3_000],
  ];
  for (const [h, m, want] of rows) {
    assert.equal(fee([D1, 8, 0], [D1, 8 + h + Math.floor(m / 60), m % 60]), want, `${h} h ${m} min`);
  }
});

test('fees across a day boundary: a step over midnight is one step; the cap is per local day', () => {
  assert.equal(fee([D1, 23, 30], [D2, 0, 30]), 500, 'one hour over midnight is one step, not two');
  assert.equal(fee([D1, 23, 30], [D2, 0, 31]), 800, 'the second step starts on the second day');
  assert.equal(fee([D1, 22, 0], [D2, 2, 0]), 1_400);
  // 20:00 to 09:00: day 1 has 4 steps (1,400), day 2 has 9 (2,700): each under its day's cap, 4,100 in all.
  assert.equal(fee([D1, 20, 0], [D2, 9, 0]), 4_100);
  // 08:00 to 10:00 the next day: 16 steps on day 1 (5,000 → 3,000), 10 on day 2 (3,000): both capped.
  assert.equal(fee([D1, 8, 0], [D2, 10, 0]), 6_000);
});

test('the day boundary is local midnight (UTC+8), not UTC midnight', () => {
  // 07:30–08:30 local is 23:30–00:30 UTC: one local day, so one cap, whatever UTC says.
  const tenHours = fee([D1, 7, 30], [D1, 17, 30]);
  assert.equal(tenHours, 3_000);
});

test('bad stays and bad rate tables are messages, not fees', () => {
  assert.equal(parkingFee(localMs(D2, 8), localMs(D1, 8), RATES, OFFSET_MIN).ok, false);
  const problems = checkRateTable({ ...RATES, stepMinutes: 0, stepCents: -1, freeMinutes: 1.5 });
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.deepEqual(checkRateTable(RATES), []);
});

function facts(over: Partial<ParkingFacts> = {}, inside: Map<number, number> = new Map()): ParkingFacts {
  return {
    cardRules,
    blacklisted: (n) => n === LOST_CARD,
    entryOf: (n) => inside.get(n) ?? null,
    passOf: (n) =>
      n === 5005 ? { untilDay: isoToCardDay('2026-12-31') } : n === 5006 ? { untilDay: isoToCardDay(D1) } : null,
    passClasses: [STAFF],
    rates: RATES,
    utcOffsetMinutes: OFFSET_MIN,
    nowMs: localMs(D1, 8),
    ...over,
  };
}
const visitor = (cardNumber = 1001): Credential => ({
  kind: 'card',
  identity: identity({ cardNumber, cardClass: VISITOR }),
});
const said = (v: GateVerdict) =>
  v.kind === 'refuse' ? `refuse:${v.reason}` : v.kind === 'leave' ? `leave:${v.feeCents}` : 'enter';

test('anti-passback: a car inside cannot enter again without an exit; the exit charges the stay', () => {
  const inside = new Map<number, number>();
  const at = (req: GateRequest, hh: number) => {
    const v = decideGate(req, facts({ nowMs: localMs(D1, hh) }, inside));
    if (v.kind === 'enter' && v.body.cardNumber !== null) inside.set(v.body.cardNumber, localMs(D1, hh));
    if (v.kind === 'leave' && v.body.cardNumber !== null) inside.delete(v.body.cardNumber);
    return said(v);
  };
  assert.equal(at({ kind: 'entry', credential: visitor() }, 8), 'enter');
  assert.equal(at({ kind: 'entry', credential: visitor() }, 9), 'refuse:already-inside');
  assert.equal(at({ kind: 'exit', credential: visitor() }, 11), 'leave:1100');
  assert.equal(at({ kind: 'exit', credential: visitor() }, 12), 'refuse:not-inside');
  assert.equal(at({ kind: 'entry', credential: visitor() }, 13), 'enter');
});

test('monthly passes park free through their last day; pass classes always; a lost card is refused offline', () => {
  const inside = new Map([
    [5005, localMs(D1, 8)],
    [5006, localMs(D1, 8)],
    [1001, localMs(D1, 8)],
  ]);
  const exit = (credential: Credential, day: string) =>
    said(decideGate({ kind: 'exit', credential }, facts({ nowMs: localMs(day, 12) }, inside)));
  assert.equal(exit({ kind: 'uid', cardNumber: 5005 }, D1), 'leave:0');
  assert.equal(exit({ kind: 'uid', cardNumber: 5006 }, D1), 'leave:0', 'the pass is valid through its last day');
  assert.equal(exit({ kind: 'uid', cardNumber: 5006 }, D2), 'leave:6000', 'expired: 28 h charged, two capped days');
  assert.equal(exit({ kind: 'card', identity: identity({ cardClass: STAFF }) }, D1), 'leave:0');
  assert.equal(exit(visitor(), D1), 'leave:1400');
  assert.equal(said(decideGate({ kind: 'entry', credential: visitor(LOST_CARD) }, facts())), 'refuse:blacklisted');
});

test('operator override: a lost ticket pays the flat fee; an open is journaled with the operator', () => {
  const lost = decideGate({ kind: 'override', operatorCard: 9, action: 'lost-ticket', cardNumber: null }, facts());
  assert.deepEqual(lost, {
    kind: 'leave',
    feeCents: 5_000,
    body: { cardNumber: null, entryMs: null, feeCents: 5_000, pass: false, lostTicket: true, operator: 9 },
  });
  const inside = new Map([[1001, localMs(D1, 7)]]);
  const again = decideGate(
    { kind: 'override', operatorCard: 9, action: 'open-entry', cardNumber: 1001 },
    facts({}, inside),
  );
  assert.deepEqual(again, { kind: 'enter', body: { cardNumber: 1001, pass: false, operator: 9 } });
  const out = decideGate(
    { kind: 'override', operatorCard: 9, action: 'open-exit', cardNumber: 1001 },
    facts({}, inside),
  );
  assert.ok(
    out.kind === 'leave' && out.feeCents === 0 && out.body.entryMs === localMs(D1, 7) && out.body.operator === 9,
  );
});
