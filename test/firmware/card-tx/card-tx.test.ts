import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardApp, type CardImage } from '../../../firmware/card/app.ts';
import type { CardKeys } from '../../../firmware/card/keys.ts';
import type { CardIdentity, PurseState } from '../../../firmware/card/layout.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { CardTransactions } from '../../../firmware/card-tx/card-tx.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { Journal } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { atFirstWrite, copyJournal } from './power-cut.ts';

const T = Date.parse('2026-11-23T03:30:00Z');
const UTC_OFFSET_MINUTES = 480;
const TERMINAL = 101;
const SALE_CENTS = 1_250;
const app = new CardApp(deriveSimMasterKeys(1));
const IDENTITY: Omit<CardIdentity, 'pinVerifier'> = {
  tenantId: 1,
  cardNumber: 1001,
  cardClass: 2,
  expiryDay: 11322,
  issueDay: 9823,
  flags: { frozen: false, pinRequired: false, countPurse: false },
};
const PURSE: PurseState = {
  counter: 0,
  balance: 4_750,
  subsidy: 0,
  lastCreditSeq: 0,
  day: 9823,
  spentToday: 0,
  writerTerminalId: 0,
};

interface Rig {
  dir: string;
  journal: Journal;
  tx: CardTransactions;
  vcard: VirtualClassicCard;
  reader: VirtualReader;
  card: CardImage;
  keys: CardKeys;
}

async function rig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'card-tx-'));
  const journal = Journal.open({ path: join(dir, 'journal.db'), clock: new ManualClock(T), log: silentLogger });
  const vcard = VirtualClassicCard.blank(new Uint8Array([4, 0xa1, 0xb2, 0xc3]));
  const reader = new VirtualReader();
  reader.place(vcard);
  assert.deepEqual(await app.issue(reader.open()!, IDENTITY, PURSE), { kind: 'written' });
  const read = await app.read(reader.open()!);
  if (!read.ok) assert.fail(read.problem);
  const tx = new CardTransactions(journal, app, silentLogger, UTC_OFFSET_MINUTES);
  return { dir, journal, tx, vcard, reader, card: read.card, keys: read.keys };
}

function sale(card: CardImage) {
  const p = card.purse;
  const moved = { balance: p.balance - SALE_CENTS, spentToday: SALE_CENTS };
  const next = { ...p, ...moved, counter: p.counter + 1, writerTerminalId: TERMINAL };
  const charged = { chargedAmount: SALE_CENTS, fromSubsidy: 0, fromBalance: SALE_CENTS, discountAmount: 0 };
  return { kind: 'approve' as const, next, ...charged };
}

/**
 * The power goes at the first card byte: what is in the journal's files at that
 * instant is all a restart has. Copies them (the WAL too) and recovers a terminal
 * from the copy: the sale's intent must be there, and recovery must mark it uncertain.
 */
function journalAsACutWouldLeaveIt(r: Rig): Journal {
  const cut = copyJournal(r.dir, r.dir);
  return Journal.open({ path: join(cut, 'journal.db'), clock: new ManualClock(T + 1_000), log: silentLogger });
}

test('card-tx: the intent is in the journal file before the first byte goes to the card', async () => {
  const r = await rig();
  try {
    let checked = false;
    const session = atFirstWrite(r.reader.open()!, () => {
      const survivor = journalAsACutWouldLeaveIt(r);
      try {
        const records = [...scanJournal(survivor)];
        assert.deepEqual(
          records.map((x) => x.kind),
          [KIND.intent],
          'only the intent, no outcome yet',
        );
        assert.equal(records[0].card, IDENTITY.cardNumber);
        const restarted = new CardTransactions(survivor, app, silentLogger, UTC_OFFSET_MINUTES);
        assert.equal(restarted.recoverInterrupted(), 1, 'a restart sees the write in flight');
      } finally {
        survivor.close();
      }
      checked = true;
    });
    const out = await r.tx.execute(session, r.card, r.keys, sale(r.card), { tx: 'sale', listAmountCents: SALE_CENTS });
    assert.ok(checked, 'the card was written');
    assert.equal(out.kind, 'committed');
    assert.deepEqual(
      [...scanJournal(r.journal)].map((x) => x.kind),
      [KIND.intent, KIND.commit],
    );
  } finally {
    r.journal.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('card-tx: a card gone before the first write aborts; a tear past the MAC block stays open', async () => {
  for (const [arm, want] of [
    ['remove', 'aborted'],
    ['tear', 'uncertain'],
  ] as const) {
    const r = await rig();
    try {
      if (arm === 'remove')
        r.vcard.armRemovalBeforeOp(1); // after the sector auth, before the first write
      else r.vcard.armTear(20);
      const meta = { tx: 'sale' as const, listAmountCents: SALE_CENTS };
      const out = await r.tx.execute(r.reader.open()!, r.card, r.keys, sale(r.card), meta);
      assert.equal(out.kind, want, arm);
      assert.equal(r.tx.openIntents(IDENTITY.cardNumber).length, want === 'uncertain' ? 1 : 0, `${arm}: open intents`);
      assert.equal(r.journal.totals('sales-day', '2026-11-23').amountCents, 0, `${arm}: nothing counted yet`);
    } finally {
      r.journal.close();
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
});
