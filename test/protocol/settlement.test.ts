import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PURSE_FIELDS, settlement } from '../../protocol/settlement.ts';
import type { PurseEvidence, Settlement, SettlementEvidence } from '../../protocol/settlement.ts';

/** Every case of the one settlement rule (terminal, backend and simulator all use it). */
const US = 101;
const THEM = 102;
const before: PurseEvidence = {
  counter: 4,
  balance: 5_000,
  subsidy: 0,
  lastCreditSeq: 0,
  day: 9_000,
  spentToday: 0,
  writerTerminalId: THEM,
};
const next: PurseEvidence = { ...before, counter: 5, balance: 3_750, spentToday: 1_250, writerTerminalId: US };
const none: SettlementEvidence = {
  write: { terminalId: US, next },
  otherLandedAtTarget: false,
  slots: [],
  cardCounter: null,
  sightings: [],
};

const at = (counter: number): PurseEvidence => ({ ...before, counter });
const cases: { name: string; evidence: Partial<SettlementEvidence>; want: Settlement }[] = [
  {
    name: 'the card holds our state at the target',
    evidence: { slots: [before, next], cardCounter: 5 },
    want: 'landed',
  },
  {
    name: 'our state at the target, the card moved on once since',
    evidence: { slots: [at(6), next], cardCounter: 6 },
    want: 'landed',
  },
  // Same amounts, another terminal's write: a different write at the same counter (issue 8, bug 5).
  {
    name: 'same amounts at the target, other writer',
    evidence: { slots: [before, { ...next, writerTerminalId: THEM }], cardCounter: 5 },
    want: 'not-landed',
  },
  {
    name: 'other amounts at the target',
    evidence: { slots: [before, { ...next, balance: 4_000 }], cardCounter: 5 },
    want: 'not-landed',
  },
  {
    name: 'the card still at the counter before',
    evidence: { slots: [at(3), before], cardCounter: 4 },
    want: 'not-landed',
  },
  {
    name: 'the card below the target, no slot at it (rolled back)',
    evidence: { slots: [at(2), at(3)], cardCounter: 3 },
    want: 'not-landed',
  },
  {
    name: 'both slots past the target, no other evidence',
    evidence: { slots: [at(6), at(7)], cardCounter: 7 },
    want: 'unknown',
  },
  {
    name: 'another write landed at the target',
    evidence: { otherLandedAtTarget: true, slots: [before, next], cardCounter: 5 },
    want: 'not-landed',
  },
  {
    name: 'no card: another terminal read the target as written by us',
    evidence: { sightings: [{ counter: 5, writer: US }] },
    want: 'landed',
  },
  {
    name: 'no card: another terminal read the target as written by someone else',
    evidence: { sightings: [{ counter: 5, writer: THEM }] },
    want: 'not-landed',
  },
  {
    name: 'no card: sightings of other counters only',
    evidence: {
      sightings: [
        { counter: 4, writer: US },
        { counter: 6, writer: US },
      ],
    },
    want: 'unknown',
  },
  { name: 'no card, no sightings', evidence: {}, want: 'unknown' },
  {
    name: 'a slot on the card outweighs a sighting',
    evidence: { slots: [{ ...next, writerTerminalId: THEM }], sightings: [{ counter: 5, writer: US }], cardCounter: 5 },
    want: 'not-landed',
  },
  {
    name: 'an invalid slot left only a sighting',
    evidence: { slots: [at(6)], sightings: [{ counter: 5, writer: US }], cardCounter: 6 },
    want: 'landed',
  },
];

for (const c of cases)
  test(`settlement: ${c.name} → ${c.want}`, () => {
    assert.equal(settlement({ ...none, ...c.evidence }), c.want);
  });

test('settlement: any one field of the slot at the target differing means another write', () => {
  for (const f of PURSE_FIELDS.filter((f) => f !== 'counter')) {
    const other = { ...next, [f]: next[f] + 1 };
    assert.equal(settlement({ ...none, slots: [before, other], cardCounter: 5 }), 'not-landed', f);
  }
});
