import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardApp } from '../../../firmware/card/app.ts';
import type { KeyRing } from '../../../firmware/card/key-ring.ts';
import type { PurseState } from '../../../firmware/card/layout.ts';
import { rekeyCard } from '../../../firmware/card/rekey.ts';
import { rekeyBulk } from '../../../firmware/card/rekey-bulk.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualClassicCard, type TearFill } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';

const OLD = deriveSimMasterKeys(1);
const NEW = deriveSimMasterKeys(2);
const RING: KeyRing = { current: { keyVersion: 2, keys: NEW }, previous: { keyVersion: 1, keys: OLD } };
/** Three sector trailers of 16 bytes each. */
const REKEY_WRITE_BYTES = 48;
const PURSE: PurseState = {
  counter: 0,
  balance: 4750,
  subsidy: 1000,
  lastCreditSeq: 0,
  day: 9823,
  spentToday: 0,
  writerTerminalId: 0,
};
const IDENTITY = {
  tenantId: 1,
  cardNumber: 1001,
  cardClass: 2,
  expiryDay: 11322,
  issueDay: 9823,
  flags: { frozen: false, pinRequired: false, countPurse: false },
};

async function issuedOnOld(): Promise<{ card: VirtualClassicCard; reader: VirtualReader }> {
  const card = VirtualClassicCard.blank(new Uint8Array([4, 0xa1, 0xb2, 0xc3]));
  const reader = new VirtualReader();
  reader.place(card);
  assert.deepEqual(await new CardApp(OLD).issue(reader.open()!, IDENTITY, PURSE), { kind: 'written' });
  return { card, reader };
}

/** Every block that is not a sector trailer: identity, purse, everything the money lives in. */
function dataBlocks(card: VirtualClassicCard): string {
  const dump = card.dump();
  const parts: string[] = [];
  for (let block = 0; block < 64; block++) {
    if (block % 4 !== 3) parts.push(Buffer.from(dump.subarray(block * 16, block * 16 + 16)).toString('hex'));
  }
  return parts.join('');
}

test('a card on the previous version is re-keyed in place, then reads as current', async () => {
  const { card, reader } = await issuedOnOld();
  const before = dataBlocks(card);
  assert.deepEqual(await rekeyCard(reader.open()!, RING), {
    kind: 'rekeyed',
    fromKeyVersion: 1,
    toKeyVersion: 2,
    sectors: [2, 3, 1],
  });
  assert.deepEqual(await rekeyCard(reader.open()!, RING), { kind: 'current', keyVersion: 2 });
  assert.equal(dataBlocks(card), before, 'no data block written');
});

test('a card older than the previous version is refused with a clear reason and left untouched', async () => {
  const { card, reader } = await issuedOnOld();
  const dump = Buffer.from(card.dump()).toString('hex');
  const later: KeyRing = { current: { keyVersion: 3, keys: deriveSimMasterKeys(3) }, previous: RING.current };
  const outcome = await rekeyCard(reader.open()!, later);
  assert.equal(outcome.kind, 'refused');
  if (outcome.kind === 'refused') assert.match(outcome.reason, /no key version this terminal holds \(3 or 2\)/);
  assert.equal(Buffer.from(card.dump()).toString('hex'), dump);
});

// 'erased' is left out on purpose: zeroed access bytes (trailer bytes 6-9) make a MIFARE Classic sector
// refuse every key for good, and no order of writes avoids that (LAYOUT.md §8 says so).
for (const fill of ['prefix'] as TearFill[]) {
  test(`a re-key torn at every byte of its writes (${fill}) is finished by the next tap, data unchanged`, async () => {
    for (let cut = 0; cut < REKEY_WRITE_BYTES; cut++) {
      const { card, reader } = await issuedOnOld();
      const before = dataBlocks(card);
      card.armTear(cut, fill);
      const first = await rekeyCard(reader.open()!, RING);
      assert.equal(first.kind, 'uncertain', `cut ${cut}: the first tap was cut`);
      reader.remove();
      reader.place(card);
      const second = await rekeyCard(reader.open()!, RING);
      assert.equal(second.kind, 'rekeyed', `cut ${cut}: ${JSON.stringify(second)}`);
      assert.deepEqual(await rekeyCard(reader.open()!, RING), { kind: 'current', keyVersion: 2 }, `cut ${cut}`);
      assert.equal(dataBlocks(card), before, `cut ${cut}: data blocks (the money) unchanged`);
    }
  });
}

test('the desk bulk re-key counts re-keyed and current cards and lists the refused one by UID', async () => {
  const old = await issuedOnOld();
  const twice = await issuedOnOld();
  await rekeyCard(twice.reader.open()!, RING);
  const stranger = VirtualClassicCard.blank(new Uint8Array([4, 9, 9, 9]));
  const strangerReader = new VirtualReader();
  strangerReader.place(stranger);
  async function* presented() {
    yield old.reader.open()!;
    yield twice.reader.open()!;
    yield strangerReader.open()!;
  }
  const report = await rekeyBulk(presented(), RING);
  assert.equal(report.rekeyed, 1);
  assert.equal(report.alreadyCurrent, 1);
  assert.deepEqual(
    report.needAttention.map((l) => [l.uidHex, l.outcome.kind]),
    [['04090909', 'refused']],
  );
});
