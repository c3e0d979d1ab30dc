import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { CardApp } from '../../../firmware/card/app.ts';
import type { KeyRing } from '../../../firmware/card/key-ring.ts';
import { rekeyCard } from '../../../firmware/card/rekey.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { deriveSimRolloverKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import type { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { SimWorld, type SimReaderKind } from '../../../simulator/world.ts';

/**
 * Re-keying at the POS during a rollover (issue 15 item 3): a card still on the previous key version is
 * re-keyed in place on the tap path and the sale goes on; journaled as card.rekeyed; a re-key cut at
 * any byte of its writes is finished by the next tap, no money moved by the cut; a door re-keys too.
 * Through the virtual reader and through the MFRC522 driver on the chip emulator (a real chip drops to
 * IDLE after a failed authentication: the probe works only if the session re-selects).
 */
const START = Date.parse('2026-12-05T11:30:00+08:00');
/** Three sector trailers of 16 bytes: every byte a re-key writes. */
const REKEY_WRITE_BYTES = 48;

function rollover(w: SimWorld): KeyRing {
  const next = deriveSimRolloverKeys(99, w.masterKeys); // the world issues its cards on version 1
  return { current: { keyVersion: 2, keys: next }, previous: { keyVersion: 1, keys: w.masterKeys } };
}

async function setup(seed: number, reader: SimReaderKind = 'virtual') {
  const w = new SimWorld({ seed, startMs: START, reader });
  const ring = rollover(w);
  w.addTerminal({ name: 'pos1', id: 101, keyRing: ring });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
  const sell = async (amount: string, tearAfterBytes?: number) => {
    for (const k of [...amount, 'confirm']) w.key('pos1', k);
    return w.tap('pos1', 'alice', tearAfterBytes === undefined ? {} : { tearAfterBytes });
  };
  const journal = () => w.terminal('pos1').terminal.journal;
  const rekeyedRecords = () =>
    journal()
      .after(0, 1_000)
      .filter((r) => r.kind === KIND.rekeyed);
  return { w, ring, sell, journal, rekeyedRecords };
}

/** The card as a terminal holding only the new version sees it: every sector current, its money. */
async function onNewKeys(card: VirtualClassicCard, ring: KeyRing) {
  const reader = new VirtualReader();
  reader.place(card);
  try {
    const rekey = await rekeyCard(reader.open()!, ring);
    const read = await new CardApp(ring.current.keys).read(reader.open()!);
    assert.ok(read.ok, read.ok ? '' : read.problem);
    return { rekey, balanceCents: read.card.purse.balance, counter: read.card.purse.counter };
  } finally {
    reader.remove();
  }
}

for (const reader of ['virtual', 'mfrc522'] as const) {
  test(`a card on the previous version is re-keyed at the POS and sold to in one tap (${reader})`, async () => {
    const { w, ring, sell, journal, rekeyedRecords } = await setup(31, reader);
    try {
      const out = await sell('3');
      assert.equal(out.screen.customer.en, 'Paid 3.00 balance 47.00');
      const records = journal().after(0, 100);
      assert.deepEqual(
        records.map((r) => r.kind),
        [KIND.rekeyed, KIND.intent, KIND.commit],
        'journaled before the card is used',
      );
      assert.deepEqual(records[0].body, {
        cardNumber: 1001,
        uid: '04a1b2c3',
        fromKeyVersion: 1,
        toKeyVersion: 2,
        sectors: [2, 3, 1],
      });
      assert.equal(records[0].card, 1001);
      assert.deepEqual(await onNewKeys(w.card('alice').card, ring), {
        rekey: { kind: 'current', keyVersion: 2 },
        balanceCents: 4_700,
        counter: 1,
      });
      assert.equal((await sell('2')).screen.customer.en, 'Paid 2.00 balance 45.00');
      assert.equal(rekeyedRecords().length, 1, 'a card on the current version is not re-keyed again');
    } finally {
      w.close();
    }
  });
}

test('a re-key torn at every byte of its writes is finished by the next tap; the cut moves no money', async () => {
  for (let cut = 0; cut < REKEY_WRITE_BYTES; cut++) {
    const { w, ring, sell, journal, rekeyedRecords } = await setup(40 + cut);
    try {
      const first = await sell('3', cut);
      assert.equal(first.screen.customer.en, 'Read failed, tap again', `cut ${cut}`);
      assert.equal(
        journal()
          .after(0, 100)
          .filter((r) => r.kind === KIND.intent).length,
        0,
        `cut ${cut}: no sale`,
      );
      const second = await w.tap('pos1', 'alice'); // the amount is still entered
      assert.equal(second.screen.customer.en, 'Paid 3.00 balance 47.00', `cut ${cut}`);
      const done = await onNewKeys(w.card('alice').card, ring);
      assert.deepEqual(
        done,
        { rekey: { kind: 'current', keyVersion: 2 }, balanceCents: 4_700, counter: 1 },
        `cut ${cut}`,
      );
      const rekeyed = rekeyedRecords();
      assert.equal(rekeyed.length, 1, `cut ${cut}: journaled once, by the tap that finished it`);
      assert.equal((rekeyed[0].body as { toKeyVersion: number }).toKeyVersion, 2);
    } finally {
      w.close();
    }
  }
});

test('a card keyed before the previous version is refused as not ours and left as it was', async () => {
  const w = new SimWorld({ seed: 35, startMs: START });
  try {
    const v1 = w.masterKeys;
    const v2 = deriveSimRolloverKeys(98, v1);
    const v3 = deriveSimRolloverKeys(99, v1);
    w.addTerminal({
      name: 'pos1',
      id: 101,
      keyRing: { current: { keyVersion: 3, keys: v3 }, previous: { keyVersion: 2, keys: v2 } },
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    const dump = Buffer.from(w.card('alice').card.dump()).toString('hex');
    for (const k of ['3', 'confirm']) w.key('pos1', k);
    const out = await w.tap('pos1', 'alice');
    assert.match(out.screen.customer.en, /not|card/i);
    assert.equal(Buffer.from(w.card('alice').card.dump()).toString('hex'), dump, 'not a byte written');
    const refused = w
      .terminal('pos1')
      .terminal.journal.after(0, 10)
      .filter((r) => r.kind === KIND.refused);
    assert.match(JSON.stringify(refused[0]?.body), /no key version this terminal holds \(3 or 2\)/);
  } finally {
    w.close();
  }
});

test('a door re-keys too: the card is on the new version, journaled, and the door opens', async () => {
  const door = JSON.parse(readFileSync(new URL('../../../examples/door-valid-card.json', import.meta.url), 'utf8'))
    .terminals[0].door;
  const w = new SimWorld({ seed: 36, startMs: Date.parse('2026-12-07T09:00:00+08:00') });
  try {
    const ring = rollover(w);
    w.addTerminal({ name: 'door1', id: 301, door, keyRing: ring });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 0 });
    const out = await w.roleTap('door1', 'alice', { doorId: 0 });
    assert.equal(out.kind, 'accepted', out.text);
    const kinds = w
      .terminal('door1')
      .terminal.journal.after(0, 10)
      .map((r) => r.kind);
    assert.deepEqual(kinds, [KIND.rekeyed, KIND.doorGranted]);
    assert.deepEqual((await onNewKeys(w.card('alice').card, ring)).rekey, { kind: 'current', keyVersion: 2 });
  } finally {
    w.close();
  }
});
