import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND, type IntentBody, type PurseEvidence, type WireRecord } from '../../protocol/index.ts';
import { Ledger } from '../../backend/ledger.ts';
import { openBackendDb } from '../../backend/schema.ts';

/** The backend's ledger settles open writes on other terminals' intents (protocol/settlement.ts). */
const T = Date.parse('2026-11-23T03:30:00Z');
const CARD = 1001;
const SALE_CENTS = 300;
const issued: PurseEvidence = {
  counter: 0,
  balance: 5_000,
  subsidy: 0,
  lastCreditSeq: 0,
  day: 9_000,
  spentToday: 0,
  writerTerminalId: 0,
};

/** A sale by `terminal` from the purse it read (`from`, written by `from.writerTerminalId`). */
function intent(terminal: number, seq: number, from: PurseEvidence): { record: WireRecord; next: PurseEvidence } {
  const moved = { counter: from.counter + 1, balance: from.balance - SALE_CENTS };
  const next = { ...from, ...moved, writerTerminalId: terminal };
  const body: IntentBody = {
    tx: 'sale',
    cardNumber: CARD,
    uid: '04a1b2c3',
    unit: 'cents',
    chargedAmount: SALE_CENTS,
    fromSubsidy: 0,
    fromBalance: SALE_CENTS,
    listAmountCents: SALE_CENTS,
    discountAmount: 0,
    counterBefore: from.counter,
    counterAfter: next.counter,
    writerBefore: from.writerTerminalId,
    otherSlot: null,
    next,
  };
  return { record: { seq, kind: KIND.intent, atMs: T, card: CARD, ref: null, body }, next };
}
const commit = (seq: number, ref: number): WireRecord => {
  return { seq, kind: KIND.commit, atMs: T, card: CARD, ref, body: { intentSeq: ref } };
};

function ledger(): { ledger: Ledger; close: () => void } {
  const db = openBackendDb(':memory:');
  return { ledger: new Ledger(db), close: () => db.close() };
}

test('ledger: a torn write another terminal later read as ours landed', () => {
  const { ledger: l, close } = ledger();
  try {
    const torn = intent(101, 1, issued); // 101's write tore: open
    l.onRecord(101, torn.record);
    const after = intent(102, 1, torn.next); // 102 read counter 1 written by 101
    l.onRecord(102, after.record, commit(2, 1));
    const r = l.report(CARD);
    assert.deepEqual([r.landed, r.movedCents, r.counter, r.open, r.gaps], [2, 2 * SALE_CENTS, 2, 0, []]);
  } finally {
    close();
  }
});

test('ledger: a torn write whose counter another terminal wrote did not land, whatever others read', () => {
  const { ledger: l, close } = ledger();
  try {
    const torn = intent(101, 1, issued);
    l.onRecord(101, torn.record);
    const other = intent(102, 1, issued); // 102 wrote counter 1 itself (the card kept the old state)
    l.onRecord(102, other.record, commit(2, 1));
    // A copy of the card on which 101's write did land, read at 103: evidence for 101 at counter 1.
    l.onRecord(103, intent(103, 1, torn.next).record);
    const r = l.report(CARD);
    assert.equal(r.movedCents, SALE_CENTS, "only 102's write counts at counter 1");
    assert.equal(r.landed, 1);
  } finally {
    close();
  }
});
