import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { aesCmac, diversifyAn10922 } from '../../../firmware/crypto/cmac.ts';
import { deriveCardKeys, type MasterKeys } from '../../../firmware/card/keys.ts';
import {
  APP_SECTORS,
  COUNTER_MAX,
  currentSlot,
  decodeIdentity,
  decodePurse,
  encodeIdentity,
  encodePurse,
  IDENTITY_BLOCKS,
  IDENTITY_SECTOR,
  LAYOUT_VERSION,
  PURSE_SLOTS,
  pinVerifier,
  TERMINAL_ID_MAX,
  U24_MAX,
  U32_MAX,
  type CardIdentity,
  type DecodeResult,
  type PurseState,
} from '../../../firmware/card/layout.ts';
import { sectorTrailer } from '../../../firmware/card/trailer.ts';
import { cardDayToIso } from '../../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// ---------------------------------------------------------------------------
// Golden vectors (test/vectors/card-layout-v1.json, from generate-card-layout.ts)
// ---------------------------------------------------------------------------

interface SectorKeyVector {
  keyA: string;
  keyAInput: string;
  keyB: string;
  keyBInput: string;
}
interface CardVector {
  uid: string;
  keys: { sectors: Record<string, SectorKeyVector>; mac: string; macInput: string };
  blocks: Record<string, string>;
  decoded: {
    identity: Omit<CardIdentity, 'pinVerifier'> & { pinVerifier: string };
    slots: [PurseState, PurseState];
    current: 0 | 1;
  };
}
interface Vectors {
  layoutVersion: number;
  masterKeys: { cardKeyA: string; cardKeyB: string; cardMac: string };
  example: { pin: string; expiryIso: string; issueIso: string; purseDayIso: string };
  cards: CardVector[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/card-layout-v1.json', import.meta.url), 'utf8'),
) as Vectors;
const master: MasterKeys = deriveSimMasterKeys(1);

function identityOf(v: CardVector): CardIdentity {
  return { ...v.decoded.identity, pinVerifier: bytes(v.decoded.identity.pinVerifier) };
}
function block(v: CardVector, n: number): Uint8Array {
  const h = v.blocks[String(n)];
  assert.ok(h !== undefined, `vector ${v.uid} has block ${n}`);
  return bytes(h);
}
function mustDecode<T>(r: DecodeResult<T>): T {
  if (!r.ok) assert.fail(`expected a valid decode, got: ${r.problem}`);
  return r.value;
}

test('vectors: the fixed example is the one the brief describes', () => {
  assert.equal(vectors.layoutVersion, LAYOUT_VERSION);
  assert.deepEqual(
    vectors.cards.map((c) => c.uid),
    ['04a1b2c3', '04112233445566'],
  );
  assert.equal(vectors.masterKeys.cardKeyA, hex(master.cardKeyA));
  assert.equal(vectors.masterKeys.cardKeyB, hex(master.cardKeyB));
  assert.equal(vectors.masterKeys.cardMac, hex(master.cardMac));
  for (const v of vectors.cards) {
    const id = v.decoded.identity;
    assert.equal(id.cardNumber, 1001);
    assert.equal(id.cardClass, 2);
    assert.equal(id.tenantId, 1);
    assert.equal(cardDayToIso(id.expiryDay), vectors.example.expiryIso);
    assert.equal(cardDayToIso(id.issueDay), vectors.example.issueIso);
    const [s0, s1] = v.decoded.slots;
    assert.deepEqual(s0, {
      counter: 5,
      balance: 4750,
      subsidy: 1000,
      lastCreditSeq: 3,
      day: s0.day,
      spentToday: 1250,
      writerTerminalId: 101,
    });
    assert.equal(cardDayToIso(s0.day), vectors.example.purseDayIso);
    assert.deepEqual(s1, { ...s0, counter: 6 });
  }
});

test('vectors: per-card keys and their diversification inputs', () => {
  for (const v of vectors.cards) {
    const uid = bytes(v.uid);
    const keys = deriveCardKeys(master, uid);
    const system = Buffer.from('onecard1', 'ascii');
    for (const sector of APP_SECTORS) {
      const s = v.keys.sectors[String(sector)]!;
      // The documented input: UID ‖ purpose ‖ sector ‖ "onecard1".
      assert.equal(s.keyAInput, hex(Uint8Array.from([...uid, 0x0a, sector, ...system])));
      assert.equal(s.keyBInput, hex(Uint8Array.from([...uid, 0x0b, sector, ...system])));
      // Code and vector agree, and the key is the first 6 bytes of the AN10922 output.
      assert.equal(hex(keys.keyA(sector)), s.keyA, `${v.uid} key A sector ${sector}`);
      assert.equal(hex(keys.keyB(sector)), s.keyB, `${v.uid} key B sector ${sector}`);
      assert.equal(hex(diversifyAn10922(master.cardKeyA, bytes(s.keyAInput)).subarray(0, 6)), s.keyA);
      assert.equal(hex(diversifyAn10922(master.cardKeyB, bytes(s.keyBInput)).subarray(0, 6)), s.keyB);
    }
    assert.equal(v.keys.macInput, hex(Uint8Array.from([...uid, 0x4d, 0xff, ...system])));
    assert.equal(hex(keys.mac), v.keys.mac);
    assert.equal(hex(diversifyAn10922(master.cardMac, bytes(v.keys.macInput))), v.keys.mac);
  }
});

test('vectors: encode(decoded) === hex for every block of sectors 1-3', () => {
  for (const v of vectors.cards) {
    const uid = bytes(v.uid);
    const keys = deriveCardKeys(master, uid);
    assert.equal(hex(pinVerifier(vectors.example.pin, uid, keys.mac)), v.decoded.identity.pinVerifier);
    const [i4, i5] = encodeIdentity(identityOf(v), uid, keys.mac);
    assert.deepEqual([hex(i4), hex(i5)], [v.blocks['4'], v.blocks['5']], `${v.uid} identity`);
    for (const [slot, state] of v.decoded.slots.entries()) {
      const [a, b] = encodePurse(state, uid, keys.mac);
      const blocks = PURSE_SLOTS[slot]!.blocks;
      assert.deepEqual(
        [hex(a), hex(b)],
        [v.blocks[String(blocks[0])], v.blocks[String(blocks[1])]],
        `${v.uid} slot ${slot}`,
      );
    }
    for (const sector of APP_SECTORS) {
      assert.equal(hex(sectorTrailer(keys, sector)), v.blocks[String(sector * 4 + 3)], `${v.uid} trailer ${sector}`);
    }
    for (const unused of [6, 10, 14]) assert.equal(v.blocks[String(unused)], '00'.repeat(16));
    assert.deepEqual(
      Object.keys(v.blocks)
        .map(Number)
        .sort((x, y) => x - y),
      [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    );
  }
});

test('vectors: decode(hex) === decoded', () => {
  for (const v of vectors.cards) {
    const uid = bytes(v.uid);
    const keys = deriveCardKeys(master, uid);
    const identity = mustDecode(
      decodeIdentity(block(v, IDENTITY_BLOCKS[0]), block(v, IDENTITY_BLOCKS[1]), uid, keys.mac),
    );
    assert.deepEqual(identity, identityOf(v));
    const slots = [0, 1].map((i) =>
      decodePurse(block(v, PURSE_SLOTS[i]!.blocks[0]), block(v, PURSE_SLOTS[i]!.blocks[1]), uid, keys.mac),
    );
    assert.deepEqual(slots.map(mustDecode), v.decoded.slots);
    assert.equal(currentSlot([slots[0]!, slots[1]!]), v.decoded.current);
  }
});

test('vectors: byte positions read by hand agree with LAYOUT.md (independent of the codec)', () => {
  for (const v of vectors.cards) {
    const uid = bytes(v.uid);
    const macKey = bytes(v.keys.mac);
    const b4 = Buffer.from(block(v, 4));
    const b5 = Buffer.from(block(v, 5));
    const id = identityOf(v);
    assert.equal(b4[0], 1, 'layout version');
    assert.equal(b4[1], (id.flags.frozen ? 1 : 0) | (id.flags.pinRequired ? 2 : 0) | (id.flags.countPurse ? 4 : 0));
    assert.equal(b4.readUInt16LE(2), id.tenantId);
    assert.equal(b4.readUInt32LE(4), id.cardNumber);
    assert.equal(b4[8], id.cardClass);
    assert.equal(b4.readUInt16LE(9), id.expiryDay);
    assert.equal(b4.readUInt16LE(11), id.issueDay);
    assert.equal(hex(b4.subarray(13)), '000000');
    assert.equal(hex(b5.subarray(0, 4)), hex(id.pinVerifier));
    assert.equal(hex(b5.subarray(4, 8)), '00000000');
    // MAC = first 8 bytes of CMAC(macKey, 'I' ‖ UID ‖ block 4 ‖ block 5[0..8)).
    const idMsg = Uint8Array.from([0x49, ...uid, ...b4, ...b5.subarray(0, 8)]);
    assert.equal(hex(b5.subarray(8)), hex(aesCmac(macKey, idMsg).subarray(0, 8)));
    // PIN verifier = first 4 bytes of CMAC(macKey, 'N' ‖ UID ‖ ASCII PIN).
    const pinMsg = Uint8Array.from([0x4e, ...uid, ...Buffer.from(vectors.example.pin, 'ascii')]);
    assert.equal(hex(id.pinVerifier), hex(aesCmac(macKey, pinMsg).subarray(0, 4)));

    for (const [slot, p] of v.decoded.slots.entries()) {
      const [na, nb] = PURSE_SLOTS[slot]!.blocks;
      const a = Buffer.from(block(v, na));
      const b = Buffer.from(block(v, nb));
      assert.equal(a[0], 1);
      assert.equal(a.readUIntLE(1, 3), p.counter);
      assert.equal(a.readUInt32LE(4), p.balance);
      assert.equal(a.readUInt32LE(8), p.subsidy);
      assert.equal(a.readUInt32LE(12), p.lastCreditSeq);
      assert.equal(b.readUInt16LE(0), p.day);
      assert.equal(b.readUIntLE(2, 3), p.spentToday);
      assert.equal(b.readUIntLE(5, 3), p.writerTerminalId);
      const msg = Uint8Array.from([0x50, ...uid, ...a, ...b.subarray(0, 8)]);
      assert.equal(hex(b.subarray(8)), hex(aesCmac(macKey, msg).subarray(0, 8)));
    }
    for (const sector of APP_SECTORS) {
      const t = block(v, sector * 4 + 3);
      const s = v.keys.sectors[String(sector)]!;
      assert.equal(hex(t.subarray(0, 6)), s.keyA);
      assert.equal(hex(t.subarray(6, 10)), '78778869');
      assert.equal(hex(t.subarray(10, 16)), s.keyB);
    }
  }
  assert.equal(IDENTITY_SECTOR, 1);
  assert.deepEqual(IDENTITY_BLOCKS, [4, 5]);
  assert.deepEqual(PURSE_SLOTS, [
    { sector: 2, blocks: [8, 9] },
    { sector: 3, blocks: [12, 13] },
  ]);
});

// ---------------------------------------------------------------------------
// Codec properties
// ---------------------------------------------------------------------------

const UID4 = bytes('04a1b2c3');
const UID7 = bytes('04112233445566');
const KEYS4 = deriveCardKeys(master, UID4);
const KEYS7 = deriveCardKeys(master, UID7);
const v0 = vectors.cards[0]!;
const ID: CardIdentity = identityOf(v0);
const PURSE: PurseState = v0.decoded.slots[0];

test('every field at its limit round-trips (max and zero)', () => {
  const maxPurse: PurseState = {
    counter: COUNTER_MAX,
    balance: U32_MAX,
    subsidy: U32_MAX,
    lastCreditSeq: U32_MAX,
    day: 0xffff,
    spentToday: U24_MAX,
    writerTerminalId: TERMINAL_ID_MAX,
  };
  assert.equal(COUNTER_MAX, 0xff_ffff);
  assert.equal(U32_MAX, 0xffff_ffff);
  const zeroPurse: PurseState = {
    counter: 0,
    balance: 0,
    subsidy: 0,
    lastCreditSeq: 0,
    day: 0,
    spentToday: 0,
    writerTerminalId: 0,
  };
  for (const p of [maxPurse, zeroPurse]) {
    for (const [uid, keys] of [
      [UID4, KEYS4],
      [UID7, KEYS7],
    ] as const) {
      const [a, b] = encodePurse(p, uid, keys.mac);
      assert.deepEqual(mustDecode(decodePurse(a, b, uid, keys.mac)), p);
    }
  }
  const [ma] = encodePurse(maxPurse, UID4, KEYS4.mac);
  assert.equal(hex(ma), `01${'ff'.repeat(15)}`);

  const maxId: CardIdentity = {
    tenantId: 0xffff,
    cardNumber: U32_MAX,
    cardClass: 0xff,
    expiryDay: 0xffff,
    issueDay: 0xffff,
    flags: { frozen: true, pinRequired: true, countPurse: true },
    pinVerifier: Uint8Array.of(0xff, 0xff, 0xff, 0xff),
  };
  const zeroId: CardIdentity = {
    tenantId: 0,
    cardNumber: 0,
    cardClass: 0,
    expiryDay: 0,
    issueDay: 0,
    flags: { frozen: false, pinRequired: false, countPurse: false },
    pinVerifier: new Uint8Array(4),
  };
  for (const id of [maxId, zeroId]) {
    for (const [uid, keys] of [
      [UID4, KEYS4],
      [UID7, KEYS7],
    ] as const) {
      const [a, b] = encodeIdentity(id, uid, keys.mac);
      assert.deepEqual(mustDecode(decodeIdentity(a, b, uid, keys.mac)), id);
    }
  }
  const [ia] = encodeIdentity(maxId, UID4, KEYS4.mac);
  assert.equal(hex(ia), `0107${'ff'.repeat(11)}000000`);
  // Each flag on its own bit: frozen 0, pinRequired 1, countPurse 2.
  for (const [flag, bit] of [
    ['frozen', 1],
    ['pinRequired', 2],
    ['countPurse', 4],
  ] as const) {
    const flags = { frozen: false, pinRequired: false, countPurse: false, [flag]: true };
    const [a, b] = encodeIdentity({ ...ID, flags }, UID4, KEYS4.mac);
    assert.equal(a[1], bit, flag);
    assert.deepEqual(mustDecode(decodeIdentity(a, b, UID4, KEYS4.mac)).flags, flags);
  }
});

test('out-of-range values throw RangeError', () => {
  const purseLimits: [keyof PurseState, number][] = [
    ['counter', U24_MAX],
    ['balance', U32_MAX],
    ['subsidy', U32_MAX],
    ['lastCreditSeq', U32_MAX],
    ['day', 0xffff],
    ['spentToday', U24_MAX],
    ['writerTerminalId', U24_MAX],
  ];
  for (const [field, max] of purseLimits) {
    for (const bad of [max + 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => encodePurse({ ...PURSE, [field]: bad }, UID4, KEYS4.mac), RangeError, `${field} = ${bad}`);
    }
  }
  const idLimits: [keyof CardIdentity, number][] = [
    ['tenantId', 0xffff],
    ['cardNumber', U32_MAX],
    ['cardClass', 0xff],
    ['expiryDay', 0xffff],
    ['issueDay', 0xffff],
  ];
  for (const [field, max] of idLimits) {
    for (const bad of [max + 1, -1, 0.5, Number.NaN]) {
      assert.throws(() => encodeIdentity({ ...ID, [field]: bad }, UID4, KEYS4.mac), RangeError, `${field} = ${bad}`);
    }
  }
  for (const len of [0, 3, 5, 8]) {
    assert.throws(
      () => encodeIdentity({ ...ID, pinVerifier: new Uint8Array(len) }, UID4, KEYS4.mac),
      RangeError,
      `pinVerifier of ${len} bytes`,
    );
  }
});

function flipBit(blocks: [Uint8Array, Uint8Array], bit: number): [Uint8Array, Uint8Array] {
  const out: [Uint8Array, Uint8Array] = [blocks[0].slice(), blocks[1].slice()];
  const blockIndex = bit >> 7;
  const byte = (bit >> 3) & 15;
  out[blockIndex]![byte]! ^= 1 << (bit & 7);
  return out;
}

test('a single flipped bit anywhere in a purse slot (all 256 positions) makes decodePurse fail', () => {
  for (const [uid, keys] of [
    [UID4, KEYS4],
    [UID7, KEYS7],
  ] as const) {
    const slot = encodePurse(PURSE, uid, keys.mac);
    assert.ok(decodePurse(slot[0], slot[1], uid, keys.mac).ok);
    for (let bit = 0; bit < 256; bit++) {
      const [a, b] = flipBit(slot, bit);
      const r = decodePurse(a, b, uid, keys.mac);
      assert.equal(r.ok, false, `bit ${bit} of a ${uid.length}-byte-UID slot`);
    }
  }
});

test('a single flipped bit anywhere in the identity (all 256 positions) makes decodeIdentity fail', () => {
  for (const [uid, keys] of [
    [UID4, KEYS4],
    [UID7, KEYS7],
  ] as const) {
    const blocks = encodeIdentity(ID, uid, keys.mac);
    assert.ok(decodeIdentity(blocks[0], blocks[1], uid, keys.mac).ok);
    for (let bit = 0; bit < 256; bit++) {
      const [a, b] = flipBit(blocks, bit);
      const r = decodeIdentity(a, b, uid, keys.mac);
      assert.equal(r.ok, false, `bit ${bit} of a ${uid.length}-byte-UID identity`);
    }
  }
});

test('decode problems: empty, unknown version, unknown flags under a valid MAC', () => {
  const z = new Uint8Array(16);
  const emptyId = decodeIdentity(z, z, UID4, KEYS4.mac);
  assert.ok(!emptyId.ok && emptyId.problem.startsWith('not issued'));
  const emptySlot = decodePurse(z, z, UID4, KEYS4.mac);
  assert.ok(!emptySlot.ok && emptySlot.problem === 'empty slot');

  const [pa, pb] = encodePurse(PURSE, UID4, KEYS4.mac);
  pa[0] = 2;
  const v2 = decodePurse(pa, pb, UID4, KEYS4.mac);
  assert.ok(!v2.ok && /unknown slot format 2/.test(v2.problem));

  // An identity with a reserved flag bit set and a MAC that covers it: still refused.
  const [ia, ib] = encodeIdentity(ID, UID4, KEYS4.mac);
  ia[1] |= 0x08;
  const msg = Uint8Array.from([0x49, ...UID4, ...ia, ...ib.subarray(0, 8)]);
  ib.set(aesCmac(KEYS4.mac, msg).subarray(0, 8), 8);
  const flagged = decodeIdentity(ia, ib, UID4, KEYS4.mac);
  assert.ok(!flagged.ok && /unknown identity flags/.test(flagged.problem));
});

test('a slot or identity from one UID does not verify under another UID', () => {
  const otherUids = [bytes('04a1b2c4'), bytes('00a1b2c3'), bytes('c3b2a104'), UID7];
  const [pa, pb] = encodePurse(PURSE, UID4, KEYS4.mac);
  const [ia, ib] = encodeIdentity(ID, UID4, KEYS4.mac);
  for (const other of otherUids) {
    const otherKeys = deriveCardKeys(master, other);
    // The honest reader of the other card: its own UID and its own MAC key.
    assert.equal(decodePurse(pa, pb, other, otherKeys.mac).ok, false, `purse under ${hex(other)}`);
    assert.equal(decodeIdentity(ia, ib, other, otherKeys.mac).ok, false, `identity under ${hex(other)}`);
    // Even with the same MAC key, the UID inside the MAC input binds the slot to its card.
    assert.equal(decodePurse(pa, pb, other, KEYS4.mac).ok, false);
    assert.equal(decodeIdentity(ia, ib, other, KEYS4.mac).ok, false);
  }
  // A 7-byte-UID card whose first 4 bytes equal a 4-byte UID gets different keys and MACs.
  const prefixUid = bytes('04a1b2c3445566');
  assert.notEqual(hex(deriveCardKeys(master, prefixUid).mac), hex(KEYS4.mac));
  assert.equal(decodePurse(pa, pb, prefixUid, KEYS4.mac).ok, false);
});

test('currentSlot picks the higher valid counter and falls back to the valid one', () => {
  const slot = (counter: number): DecodeResult<PurseState> => ({ ok: true, value: { ...PURSE, counter } });
  const bad: DecodeResult<PurseState> = { ok: false, problem: 'purse MAC mismatch' };
  assert.equal(currentSlot([slot(5), slot(6)]), 1);
  assert.equal(currentSlot([slot(6), slot(5)]), 0);
  assert.equal(currentSlot([slot(0), slot(COUNTER_MAX)]), 1);
  assert.equal(currentSlot([slot(COUNTER_MAX), slot(COUNTER_MAX - 1)]), 0);
  assert.equal(currentSlot([slot(9), bad]), 0);
  assert.equal(currentSlot([bad, slot(1)]), 1);
  // A valid slot wins over an invalid one whatever the invalid one's bytes once said.
  assert.equal(currentSlot([bad, slot(0)]), 1);
  assert.equal(currentSlot([bad, bad]), null);
  // Equal counters never come from the two-slot write; the code then keeps slot 0.
  assert.equal(currentSlot([slot(7), slot(7)]), 0);

  // The same through real encodings, including a torn (bit-flipped) slot.
  const s5 = encodePurse({ ...PURSE, counter: 5 }, UID4, KEYS4.mac);
  const s6 = encodePurse({ ...PURSE, counter: 6 }, UID4, KEYS4.mac);
  const torn6 = flipBit(s6, 200);
  const d = (s: [Uint8Array, Uint8Array]) => decodePurse(s[0], s[1], UID4, KEYS4.mac);
  assert.equal(currentSlot([d(s5), d(s6)]), 1);
  assert.equal(currentSlot([d(s5), d(torn6)]), 0);
  assert.equal(currentSlot([d(torn6), d(s5)]), 1);
});

test('pinVerifier differs per PIN and per UID and rejects non-digit PINs', () => {
  const pins = ['1234', '1235', '4321', '0000', '12345', '123456', '001234'];
  const seen = new Set<string>();
  for (const pin of pins) {
    const v = pinVerifier(pin, UID4, KEYS4.mac);
    assert.equal(v.length, 4);
    assert.equal(hex(pinVerifier(pin, UID4, KEYS4.mac)), hex(v), 'deterministic');
    seen.add(hex(v));
  }
  assert.equal(seen.size, new Set(pins).size, 'every PIN gives its own verifier');
  // Per UID: same PIN, other card (its own key), and other UID under the same key.
  const a = hex(pinVerifier('1234', UID4, KEYS4.mac));
  assert.notEqual(hex(pinVerifier('1234', UID7, KEYS7.mac)), a);
  assert.notEqual(hex(pinVerifier('1234', bytes('04a1b2c4'), KEYS4.mac)), a);
  for (const bad of [
    '',
    '123',
    '1234567',
    '12a4',
    'abcd',
    ' 1234',
    '1234 ',
    '1234\n',
    '12.4',
    '-123',
    '１２３４',
    '١٢٣٤',
  ]) {
    assert.throws(() => pinVerifier(bad, UID4, KEYS4.mac), RangeError, JSON.stringify(bad));
  }
});

test('only blocks all zero read as empty: one set byte anywhere, and it is a forged or unknown block', () => {
  const uid = bytes('04a1b2c3');
  const macKey = new Uint8Array(16).fill(9);
  const zero = new Uint8Array(16);
  assert.deepEqual(decodeIdentity(zero, zero, uid, macKey), {
    ok: false,
    problem: 'not issued (identity blocks empty)',
  });
  assert.deepEqual(decodePurse(zero, zero, uid, macKey), { ok: false, problem: 'empty slot' });
  for (let at = 0; at < 16; at++) {
    const one = new Uint8Array(16);
    one[at] = 0x20; // not LAYOUT_VERSION
    const inA = decodeIdentity(one, zero, uid, macKey);
    const inB = decodeIdentity(zero, one, uid, macKey);
    assert.ok(!inA.ok && !inA.problem.startsWith('not issued'), `identity block A, byte ${at}`);
    assert.ok(!inB.ok && !inB.problem.startsWith('not issued'), `identity block B, byte ${at}`);
    const slot = decodePurse(one, zero, uid, macKey);
    assert.ok(!slot.ok && slot.problem !== 'empty slot', `purse block A, byte ${at}`);
  }
});
