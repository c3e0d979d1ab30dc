import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardApp, type CardImage, type ReadResult } from '../../../firmware/card/app.ts';
import type { CardKeys } from '../../../firmware/card/keys.ts';
import {
  APP_SECTORS,
  pinVerifier,
  PURSE_SLOTS,
  type CardIdentity,
  type PurseState,
} from '../../../firmware/card/layout.ts';
import { BLOCK_BYTES, trailerBlockOf } from '../../../firmware/card/session.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualClassicCard, type TearFill } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

const MASTER = deriveSimMasterKeys(1);
const app = new CardApp(MASTER);
const TRANSPORT_KEY = new Uint8Array(6).fill(0xff);
const UID4 = '04a1b2c3';
const UID7 = '04112233445566';
const PIN = '1234';

const IDENTITY: Omit<CardIdentity, 'pinVerifier'> = {
  tenantId: 1,
  cardNumber: 1001,
  cardClass: 2,
  expiryDay: 11322,
  issueDay: 9823,
  flags: { frozen: false, pinRequired: true, countPurse: false },
};
const PURSE: PurseState = {
  counter: 0,
  balance: 4750,
  subsidy: 1000,
  lastCreditSeq: 0,
  day: 9823,
  spentToday: 0,
  writerTerminalId: 0,
};

interface Issued {
  card: VirtualClassicCard;
  reader: VirtualReader;
}

async function issue(uidHex: string, master = MASTER, purse = PURSE): Promise<Issued> {
  const card = VirtualClassicCard.blank(bytes(uidHex));
  const reader = new VirtualReader();
  reader.place(card);
  const outcome = await new CardApp(master).issue(reader.open()!, IDENTITY, purse, PIN);
  assert.deepEqual(outcome, { kind: 'written' });
  return { card, reader };
}

/** Puts the card (back) into the reader's field if it left, and reads it with a fresh session. */
async function read(t: Issued, cardApp = app): Promise<ReadResult> {
  if (t.reader.card === null) t.reader.place(t.card);
  return cardApp.read(t.reader.open()!);
}

async function readOk(t: Issued): Promise<{ card: CardImage; keys: CardKeys }> {
  const r = await read(t);
  if (!r.ok) assert.fail(`read failed: ${r.reason}: ${r.problem}`);
  return r;
}

/** The next purse state a debit would write. */
function debit(p: PurseState, amount: number, terminal = 101): PurseState {
  return {
    ...p,
    counter: p.counter + 1,
    balance: p.balance - amount,
    spentToday: p.spentToday + amount,
    writerTerminalId: terminal,
  };
}

function dumpBlock(card: VirtualClassicCard, block: number): Uint8Array {
  return card.dump().subarray(block * BLOCK_BYTES, (block + 1) * BLOCK_BYTES);
}

function withBlocks(card: VirtualClassicCard, edits: Record<number, (b: Uint8Array) => void>): VirtualClassicCard {
  const dump = card.dump();
  for (const [block, edit] of Object.entries(edits))
    edit(dump.subarray(Number(block) * BLOCK_BYTES, (Number(block) + 1) * BLOCK_BYTES));
  return VirtualClassicCard.fromDump(card.uid, dump);
}

function fresh(card: VirtualClassicCard): Issued {
  const reader = new VirtualReader();
  reader.place(card);
  return { card, reader };
}

for (const uidHex of [UID4, UID7]) {
  test(`issue a blank ${uidHex.length / 2}-byte-UID card, then read: identity and purse as issued`, async () => {
    const t = await issue(uidHex);
    const { card, keys } = await readOk(t);
    const uid = bytes(uidHex);
    assert.equal(hex(card.uid), uidHex);
    assert.deepEqual(card.identity, { ...IDENTITY, pinVerifier: pinVerifier(PIN, uid, keys.mac) });
    assert.deepEqual(card.purse, PURSE);
    assert.equal(card.current, 0);
    assert.deepEqual(card.slots[0], { ok: true, value: PURSE });
    assert.deepEqual(card.slots[1], { ok: false, problem: 'empty slot' });
    // Unused blocks of the application sectors are zeros.
    for (const block of [6, 10, 12, 13, 14])
      assert.equal(hex(dumpBlock(t.card, block)), '00'.repeat(16), `block ${block}`);
  });

  test(`issue (${uidHex.length / 2}-byte UID): trailers hold 78 77 88 69 and the card's keys; transport key no longer opens sectors 1-3`, async () => {
    const t = await issue(uidHex);
    const keys = app.keysFor(bytes(uidHex));
    for (const sector of APP_SECTORS) {
      const trailer = dumpBlock(t.card, trailerBlockOf(sector));
      assert.equal(hex(trailer.subarray(6, 10)), '78778869', `sector ${sector} access bits + user byte`);
      assert.equal(hex(trailer.subarray(0, 6)), hex(keys.keyA(sector)));
      assert.equal(hex(trailer.subarray(10, 16)), hex(keys.keyB(sector)));
    }
    const transportTrailer = 'ffffffffffffff078069ffffffffffff';
    for (let sector = 0; sector < 16; sector++) {
      const isApp = (APP_SECTORS as readonly number[]).includes(sector);
      assert.equal(
        t.card.authenticate(trailerBlockOf(sector), 'A', TRANSPORT_KEY),
        !isApp,
        `transport key A on sector ${sector}`,
      );
      if (isApp) t.card.wake(); // refused: the card went IDLE
      if (!isApp)
        assert.equal(
          hex(dumpBlock(t.card, trailerBlockOf(sector))),
          transportTrailer,
          `sector ${sector} stays transport`,
        );
    }
    // Key A reads but cannot write the data blocks; key B does both (access 100 / trailer 011).
    assert.ok(t.card.authenticate(trailerBlockOf(2), 'A', keys.keyA(2)));
    assert.equal(hex(t.card.read(8)), hex(dumpBlock(t.card, 8)));
    assert.throws(() => t.card.write(8, new Uint8Array(16)), /not writable with key A/);
    assert.ok(t.card.authenticate(trailerBlockOf(2), 'B', keys.keyB(2)));
    assert.equal(hex(t.card.read(8)), hex(dumpBlock(t.card, 8)));
    // Nobody reads the keys back: only the access bits and user byte come out of a trailer.
    assert.equal(hex(t.card.read(11)), '000000000000' + '78778869' + '000000000000');
  });
}

test('the keys of card X do not open card Y (per-card derived keys)', async () => {
  const x = await issue(UID4);
  const y = await issue('04a1b2c4');
  const z = await issue(UID7);
  const kx = app.keysFor(bytes(UID4));
  for (const other of [y, z]) {
    const ko = app.keysFor(other.card.uid);
    for (const sector of APP_SECTORS) {
      assert.notEqual(hex(kx.keyA(sector)), hex(ko.keyA(sector)));
      assert.notEqual(hex(kx.keyB(sector)), hex(ko.keyB(sector)));
      assert.equal(other.card.authenticate(trailerBlockOf(sector), 'A', kx.keyA(sector)), false);
      other.card.wake(); // a failed authentication leaves a card IDLE until re-selected
      assert.equal(other.card.authenticate(trailerBlockOf(sector), 'B', kx.keyB(sector)), false);
      other.card.wake();
      assert.equal(other.card.authenticate(trailerBlockOf(sector), 'A', ko.keyA(sector)), true);
    }
    assert.notEqual(hex(kx.mac), hex(ko.mac));
  }
  // Sector keys also differ between sectors and between A and B of one card.
  const all = APP_SECTORS.flatMap((s) => [hex(kx.keyA(s)), hex(kx.keyB(s))]);
  assert.equal(new Set(all).size, all.length);
  assert.ok((await read(x)).ok);
});

test('writePurse alternates slots over 10 writes: counter +1, old slot stays valid', async () => {
  const t = await issue(UID4);
  let { card, keys } = await readOk(t);
  for (let i = 1; i <= 10; i++) {
    const before = card;
    const next = debit(before.purse, 10 * i, 100 + i);
    const outcome = await app.writePurse(t.reader.open()!, before, keys, next);
    assert.deepEqual(outcome, { kind: 'written' }, `write ${i}`);
    ({ card, keys } = await readOk(t));
    assert.equal(card.current, i % 2, `write ${i} lands in slot ${i % 2}`);
    assert.notEqual(card.current, before.current);
    assert.deepEqual(card.purse, next);
    assert.equal(card.purse.counter, i);
    const old = card.slots[before.current];
    assert.deepEqual(old, { ok: true, value: before.purse }, `write ${i}: the old slot still holds the previous state`);
  }
  assert.equal(card.purse.balance, PURSE.balance - 10 * 55);
});

test("writePurse with a wrong counter, or onto another card, throws a 'bug:' Error and writes nothing", async () => {
  const t = await issue(UID4);
  const { card, keys } = await readOk(t);
  const before = t.card.dump();
  for (const counter of [card.purse.counter, card.purse.counter + 2, card.purse.counter - 1]) {
    await assert.rejects(
      app.writePurse(t.reader.open()!, card, keys, { ...debit(card.purse, 1), counter }),
      (e: unknown) => e instanceof Error && e.message.startsWith('bug:'),
    );
  }
  const other = await issue('04a1b2c4');
  await assert.rejects(
    app.writePurse(other.reader.open()!, card, keys, debit(card.purse, 1)),
    /^Error: bug: writing a purse to a different card/,
  );
  assert.equal(hex(t.card.dump()), hex(before));
});

test("identity with a bad MAC → 'forged'; zeroed identity → 'not-issued'", async () => {
  const t = await issue(UID4);
  for (const block of [4, 5]) {
    for (const byte of [1, 7, 12, 15]) {
      const forged = withBlocks(t.card, { [block]: (b) => (b[byte]! ^= 0x01) });
      const r = await read(fresh(forged));
      assert.ok(!r.ok && r.reason === 'forged', `block ${block} byte ${byte}: ${JSON.stringify(r)}`);
    }
  }
  // A rich-looking identity: card number changed to another, MAC left as it was.
  const renumbered = withBlocks(t.card, { 4: (b) => b.set([0xe8, 0x03, 0, 0], 4) });
  const r = await read(fresh(renumbered));
  assert.ok(!r.ok && r.reason === 'forged' && /identity MAC/.test(r.problem));
  const blank = withBlocks(t.card, { 4: (b) => b.fill(0), 5: (b) => b.fill(0) });
  const nb = await read(fresh(blank));
  assert.ok(!nb.ok && nb.reason === 'not-issued');
});

test("both purse slots invalid → 'forged'; one invalid → the other is used", async () => {
  const t = await issue(UID4);
  const { card, keys } = await readOk(t);
  assert.equal((await app.writePurse(t.reader.open()!, card, keys, debit(card.purse, 100))).kind, 'written');
  const both = await readOk(t);
  assert.ok(both.card.slots[0].ok && both.card.slots[1].ok);
  const bump = (b: Uint8Array) => (b[5]! ^= 0x40); // balance byte 1 of block A
  const broken = withBlocks(t.card, { 8: bump, 12: bump });
  const r = await read(fresh(broken));
  assert.ok(!r.ok && r.reason === 'forged' && /no valid purse slot/.test(r.problem), JSON.stringify(r));
  // Only the newer slot broken: the older state is what the card holds.
  const newerBroken = withBlocks(t.card, { 13: (b) => (b[15]! ^= 1) });
  const r1 = await read(fresh(newerBroken));
  assert.ok(r1.ok);
  assert.equal(r1.card.current, 0);
  assert.deepEqual(r1.card.purse, PURSE);
});

test("a card of another system → 'auth-failed'", async () => {
  // Never issued: all transport keys.
  const blank = fresh(VirtualClassicCard.blank(bytes(UID4)));
  const r = await read(blank);
  assert.ok(!r.ok && r.reason === 'auth-failed', JSON.stringify(r));
  // Issued by a system with other master keys.
  const foreign = await issue(UID4, deriveSimMasterKeys(2));
  const rf = await read(foreign);
  assert.ok(!rf.ok && rf.reason === 'auth-failed', JSON.stringify(rf));
  // ...which reads fine with its own keys.
  assert.ok((await read(foreign, new CardApp(deriveSimMasterKeys(2)))).ok);
});

test("a card removed during read → 'removed', at every operation", async () => {
  const t = await issue(UID7);
  const session = t.reader.open()!;
  assert.ok((await app.read(session)).ok);
  const opsPerRead = session.ops;
  assert.equal(opsPerRead, 10, 'auth + identity 2 reads; auth + purse 2 + level slot 0; auth + purse 2 (slot 0 empty)');
  for (let n = 0; n < opsPerRead; n++) {
    await readOk(t);
    t.card.armRemovalBeforeOp(n);
    const r = await read(t);
    assert.ok(!r.ok && r.reason === 'removed', `removal before op ${n}: ${JSON.stringify(r)}`);
    assert.equal(t.card.inField, false);
  }
  // Pulled away between select and the first command.
  t.reader.place(t.card); // it left with the last removal above
  const s = t.reader.open()!;
  t.reader.remove();
  const r = await app.read(s);
  assert.ok(!r.ok && r.reason === 'removed');
});

/**
 * Tearing at the card-app level. The write of a purse is 32 data bytes: block
 * A (no MAC), then block B (data + MAC). armTear(k) lets k of them land.
 */
for (const fill of ['prefix', 'erased'] as const satisfies readonly TearFill[]) {
  for (const start of [
    'fresh card (target slot empty)',
    'after one write (target slot holds an older valid state)',
  ] as const) {
    test(`writePurse torn after k = 0..32 bytes (${fill} fill, ${start}): old or new state, never anything else`, async () => {
      for (let k = 0; k <= 32; k++) {
        const t = await issue(k % 2 === 0 ? UID4 : UID7);
        if (start.startsWith('after')) {
          const r0 = await readOk(t);
          assert.equal(
            (await app.writePurse(t.reader.open()!, r0.card, r0.keys, debit(r0.card.purse, 1))).kind,
            'written',
          );
        }
        const { card, keys } = await readOk(t);
        const old = card.purse;
        const next = debit(old, 250, 77);
        const target = card.current === 0 ? 1 : 0;
        const before = t.card.dump();

        t.card.armTear(k, fill);
        const outcome = await app.writePurse(t.reader.open()!, card, keys, next);
        assert.equal(outcome.kind, k <= 16 ? 'not-written' : 'uncertain', `k=${k}`);
        assert.equal(t.card.inField, false, `k=${k}: the card left the field`);
        // Nothing outside the two blocks of the target slot changed (the current slot above all).
        const dump = t.card.dump();
        const targetBlocks: readonly number[] = PURSE_SLOTS[target].blocks;
        for (let block = 0; block < 64; block++) {
          if (targetBlocks.includes(block)) continue;
          assert.equal(
            hex(dump.subarray(block * 16, block * 16 + 16)),
            hex(before.subarray(block * 16, block * 16 + 16)),
            `k=${k}: block ${block} untouched`,
          );
        }

        const after = await readOk(t);
        const expected = k < 32 ? old : next;
        assert.deepEqual(after.card.purse, expected, `k=${k}: the card holds the ${k < 32 ? 'old' : 'new'} purse`);
        assert.equal(after.card.current, k < 32 ? card.current : target, `k=${k}`);
        // The card stays usable: the next write (from whatever was read) goes through.
        const again = debit(after.card.purse, 5);
        assert.deepEqual(
          await app.writePurse(t.reader.open()!, after.card, after.keys, again),
          { kind: 'written' },
          `k=${k}: next write`,
        );
        assert.deepEqual((await readOk(t)).card.purse, again);
      }
    });
  }
}

test("removal right before the read-back → 'uncertain', and the card holds the new state", async () => {
  // writePurse ops: 0 auth, 1 write A, 2 write B, 3 read A, 4 read B.
  const expectations: [number, 'not-written' | 'uncertain', 'old' | 'new'][] = [
    [0, 'not-written', 'old'],
    [1, 'not-written', 'old'],
    [2, 'uncertain', 'old'],
    [3, 'uncertain', 'new'],
    [4, 'uncertain', 'new'],
  ];
  for (const [n, kind, holds] of expectations) {
    const t = await issue(UID4);
    const { card, keys } = await readOk(t);
    const next = debit(card.purse, 300);
    t.card.armRemovalBeforeOp(n);
    const outcome = await app.writePurse(t.reader.open()!, card, keys, next);
    assert.equal(outcome.kind, kind, `removal before op ${n}`);
    assert.equal(t.card.inField, false);
    assert.deepEqual((await readOk(t)).card.purse, holds === 'new' ? next : card.purse, `removal before op ${n}`);
  }
});

test('a read that skips the level slots leaves them unread; writeLevel then refuses, writes nothing', async () => {
  const t = await issue(UID4);
  const levelled = new CardApp(MASTER, { writesPurses: true });
  const first = await read(t, levelled);
  assert.ok(first.ok);
  // Gold in slot 0: the card now holds a level, so writing slot 0 again would risk its only copy.
  assert.deepEqual(
    await levelled.writeLevel(t.reader.open()!, first.card, first.keys, { cardClass: 7, changeSeq: 1 }),
    {
      kind: 'written',
    },
  );
  const before = hex(t.card.dump());
  const blind = new CardApp(MASTER, { writesPurses: true, readsLevels: () => false });
  const r = await read(t, blind);
  assert.ok(r.ok);
  assert.equal(r.card.levels, undefined, 'unread, not "empty"');
  assert.equal(r.card.identity.cardClass, IDENTITY.cardClass, 'served as its issue class');
  const outcome = await blind.writeLevel(t.reader.open()!, r.card, r.keys, { cardClass: 8, changeSeq: 2 });
  assert.deepEqual(outcome, { kind: 'not-written', problem: 'the level slots were not read at this tap' });
  assert.equal(hex(t.card.dump()), before, 'not a byte written');
  const again = await read(t, levelled);
  assert.ok(again.ok);
  assert.equal(again.card.identity.cardClass, 7, 'a reader of the levels still sees gold');
});
