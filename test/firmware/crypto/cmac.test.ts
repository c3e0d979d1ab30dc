import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aesCmac, diversifyAn10922, equalBytes } from '../../../firmware/crypto/cmac.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

// RFC 4493 §4 (= NIST SP 800-38B D.1, AES-128).
const RFC_KEY = bytes('2b7e1516 28aed2a6 abf71588 09cf4f3c');
const RFC_MSG = bytes(
  '6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710',
);
const RFC_VECTORS: [number, string][] = [
  [0, 'bb1d6929e95937287fa37d129b756746'],
  [16, '070a16b46b4d4144f79bdd9dd04a287c'],
  [40, 'dfa66747de9ae63030ca32611497c827'],
  [64, '51f0bebf7e3b9d92fc49741779363cfe'],
];

test('AES-CMAC: RFC 4493 vectors (0, 16, 40, 64 bytes)', () => {
  assert.equal(RFC_MSG.length, 64);
  for (const [len, mac] of RFC_VECTORS) {
    assert.equal(hex(aesCmac(RFC_KEY, RFC_MSG.subarray(0, len))), mac, `${len}-byte message`);
  }
});

test('AES-CMAC: does not modify its inputs, 16-byte output', () => {
  const msg = RFC_MSG.slice(0, 40);
  const key = RFC_KEY.slice();
  const out = aesCmac(key, msg);
  assert.equal(out.length, 16);
  assert.equal(hex(msg), hex(RFC_MSG.subarray(0, 40)));
  assert.equal(hex(key), hex(RFC_KEY));
  // Same for a whole-block message (the K1 path XORs into a copy).
  const whole = RFC_MSG.slice(0, 32);
  aesCmac(key, whole);
  assert.equal(hex(whole), hex(RFC_MSG.subarray(0, 32)));
});

test('AES-CMAC: rejects keys that are not 16 bytes', () => {
  for (const len of [0, 15, 17, 24, 32]) {
    assert.throws(() => aesCmac(new Uint8Array(len), new Uint8Array(1)), /16 bytes/, `${len}-byte key`);
  }
});

// NXP AN10922 §2.2.1 worked example, as reproduced in AN10957 pp. 13-14.
const AN_MASTER = bytes('00112233445566778899AABBCCDDEEFF');
const AN_UID = bytes('04782E21801D80');
const AN_AID = bytes('3042F5');
const AN_SYSTEM = bytes('4E585020416275'); // "NXP Abu"
const AN_RESULT = 'a8dd63a3b89d54b37ca802473fda9175';

test('AN10922 diversification: AN10957 vector', () => {
  const m = Uint8Array.from([...AN_UID, ...AN_AID, ...AN_SYSTEM]);
  assert.equal(m.length, 17);
  assert.equal(hex(diversifyAn10922(AN_MASTER, m)), AN_RESULT);
  // The input D = 01 ‖ M is 18 bytes: a plain CMAC pads it to 32 too, so here they agree.
  assert.equal(hex(aesCmac(AN_MASTER, Uint8Array.from([0x01, ...m]))), AN_RESULT);
});

test('AN10922 diversification: padded to 32 bytes, so it differs from a plain CMAC for short inputs', () => {
  // docs/hardware.md, "Key diversification": a plain CMAC over 01 ‖ M matches only if 17 ≤ len(01 ‖ M) ≤ 32.
  for (let len = 1; len <= 31; len++) {
    const m = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 11) & 0xff);
    const plain = hex(aesCmac(AN_MASTER, Uint8Array.from([0x01, ...m])));
    const div = hex(diversifyAn10922(AN_MASTER, m));
    if (len + 1 >= 17) assert.equal(div, plain, `M of ${len} bytes`);
    else assert.notEqual(div, plain, `M of ${len} bytes`);
  }
  // Our own inputs, UID ‖ purpose ‖ sector ‖ "onecard1": 14 bytes for a 4-byte UID (D = 15 bytes, where a plain
  // CMAC would differ) and 17 bytes for a 7-byte UID (D = 18, where they agree).
  const system = Buffer.from('onecard1', 'ascii');
  const m4 = Uint8Array.from([0x04, 0xa1, 0xb2, 0xc3, 0x0a, 0x01, ...system]);
  const m7 = Uint8Array.from([0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x0a, 0x01, ...system]);
  assert.notEqual(hex(diversifyAn10922(AN_MASTER, m4)), hex(aesCmac(AN_MASTER, Uint8Array.from([0x01, ...m4]))));
  assert.equal(hex(diversifyAn10922(AN_MASTER, m7)), hex(aesCmac(AN_MASTER, Uint8Array.from([0x01, ...m7]))));
});

test('AN10922 diversification: input length 1..31 bytes, 16-byte master key', () => {
  assert.throws(() => diversifyAn10922(AN_MASTER, new Uint8Array(0)), /1\.\.31/);
  assert.throws(() => diversifyAn10922(AN_MASTER, new Uint8Array(32)), /1\.\.31/);
  assert.equal(diversifyAn10922(AN_MASTER, new Uint8Array(1)).length, 16);
  assert.equal(diversifyAn10922(AN_MASTER, new Uint8Array(31)).length, 16);
  assert.throws(() => diversifyAn10922(new Uint8Array(8), new Uint8Array(7)), /16 bytes/);
});

test('equalBytes', () => {
  assert.equal(equalBytes(new Uint8Array(0), new Uint8Array(0)), true);
  assert.equal(equalBytes(bytes('00112233'), bytes('00112233')), true);
  assert.equal(equalBytes(bytes('00112233'), bytes('00112232')), false);
  assert.equal(equalBytes(bytes('80112233'), bytes('00112233')), false);
  assert.equal(equalBytes(bytes('0011223344'), bytes('00112233')), false, 'longer');
  assert.equal(equalBytes(bytes('00112233'), bytes('0011223344')), false, 'shorter');
  assert.equal(equalBytes(bytes('00'), new Uint8Array(0)), false);
  // Every single-bit difference in a 16-byte value is seen.
  const base = bytes(AN_RESULT);
  for (let bit = 0; bit < 128; bit++) {
    const other = base.slice();
    other[bit >> 3]! ^= 1 << (bit & 7);
    assert.equal(equalBytes(base, other), false, `bit ${bit}`);
  }
  // Works on views into a larger buffer (as used for the MAC field of a block).
  const block = bytes('000102030405060708090a0b0c0d0e0f');
  assert.equal(equalBytes(block.subarray(8, 16), bytes('08090a0b0c0d0e0f')), true);
});

test('AES-CMAC and AN10922: a key used again, or used between other keys, gives the same MACs (schedules are per key)', () => {
  const m = Uint8Array.from([...AN_UID, ...AN_AID, ...AN_SYSTEM]);
  for (let round = 0; round < 3; round++) {
    for (const [len, mac] of RFC_VECTORS) assert.equal(hex(aesCmac(RFC_KEY, RFC_MSG.subarray(0, len))), mac);
    assert.equal(hex(diversifyAn10922(AN_MASTER, m)), AN_RESULT, `round ${round}`);
  }
  // Equal bytes in another object: the same MAC.
  assert.equal(hex(aesCmac(RFC_KEY.slice(), RFC_MSG.subarray(0, 40))), 'dfa66747de9ae63030ca32611497c827');
});

test('AES-CMAC and AN10922: a key changed in place is used as it is now, not as it was', () => {
  const key = RFC_KEY.slice();
  assert.equal(hex(aesCmac(key, RFC_MSG.subarray(0, 16))), '070a16b46b4d4144f79bdd9dd04a287c');
  key.set(AN_MASTER);
  const m = Uint8Array.from([...AN_UID, ...AN_AID, ...AN_SYSTEM]);
  assert.equal(hex(diversifyAn10922(key, m)), AN_RESULT);
  key.fill(0);
  assert.equal(hex(aesCmac(key, RFC_MSG.subarray(0, 16))), hex(aesCmac(new Uint8Array(16), RFC_MSG.subarray(0, 16))));
  assert.notEqual(hex(aesCmac(key, RFC_MSG.subarray(0, 16))), '070a16b46b4d4144f79bdd9dd04a287c');
});
