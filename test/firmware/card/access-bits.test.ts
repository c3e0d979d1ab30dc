import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dataBlockPermits,
  decodeAccessBits,
  encodeAccessBits,
  keyBReadable,
  trailerPermits,
  type AccessConditions,
} from '../../../firmware/card/access-bits.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Vectors from docs/hardware.md, "Sector trailer and access bits".
const VECTORS: [string, AccessConditions][] = [
  ['ff0780', [0b000, 0b000, 0b000, 0b001]],
  ['08778f', [0b110, 0b110, 0b110, 0b011]],
  ['787788', [0b100, 0b100, 0b100, 0b011]],
  ['687789', [0b110, 0b100, 0b100, 0b011]],
  ['1780fe', [0b001, 0b011, 0b011, 0b111]],
];

test('encode and decode match the reference vectors', () => {
  for (const [bytes, conds] of VECTORS) {
    assert.equal(hex(encodeAccessBits(conds)), bytes, `encode ${conds.join(',')}`);
    assert.deepEqual(decodeAccessBits(Buffer.from(bytes, 'hex')), conds, `decode ${bytes}`);
  }
});

test('every condition set round-trips', () => {
  for (let n = 0; n < 4096; n++) {
    const conds = [n & 7, (n >> 3) & 7, (n >> 6) & 7, (n >> 9) & 7] as unknown as AccessConditions;
    assert.deepEqual(decodeAccessBits(encodeAccessBits(conds)), conds);
  }
});

test('any single flipped bit makes the pattern inconsistent', () => {
  const good = encodeAccessBits([4, 4, 4, 3]);
  for (let bit = 0; bit < 24; bit++) {
    const bad = good.slice();
    bad[bit >> 3]! ^= 1 << (bit & 7);
    assert.equal(decodeAccessBits(bad), null, `bit ${bit}`);
  }
  assert.equal(decodeAccessBits(Uint8Array.of(0xff, 0xff, 0xff)), null);
  assert.equal(decodeAccessBits(Uint8Array.of(0x00, 0x00, 0x00)), null);
});

test('encode rejects values outside 3 bits; decode rejects wrong lengths', () => {
  assert.throws(() => encodeAccessBits([8, 0, 0, 1] as unknown as AccessConditions), RangeError);
  assert.throws(() => decodeAccessBits(Uint8Array.of(0xff, 0x07)), RangeError);
});

test('data block permissions follow the §1.3 table', () => {
  // 100: read A|B, write B only.
  assert.equal(dataBlockPermits(0b100, 'read', 'A', false), true);
  assert.equal(dataBlockPermits(0b100, 'write', 'A', false), false);
  assert.equal(dataBlockPermits(0b100, 'write', 'B', false), true);
  // 011: B only.
  assert.equal(dataBlockPermits(0b011, 'read', 'A', false), false);
  assert.equal(dataBlockPermits(0b011, 'read', 'B', false), true);
  // 110: value block rechargeable with B, debit with either.
  assert.equal(dataBlockPermits(0b110, 'increment', 'A', false), false);
  assert.equal(dataBlockPermits(0b110, 'increment', 'B', false), true);
  assert.equal(dataBlockPermits(0b110, 'decrement', 'A', false), true);
  // 001: debit only.
  assert.equal(dataBlockPermits(0b001, 'write', 'A', false), false);
  assert.equal(dataBlockPermits(0b001, 'decrement', 'A', false), true);
  // 111: nothing.
  for (const op of ['read', 'write', 'increment', 'decrement'] as const) {
    assert.equal(dataBlockPermits(0b111, op, 'A', false), false);
    assert.equal(dataBlockPermits(0b111, op, 'B', false), false);
  }
  // A readable Key B grants nothing.
  assert.equal(dataBlockPermits(0b000, 'read', 'B', true), false);
  assert.equal(dataBlockPermits(0b000, 'read', 'A', true), true);
});

test('trailer permissions follow the §1.3 table', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => keyBReadable(c as 0)),
    [0, 1, 2],
  );
  // Transport (001): key A does everything except read key A; key B is data.
  assert.equal(trailerPermits(0b001, 'keyA', 'read', 'A'), false);
  assert.equal(trailerPermits(0b001, 'keyA', 'write', 'A'), true);
  assert.equal(trailerPermits(0b001, 'accessBits', 'write', 'A'), true);
  assert.equal(trailerPermits(0b001, 'keyB', 'read', 'A'), true);
  assert.equal(trailerPermits(0b001, 'keyB', 'write', 'B'), false);
  // 011 (our issuer config): B writes all, A|B read access bits, nobody reads keys.
  for (const part of ['keyA', 'accessBits', 'keyB'] as const) {
    assert.equal(trailerPermits(0b011, part, 'write', 'B'), true, part);
    assert.equal(trailerPermits(0b011, part, 'write', 'A'), false, part);
  }
  assert.equal(trailerPermits(0b011, 'accessBits', 'read', 'A'), true);
  assert.equal(trailerPermits(0b011, 'keyB', 'read', 'A'), false);
  assert.equal(trailerPermits(0b011, 'keyB', 'read', 'B'), false);
  // 100: B may change keys but not access bits.
  assert.equal(trailerPermits(0b100, 'keyA', 'write', 'B'), true);
  assert.equal(trailerPermits(0b100, 'accessBits', 'write', 'B'), false);
  // 110 / 111: frozen.
  for (const c of [0b110, 0b111] as const) {
    for (const part of ['keyA', 'accessBits', 'keyB'] as const) {
      assert.equal(trailerPermits(c, part, 'write', 'A'), false);
      assert.equal(trailerPermits(c, part, 'write', 'B'), false);
    }
  }
});
