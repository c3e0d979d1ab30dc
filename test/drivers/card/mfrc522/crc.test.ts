import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCrcA, crcA, withCrcA } from '../../../../drivers/card/mfrc522/crc.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('CRC_A matches the reference vectors (docs/hardware.md)', () => {
  assert.equal(hex(crcA([0x50, 0x00])), '57cd'); // HLTA
  assert.equal(hex(crcA([0x30, 0x04])), '26ee'); // READ block 4
  // ISO/IEC 14443-3 Annex B example: 00 00 → A0 1E; and 12 34 → 26 CF.
  assert.equal(hex(crcA([0x00, 0x00])), 'a01e');
  assert.equal(hex(crcA([0x12, 0x34])), '26cf');
});

test('withCrcA appends, checkCrcA verifies and catches any single flipped bit', () => {
  const frame = withCrcA([0x93, 0x70, 0xde, 0xad, 0xbe, 0xef, 0x22]);
  assert.equal(frame.length, 9);
  assert.ok(checkCrcA(frame));
  for (let bit = 0; bit < frame.length * 8; bit++) {
    const bad = frame.slice();
    bad[bit >> 3]! ^= 1 << (bit & 7);
    assert.equal(checkCrcA(bad), false, `flip of bit ${bit} must be caught`);
  }
  assert.equal(checkCrcA(Uint8Array.of(0x57, 0xcd)), false, 'too short to hold a CRC and data');
});
