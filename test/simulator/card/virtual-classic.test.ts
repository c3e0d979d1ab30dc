import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAccessBits } from '../../../firmware/card/access-bits.ts';
import { CardError } from '../../../firmware/card/session.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TRANSPORT_KEY = new Uint8Array(6).fill(0xff);
const KEY_A = Uint8Array.of(0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5);
const KEY_B = Uint8Array.of(0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5);
const TRANSPORT_TRAILER = 'ffffffffffffff078069ffffffffffff';

function cardError(code: string) {
  return (err: unknown) => err instanceof CardError && err.code === code;
}

function trailer(keyA: Uint8Array, access: Uint8Array, keyB: Uint8Array, user = 0x69): Uint8Array {
  const t = new Uint8Array(16);
  t.set(keyA, 0);
  t.set(access, 6);
  t[9] = user;
  t.set(keyB, 10);
  return t;
}

/** Sector 1 reconfigured: data blocks 100 (A reads, B writes), trailer 011 (B is the issuer key). */
function issuedCard(): VirtualClassicCard {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.ok(card.authenticate(7, 'A', TRANSPORT_KEY));
  card.write(7, trailer(KEY_A, encodeAccessBits([0b100, 0b100, 0b100, 0b011]), KEY_B));
  return card;
}

test('blank 4-byte UID card: block 0, ATQA, SAK, transport trailers', () => {
  const uid = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
  const card = VirtualClassicCard.blank(uid);
  const dump = card.dump();
  assert.equal(dump.length, 1024);
  const bcc = 0xde ^ 0xad ^ 0xbe ^ 0xef;
  assert.equal(hex(dump.subarray(0, 8)), `deadbeef${bcc.toString(16).padStart(2, '0')}080400`);
  assert.equal(hex(card.atqa), '0400');
  assert.equal(card.sak, 0x08);
  assert.equal(hex(card.uid), 'deadbeef');
  for (let sector = 0; sector < 16; sector++) {
    assert.equal(hex(dump.subarray(sector * 64 + 48, sector * 64 + 64)), TRANSPORT_TRAILER, `sector ${sector}`);
  }
  assert.ok(card.authenticate(0, 'A', TRANSPORT_KEY));
  assert.equal(hex(card.read(0)), hex(dump.subarray(0, 16)));
  // Keys never read back; key B is readable in transport state.
  assert.equal(hex(card.read(3)), '000000000000ff078069ffffffffffff');
});

test('blank 7-byte UID card: UID, SAK, ATQA 44 00', () => {
  const uid = Uint8Array.of(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
  const card = VirtualClassicCard.blank(uid);
  assert.equal(hex(card.dump().subarray(0, 10)), '04112233445566084400');
  assert.equal(hex(card.atqa), '4400');
  assert.equal(hex(card.dump().subarray(1008)), TRANSPORT_TRAILER);
});

test('UIDs other than 4 or 7 bytes are rejected; dumps round-trip', () => {
  assert.throws(() => VirtualClassicCard.blank(new Uint8Array(5)), RangeError);
  assert.throws(() => VirtualClassicCard.blank(new Uint8Array(10)), RangeError);
  const card = issuedCard();
  const copy = VirtualClassicCard.fromDump(card.uid, card.dump());
  assert.equal(hex(copy.dump()), hex(card.dump()));
  assert.ok(copy.authenticate(4, 'B', KEY_B));
  assert.throws(() => VirtualClassicCard.fromDump(card.uid, new Uint8Array(1023)), RangeError);
  // dump() is a copy.
  card.dump().fill(0);
  assert.notEqual(hex(card.dump().subarray(0, 4)), '00000000');
});

test('transport state: key A authenticates, readable key B cannot, wrong key refused', () => {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.equal(card.authenticate(5, 'B', TRANSPORT_KEY), false);
  card.wake();
  assert.equal(card.authenticate(5, 'A', KEY_A), false);
  card.wake();
  assert.equal(card.authenticate(5, 'A', TRANSPORT_KEY), true);
  assert.equal(card.authenticatedSector, 1);
  card.write(5, new Uint8Array(16).fill(7));
  // A failed auth drops the earlier one, and the card goes IDLE as a real one does: silent until re-selected.
  assert.equal(card.authenticate(5, 'A', KEY_A), false);
  assert.equal(card.authenticatedSector, null);
  assert.throws(() => card.read(5), cardError('removed'));
  assert.throws(() => card.authenticate(5, 'A', TRANSPORT_KEY), cardError('removed'));
  card.wake();
  assert.throws(() => card.read(5), cardError('not-authenticated'));
  assert.equal(card.authenticate(5, 'A', TRANSPORT_KEY), true);
});

test('reads and writes only inside the authenticated sector; bad blocks and block 0', () => {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.throws(() => card.read(4), cardError('not-authenticated'));
  assert.ok(card.authenticate(4, 'A', TRANSPORT_KEY));
  assert.throws(() => card.read(8), cardError('not-authenticated'));
  assert.throws(() => card.read(64), cardError('bad-block'));
  assert.throws(() => card.write(4, new Uint8Array(15)), cardError('bad-block'));
  assert.ok(card.authenticate(0, 'A', TRANSPORT_KEY));
  assert.throws(() => card.write(0, new Uint8Array(16)), cardError('access-denied'));
  assert.equal(card.dump()[0], 1);
});

test('access bits honoured: data 100 + trailer 011', () => {
  const card = issuedCard();
  const data = new Uint8Array(16).fill(0x5a);
  // Transport key no longer works; key A reads but cannot write.
  assert.equal(card.authenticate(4, 'A', TRANSPORT_KEY), false);
  card.wake();
  assert.ok(card.authenticate(4, 'A', KEY_A));
  assert.equal(hex(card.read(4)), '00'.repeat(16));
  assert.throws(() => card.write(4, data), cardError('access-denied'));
  assert.equal(hex(card.dump().subarray(64, 80)), '00'.repeat(16));
  // Key A may not touch the trailer at all under 011.
  assert.ok(card.authenticate(4, 'A', KEY_A));
  assert.equal(hex(card.read(7)), '00000000000078778869000000000000');
  assert.throws(() => card.write(7, trailer(KEY_A, encodeAccessBits([0, 0, 0, 1]), KEY_B)), cardError('access-denied'));
  // Key B writes data; keys still read back as zeros.
  assert.ok(card.authenticate(4, 'B', KEY_B));
  card.write(4, data);
  assert.equal(hex(card.read(4)), hex(data));
  assert.equal(hex(card.read(7)), '00000000000078778869000000000000');
  // Other sectors are untouched.
  assert.ok(card.authenticate(8, 'A', TRANSPORT_KEY));
});

test('a refused command drops the authentication (card NAKs to IDLE)', () => {
  const card = issuedCard();
  assert.ok(card.authenticate(4, 'A', KEY_A));
  assert.throws(() => card.write(4, new Uint8Array(16)), cardError('access-denied'));
  assert.throws(() => card.read(4), cardError('not-authenticated'));
});

test('trailer write refused when it would change a part the key may not write', () => {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.ok(card.authenticate(7, 'A', TRANSPORT_KEY));
  // 100 trailer: key B may change keys, never the access bits.
  const bits100 = encodeAccessBits([0, 0, 0, 0b100]);
  card.write(7, trailer(KEY_A, bits100, KEY_B));
  assert.ok(card.authenticate(7, 'B', KEY_B));
  const before = hex(card.dump().subarray(112, 128));
  assert.throws(
    () => card.write(7, trailer(KEY_A, encodeAccessBits([0, 0, 0, 0b011]), KEY_B)),
    cardError('access-denied'),
  );
  assert.equal(hex(card.dump().subarray(112, 128)), before);
  // Changing only the keys is fine.
  assert.ok(card.authenticate(7, 'B', KEY_B));
  card.write(7, trailer(TRANSPORT_KEY, bits100, KEY_A));
  assert.ok(card.authenticate(7, 'B', KEY_A));
  assert.ok(card.authenticate(7, 'A', TRANSPORT_KEY));
});

test('a trailer written with inconsistent access bits is accepted and locks the sector', () => {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.ok(card.authenticate(7, 'A', TRANSPORT_KEY));
  card.write(7, trailer(KEY_A, Uint8Array.of(0xff, 0xff, 0xff), KEY_B));
  assert.equal(hex(card.dump().subarray(118, 121)), 'ffffff');
  // Still authenticated from before the write, but every access is now refused.
  assert.throws(() => card.read(4), cardError('access-denied'));
  for (const [type, key] of [
    ['A', KEY_A],
    ['B', KEY_B],
    ['A', TRANSPORT_KEY],
  ] as const) {
    assert.equal(card.authenticate(4, type, key), false);
    card.wake();
  }
  // The neighbouring sector is unaffected.
  assert.ok(card.authenticate(8, 'A', TRANSPORT_KEY));
});

test('halt: the card stops answering until selected again', () => {
  const card = VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4));
  assert.ok(card.authenticate(4, 'A', TRANSPORT_KEY));
  card.halt();
  assert.equal(card.isHalted, true);
  assert.throws(() => card.read(4), cardError('removed'));
  card.select();
  assert.throws(() => card.read(4), cardError('not-authenticated'));
  assert.ok(card.authenticate(4, 'A', TRANSPORT_KEY));
  assert.equal(card.read(4).length, 16);
});
