import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardApp, type CardImage } from '../../../firmware/card/app.ts';
import type { PurseState } from '../../../firmware/card/layout.ts';
import { cardDay, ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { CardTransactions } from '../../../firmware/card-tx/card-tx.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { chargeAtExit } from '../../../firmware/parking/exit-charge.ts';
import { parkingFee } from '../../../firmware/parking/fee.ts';
import type { PolicyRules } from '../../../firmware/policy/policy.ts';
import { Journal } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { cardRules, identity, localMs, OFFSET_MIN } from '../door/fixtures.ts';
import { RATES } from './rates.ts';

const app = new CardApp(deriveSimMasterKeys(1));
const ENTRY_MS = localMs('2026-12-07', 22, 10);
const EXIT_MS = localMs('2026-12-08', 1, 40);
const BALANCE_CENTS = 4_750;
/** The door fixtures' staff card, issued here with no PIN. */
const { pinVerifier: _noPin, ...IDENTITY } = identity();
const PURSE: PurseState = {
  counter: 0,
  balance: BALANCE_CENTS,
  subsidy: 0,
  lastCreditSeq: 0,
  day: 9823,
  spentToday: 0,
  writerTerminalId: 0,
};
const rules: PolicyRules = {
  tenantId: 1,
  terminalId: 301,
  classes: cardRules.classes,
  allowedClasses: [],
  minSaleCents: 1,
  maxSaleCents: 100_000,
  balanceCapCents: 1_000_000,
  usesPerSale: 1,
};

async function exitRig() {
  const dir = mkdtempSync(join(tmpdir(), 'parking-exit-'));
  const clock = new ManualClock(EXIT_MS);
  const journal = Journal.open({ path: join(dir, 'journal.db'), clock, log: silentLogger });
  const vcard = VirtualClassicCard.blank(new Uint8Array([4, 0xa1, 0xb2, 0xc3]));
  const reader = new VirtualReader();
  reader.place(vcard);
  assert.deepEqual(await app.issue(reader.open()!, IDENTITY, PURSE), { kind: 'written' });
  const tx = new CardTransactions(journal, app, silentLogger, OFFSET_MIN);
  const fee = parkingFee(ENTRY_MS, EXIT_MS, RATES, OFFSET_MIN);
  assert.ok(fee.ok);
  const charge = (pendingIntentSeq: number | null) =>
    chargeAtExit({
      tx,
      cards: app,
      session: reader.open()!,
      context: (card: CardImage) => ({
        identity: card.identity,
        purse: card.purse,
        blacklisted: false,
        lastSeenCounter: tx.lastSeenCounter(card.identity.cardNumber),
        today: cardDay(clock.nowMs(), OFFSET_MIN),
        rules,
      }),
      feeCents: fee.feeCents,
      pendingIntentSeq,
    });
  const balance = async () => {
    const read = await app.read(reader.open()!);
    if (!read.ok) throw new Error(read.problem);
    return read.card.purse.balance;
  };
  const done = () => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { journal, vcard, reader, charge, balance, feeCents: fee.feeCents, done };
}

test('the exit fee over midnight comes off the purse once', async () => {
  const r = await exitRig();
  try {
    // 22:10 to 01:40: steps at 22:10, 23:10 (day 1) and 00:10, 01:10 (day 2).
    assert.equal(r.feeCents, 500 + 300 + 300 + 300);
    const out = await r.charge(null);
    assert.equal(out.kind, 'paid');
    assert.equal(await r.balance(), BALANCE_CENTS - r.feeCents);
  } finally {
    r.done();
  }
});

test('a card torn at the exit is charged exactly once, whether the torn write landed or not', async () => {
  // 20 bytes: the data block and 4 bytes of the MAC block (the old slot stands); 32: both blocks, read-back lost.
  for (const [tearAfterBytes, landed] of [
    [20, false],
    [32, true],
  ] as const) {
    const r = await exitRig();
    try {
      r.vcard.armTear(tearAfterBytes);
      const first = await r.charge(null);
      assert.equal(first.kind, 'uncertain', `tear ${tearAfterBytes}`);
      if (first.kind !== 'uncertain') continue;
      r.vcard.disarm();
      r.reader.place(r.vcard); // the driver taps again
      const second = await r.charge(first.intentSeq);
      assert.deepEqual(
        second.kind === 'paid' && { settledEarlier: second.settledEarlier },
        { settledEarlier: landed },
        `tear ${tearAfterBytes}: ${JSON.stringify(second)}`,
      );
      assert.equal(await r.balance(), BALANCE_CENTS - r.feeCents, `tear ${tearAfterBytes}: one fee off the purse`);
      const records = r.journal.after(0, 100);
      const final = records.filter(
        (x) =>
          x.kind === KIND.commit || (x.kind === KIND.settle && (x.body as { outcome?: string }).outcome === 'landed'),
      );
      assert.equal(
        final.length,
        1,
        `tear ${tearAfterBytes}: one write made final (${records.map((x) => x.kind).join(', ')})`,
      );
    } finally {
      r.done();
    }
  }
});
