import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardError } from '../../../firmware/card/session.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KEY = new Uint8Array(6).fill(0xff);
const WRONG = new Uint8Array(6).fill(0x11);
const DATA = Uint8Array.from({ length: 16 }, (_, i) => i * 3);

function cardError(code: string) {
  return (err: unknown) => err instanceof CardError && err.code === code;
}

function readerWithCard(): { reader: VirtualReader; card: VirtualClassicCard } {
  const reader = new VirtualReader();
  const card = VirtualClassicCard.blank(Uint8Array.of(0x04, 1, 2, 3, 4, 5, 6));
  reader.place(card);
  return { reader, card };
}

test('an empty field opens no session', () => {
  const reader = new VirtualReader();
  assert.equal(reader.open(), null);
  assert.equal(reader.card, null);
});

test('a session authenticates sectors, reads and writes, and counts ops', async () => {
  const { reader, card } = readerWithCard();
  const session = reader.open()!;
  assert.equal(hex(session.uid), '04010203040506');
  await session.authenticate(2, 'A', KEY);
  await session.writeBlock(9, DATA);
  assert.equal(hex(await session.readBlock(9)), hex(DATA));
  assert.equal(hex(card.dump().subarray(144, 160)), hex(DATA));
  assert.equal(session.ops, 3);
});

test('errors are CardErrors: wrong key, bad sector, other sector, block 0', async () => {
  const { reader } = readerWithCard();
  const session = reader.open()!;
  await assert.rejects(session.authenticate(1, 'A', WRONG), cardError('auth-failed'));
  await assert.rejects(session.authenticate(1, 'B', KEY), cardError('auth-failed'));
  await assert.rejects(session.authenticate(16, 'A', KEY), cardError('bad-block'));
  await session.authenticate(1, 'A', KEY);
  await assert.rejects(session.readBlock(8), cardError('not-authenticated'));
  await session.authenticate(0, 'A', KEY);
  await assert.rejects(session.writeBlock(0, DATA), cardError('access-denied'));
  // The auth-failed message names the sector and key type, never key bytes.
  await assert.rejects(session.authenticate(1, 'A', WRONG), (err: Error) => err.message === 'sector 1 refused key A');
});

test('a tear kills the session for good, even after the card comes back', async () => {
  const { reader, card } = readerWithCard();
  const session = reader.open()!;
  await session.authenticate(1, 'A', KEY);
  card.armTear(6);
  await assert.rejects(session.writeBlock(4, DATA), cardError('removed'));
  assert.equal(reader.card, null);
  assert.equal(reader.open(), null);
  await assert.rejects(session.readBlock(4), cardError('removed'));
  reader.place(card);
  await assert.rejects(session.authenticate(1, 'A', KEY), cardError('removed'));
  const fresh = reader.open()!;
  await fresh.authenticate(1, 'A', KEY);
  assert.equal(hex(await fresh.readBlock(4)), hex(DATA.subarray(0, 6)) + '00'.repeat(10));
});

test('remove and place back: the old session is dead, a new open works', async () => {
  const { reader, card } = readerWithCard();
  const session = reader.open()!;
  await session.authenticate(1, 'A', KEY);
  reader.remove();
  assert.equal(card.inField, false);
  await assert.rejects(session.readBlock(4), cardError('removed'));
  reader.place(card);
  await assert.rejects(session.readBlock(4), cardError('removed'));
  const fresh = reader.open()!;
  await assert.rejects(fresh.readBlock(4), cardError('not-authenticated'));
  await fresh.authenticate(1, 'A', KEY);
  assert.equal((await fresh.readBlock(4)).length, 16);
});

test('removal before an op surfaces as removed through the session', async () => {
  const { reader, card } = readerWithCard();
  const session = reader.open()!;
  card.armRemovalBeforeOp(1);
  await session.authenticate(1, 'A', KEY);
  await assert.rejects(session.readBlock(4), cardError('removed'));
  assert.equal(reader.card, null);
});

test('re-opening invalidates the earlier session; a second card is refused', async () => {
  const { reader } = readerWithCard();
  const first = reader.open()!;
  await first.authenticate(1, 'A', KEY);
  const second = reader.open()!;
  await assert.rejects(first.readBlock(4), cardError('removed'));
  await second.authenticate(1, 'A', KEY);
  assert.equal((await second.readBlock(4)).length, 16);
  assert.throws(() => reader.place(VirtualClassicCard.blank(Uint8Array.of(1, 2, 3, 4))));
});

test('a halted card is woken by open()', async () => {
  const { reader, card } = readerWithCard();
  const session = reader.open()!;
  card.halt();
  await assert.rejects(session.authenticate(1, 'A', KEY), cardError('removed'));
  const fresh = reader.open()!;
  await fresh.authenticate(1, 'A', KEY);
});
