import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardError } from '../../../firmware/card/session.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KEY = new Uint8Array(6).fill(0xff);
const OLD = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
const NEW = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

function cardError(code: string) {
  return (err: unknown) => err instanceof CardError && err.code === code;
}

/** Card with OLD in blocks 4 and 5, authenticated on sector 1. */
function preparedCard(): VirtualClassicCard {
  const card = VirtualClassicCard.blank(Uint8Array.of(9, 8, 7, 6));
  assert.ok(card.authenticate(4, 'A', KEY));
  card.write(4, OLD);
  card.write(5, OLD);
  return card;
}

function readBack(card: VirtualClassicCard, block: number): Uint8Array {
  card.returnToField();
  assert.ok(card.authenticate(block, 'A', KEY));
  return card.read(block);
}

test('tear after k bytes: prefix of new, rest old, for every k in 0..16', () => {
  for (let k = 0; k <= 16; k++) {
    const card = preparedCard();
    const writtenBefore = card.bytesWritten;
    card.armTear(k);
    assert.throws(() => card.write(4, NEW), cardError('removed'), `k=${k}`);
    assert.equal(card.inField, false, `k=${k}`);
    assert.equal(card.bytesWritten - writtenBefore, k);
    // Out of the field: everything fails until it comes back.
    assert.throws(() => card.read(4), cardError('removed'));
    assert.throws(() => card.write(5, NEW), cardError('removed'));
    assert.throws(() => card.authenticate(4, 'A', KEY), cardError('removed'));
    // Coming back is a fresh power-up: no authentication survives.
    card.returnToField();
    assert.throws(() => card.read(4), cardError('not-authenticated'));
    const expected = new Uint8Array(16);
    expected.set(NEW.subarray(0, k));
    expected.set(OLD.subarray(k), k);
    assert.equal(hex(readBack(card, 4)), hex(expected), `k=${k}`);
    assert.equal(hex(readBack(card, 5)), hex(OLD), `neighbour untouched, k=${k}`);
  }
});

test('a tear spanning two writes: first block new, second has 4 new bytes', () => {
  const card = preparedCard();
  card.armTear(20);
  card.write(4, NEW);
  assert.equal(card.inField, true);
  assert.throws(() => card.write(5, NEW), cardError('removed'));
  assert.equal(hex(readBack(card, 4)), hex(NEW));
  assert.equal(hex(readBack(card, 5)), hex(NEW.subarray(0, 4)) + hex(OLD.subarray(4)));
});

test('a tear on a block boundary: second block fully written, the write still throws', () => {
  const card = preparedCard();
  card.armTear(32);
  card.write(4, NEW);
  assert.throws(() => card.write(5, NEW), cardError('removed'));
  assert.equal(hex(readBack(card, 5)), hex(NEW));
});

test('refused writes persist nothing and do not use up the tear budget', () => {
  const card = preparedCard();
  card.armTear(3);
  assert.throws(() => card.write(8, NEW), cardError('not-authenticated'));
  assert.ok(card.authenticate(0, 'A', KEY));
  assert.throws(() => card.write(0, NEW), cardError('access-denied'));
  assert.ok(card.authenticate(4, 'A', KEY));
  assert.throws(() => card.write(4, NEW), cardError('removed'));
  assert.equal(hex(readBack(card, 4)), hex(NEW.subarray(0, 3)) + hex(OLD.subarray(3)));
});

test('erased fill: bytes after the cut become 00', () => {
  for (const k of [0, 5, 16]) {
    const card = preparedCard();
    card.armTear(k, 'erased');
    assert.throws(() => card.write(4, NEW), cardError('removed'));
    assert.equal(hex(readBack(card, 4)), hex(NEW.subarray(0, k)) + '00'.repeat(16 - k), `k=${k}`);
  }
});

test('the tear fires once; later writes are whole', () => {
  const card = preparedCard();
  card.armTear(0);
  assert.throws(() => card.write(4, NEW), cardError('removed'));
  card.returnToField();
  assert.ok(card.authenticate(4, 'A', KEY));
  card.write(4, NEW);
  card.write(5, NEW);
  assert.equal(hex(card.read(5)), hex(NEW));
});

test('removal before op n: n ops run, then the card is gone', () => {
  const card = preparedCard();
  const opsBefore = card.opsCount;
  card.armRemovalBeforeOp(2);
  assert.equal(card.read(4).length, 16);
  card.write(4, NEW);
  assert.throws(() => card.read(4), cardError('removed'));
  assert.equal(card.inField, false);
  assert.equal(card.opsCount - opsBefore, 2);
  // The write before the removal landed whole.
  assert.equal(hex(readBack(card, 4)), hex(NEW));
});

test('removal before op 0 hits the very next op, even an authentication', () => {
  const card = preparedCard();
  const writtenBefore = card.bytesWritten;
  card.armRemovalBeforeOp(0);
  assert.throws(() => card.authenticate(4, 'A', KEY), cardError('removed'));
  assert.equal(card.inField, false);
  card.returnToField();
  assert.ok(card.authenticate(4, 'A', KEY));
  card.write(4, NEW);
  assert.equal(card.bytesWritten - writtenBefore, 16);
});

test('tear arguments must be whole, non-negative numbers', () => {
  const card = preparedCard();
  assert.throws(() => card.armTear(-1), RangeError);
  assert.throws(() => card.armTear(1.5), RangeError);
  assert.throws(() => card.armRemovalBeforeOp(-1), RangeError);
});
