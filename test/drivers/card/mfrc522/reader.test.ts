/** Our MFRC522 driver, unchanged, against the register-level emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mfrc522InitError, Mfrc522Reader, type Mfrc522ReaderOptions } from '../../../../drivers/card/mfrc522/reader.ts';
import { Mfrc522Emulator, type Mfrc522EmulatorOptions } from '../../../../simulator/mfrc522/emulator.ts';
import { VirtualClassicCard } from '../../../../simulator/card/virtual-classic.ts';
import { encodeAccessBits } from '../../../../firmware/card/access-bits.ts';
import { CardError } from '../../../../firmware/card/session.ts';
import { JsonLogger, MemorySink } from '../../../../firmware/core/log.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TRANSPORT = new Uint8Array(6).fill(0xff);
const UID4 = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
const UID7 = Uint8Array.of(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
const DATA = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const isCardError = (code: string) => (err: unknown) => err instanceof CardError && err.code === code;

async function rig(emuOpts: Mfrc522EmulatorOptions = {}, readerOpts: Mfrc522ReaderOptions = {}) {
  const emu = new Mfrc522Emulator(emuOpts);
  const sink = new MemorySink();
  const reader = await Mfrc522Reader.open(emu, {
    log: new JsonLogger(sink, () => 0, 'debug'),
    pollLimit: 50,
    ...readerOpts,
  });
  return { emu, reader, sink };
}

async function withCard(uid: Uint8Array = UID4) {
  const r = await rig();
  const card = VirtualClassicCard.blank(uid);
  r.emu.place(card);
  const session = await r.reader.detect();
  assert.ok(session, 'the card is detected');
  return { ...r, card, session };
}

test('init: genuine v1/v2 accepted, the FM17522 clone accepted with a warning, others refused', async () => {
  for (const code of [0x91, 0x92]) {
    const { reader, sink } = await rig({ version: code });
    assert.deepEqual(reader.version(), { code, name: `MFRC522 v${code === 0x91 ? '1.0' : '2.0'}`, genuine: true });
    assert.equal(sink.lines.filter((l) => l.includes('"warn"')).length, 0);
  }
  const clone = await rig({ version: 0x88 });
  assert.equal(clone.reader.version().genuine, false);
  assert.ok(clone.sink.lines.some((l) => l.includes('mfrc522.clone-chip')));
  await assert.rejects(rig({ version: 0x12 }), (e) => e instanceof Mfrc522InitError && e.code === 'unknown-version');
  await assert.rejects(rig({ version: 0x00 }), (e) => e instanceof Mfrc522InitError && e.code === 'no-chip');
});

test('init leaves the timer armed, the field on and the CRC coprocessor checked', async () => {
  const { emu, reader } = await rig();
  assert.equal(emu.field.antennaOn, true);
  assert.equal(Math.round(emu.timeoutUs()), 25_025);
  assert.equal(await reader.detect(), null);
  assert.equal(reader.counters.emptyPolls, 1);
});

test('4-byte and 7-byte UIDs are selected over one and two cascade levels', async () => {
  const four = await withCard(UID4);
  assert.deepEqual([hex(four.session.uid), hex(four.session.atqa), four.session.sak], ['deadbeef', '0400', 0x08]);
  const seven = await withCard(UID7);
  assert.deepEqual(
    [hex(seven.session.uid), hex(seven.session.atqa), seven.session.sak],
    ['04112233445566', '4400', 0x08],
  );
  assert.deepEqual(
    seven.emu.field.exchanges.map((x) => x.op),
    ['REQA', 'ANTICOLL', 'SELECT', 'ANTICOLL', 'SELECT'],
  );
});

test('read/write round trip with key A on a 7-byte UID card', async () => {
  const { card, session } = await withCard(UID7);
  await session.authenticate(2, 'A', TRANSPORT);
  await session.writeBlock(9, DATA);
  assert.equal(hex(await session.readBlock(9)), hex(DATA));
  assert.equal(hex(card.dump().subarray(9 * 16, 10 * 16)), hex(DATA));
});

test('key B authenticates once the trailer makes key B a key (not readable data)', async () => {
  const { emu, reader, card, session } = await withCard();
  const keyA = Uint8Array.of(1, 2, 3, 4, 5, 6);
  const keyB = Uint8Array.of(0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5);
  await session.authenticate(3, 'A', TRANSPORT);
  const trailer = new Uint8Array(16);
  trailer.set(keyA, 0);
  trailer.set(encodeAccessBits([0b100, 0b100, 0b100, 0b011]), 6);
  trailer[9] = 0x69;
  trailer.set(keyB, 10);
  await session.writeBlock(15, trailer);
  await session.authenticate(3, 'B', keyB);
  await session.writeBlock(12, DATA);
  await session.authenticate(3, 'A', keyA);
  assert.equal(hex(await session.readBlock(12)), hex(DATA));
  await assert.rejects(session.writeBlock(13, DATA), isCardError('access-denied'), 'data blocks: write with B only');
  emu.place(card); // next tap
  const again = (await reader.detect())!;
  await again.authenticate(3, 'B', keyB);
  assert.equal(hex(await again.readBlock(12)), hex(DATA));
});

test('a wrong key is auth-failed (no key bytes in the message or log); the right key works next', async () => {
  const { session, reader, sink } = await withCard();
  const wrong = Uint8Array.of(0x13, 0x57, 0x9b, 0xdf, 0x24, 0x68);
  const err = await session.authenticate(1, 'A', wrong).catch((e: unknown) => e);
  assert.ok(isCardError('auth-failed')(err));
  assert.ok(!(err as Error).message.includes('13579bdf2468'));
  assert.ok(!sink.lines.join('\n').includes('13579bdf2468'));
  assert.equal(reader.counters.authFailures, 1);
  await session.authenticate(1, 'A', TRANSPORT);
  await session.readBlock(4);
});

test('a wrong key while another sector is open (nested authentication) is auth-failed; the card answers next', async () => {
  // MFCrypto1On stays set from the open sector: the driver must not take it for a success (a key probe tries
  // several keys in a row, and a real card that refused one has dropped to IDLE until it is re-selected).
  const { session, reader } = await withCard();
  await session.authenticate(1, 'A', TRANSPORT);
  const wrong = Uint8Array.of(0x13, 0x57, 0x9b, 0xdf, 0x24, 0x68);
  await assert.rejects(session.authenticate(2, 'B', wrong), isCardError('auth-failed'));
  assert.equal(reader.counters.authFailures, 1);
  await assert.rejects(session.readBlock(8), isCardError('not-authenticated'), 'nothing is open after it');
  await session.authenticate(2, 'A', TRANSPORT);
  assert.equal(hex(await session.readBlock(8)), '00'.repeat(16));
});

test('reads outside the authenticated sector are refused locally; a NAK is access-denied, then re-auth works', async () => {
  const { emu, session, reader } = await withCard();
  await session.authenticate(0, 'A', TRANSPORT);
  const before = emu.field.exchanges.length;
  await assert.rejects(session.readBlock(4), isCardError('not-authenticated'));
  assert.equal(emu.field.exchanges.length, before, 'nothing was sent');
  await assert.rejects(session.writeBlock(0, DATA), isCardError('access-denied'), 'block 0 is read-only');
  assert.equal(reader.counters.naks, 1);
  await assert.rejects(session.readBlock(1), isCardError('not-authenticated'), 'the NAK ended the authentication');
  await session.authenticate(0, 'A', TRANSPORT);
  assert.equal(hex(await session.readBlock(0)).slice(0, 8), 'deadbeef');
  await assert.rejects(session.readBlock(64), isCardError('bad-block'));
  await assert.rejects(session.writeBlock(1, new Uint8Array(15)), isCardError('bad-block'));
});

test('card torn away mid-write: removed, the block is what the virtual card models, found again on the next tap', async () => {
  const { emu, reader, card, session } = await withCard();
  await session.authenticate(1, 'A', TRANSPORT);
  card.armTear(8);
  await assert.rejects(session.writeBlock(5, DATA), isCardError('removed'));
  const torn = Uint8Array.from([...DATA.subarray(0, 8), ...new Uint8Array(8)]);
  assert.equal(hex(card.dump().subarray(80, 96)), hex(torn), 'prefix model: 8 new bytes, then the old ones');
  assert.equal(card.inField, false);
  await assert.rejects(session.readBlock(5), isCardError('removed'), 'the session is dead');
  assert.equal(reader.counters.removals, 1);
  assert.equal(await reader.detect(), null, 'nothing in the field');
  emu.place(card);
  const next = (await reader.detect())!;
  await next.authenticate(1, 'A', TRANSPORT);
  assert.equal(hex(await next.readBlock(5)), hex(torn));
});

test('removal at any frame of a write: before the data phase nothing lands, after it the data landed but the ACK is lost', async () => {
  for (const [point, landed] of [
    ['before-card', false],
    ['after-card', true],
  ] as const) {
    const { emu, card, session } = await withCard();
    await session.authenticate(1, 'A', TRANSPORT);
    emu.field.armRemoval(1, point); // frame 0 = "A0 05", frame 1 = the 16 data bytes
    await assert.rejects(session.writeBlock(5, DATA), isCardError('removed'));
    assert.equal(hex(card.dump().subarray(80, 96)), hex(landed ? DATA : new Uint8Array(16)), point);
  }
  const { card, session } = await withCard();
  card.armRemovalBeforeOp(1);
  await session.authenticate(1, 'A', TRANSPORT);
  await assert.rejects(session.readBlock(4), isCardError('removed'), 'armRemovalBeforeOp: gone before the read');
});

test('a corrupted answer is a transport error; the next read succeeds', async () => {
  const { emu, reader, session } = await withCard();
  await session.authenticate(1, 'A', TRANSPORT);
  emu.field.corruptAnswers(1);
  await assert.rejects(session.readBlock(4), isCardError('transport'));
  assert.equal(reader.counters.garbled, 1);
  assert.equal(hex(await session.readBlock(4)), hex(new Uint8Array(16)));
});

test('a wedged chip is recovered: detect resets it and carries on, a session op reports transport', async () => {
  const { emu, reader, card, session, sink } = await withCard();
  await session.authenticate(1, 'A', TRANSPORT);
  emu.wedge();
  await assert.rejects(session.readBlock(4), isCardError('transport'));
  assert.equal(reader.counters.recoveries, 1);
  assert.equal(emu.isWedged, false);
  assert.ok(sink.lines.some((l) => l.includes('mfrc522.recover')));
  await assert.rejects(session.readBlock(4), isCardError('removed'), 'the antenna cycle ended the session');
  emu.wedge();
  const again = await reader.detect(); // the field cycle powered the card up again: it is new in the field
  assert.equal(reader.counters.recoveries, 2);
  assert.ok(again);
  assert.equal(hex(again.uid), hex(card.uid));
});

test('one tap, one session: a card left on the reader is halted and not served twice; WUPA mode finds it', async () => {
  const { emu, reader, card } = await withCard();
  assert.equal(await reader.detect(), null, 'halted by the previous detect');
  assert.equal(emu.field.stateOf(card), 'halt');
  emu.place(card);
  assert.ok(await reader.detect(), 'back in the field: a new tap');
  const wake = await Mfrc522Reader.open(emu, { wake: true });
  assert.ok(await wake.detect(), 'WUPA wakes a halted card');
});

test('the driver yields to the event loop: a setImmediate queued before detect runs before it resolves', async () => {
  const { reader } = await rig();
  const order: string[] = [];
  setImmediate(() => order.push('immediate'));
  await reader.detect().then(() => order.push('detect'));
  assert.deepEqual(order, ['immediate', 'detect']);
});

test('slow IRQs are polled (bounded), and two callers never interleave on the chip', async () => {
  const { emu, reader } = await rig({ irqLatencyPolls: 5 });
  const card = VirtualClassicCard.blank(UID4);
  emu.place(card);
  const polls = reader.chip.polls;
  const session = (await reader.detect())!;
  assert.ok(reader.chip.polls - polls >= 3 * 5, 'REQA, anticollision, select: each polled 5 times or more');
  await session.authenticate(1, 'A', TRANSPORT);
  const [a, b] = await Promise.all([session.readBlock(4), session.writeBlock(5, DATA)]);
  assert.equal(hex(a), hex(new Uint8Array(16)));
  assert.equal(b, undefined);
  assert.equal(hex(await session.readBlock(5)), hex(DATA));
});

test('two cards in the field: the lowest UID is selected, the other on the next detect', async () => {
  const { emu, reader } = await rig();
  const high = VirtualClassicCard.blank(Uint8Array.of(0x90, 1, 2, 3));
  const low = VirtualClassicCard.blank(UID7);
  emu.place(high);
  emu.place(low);
  assert.equal(hex((await reader.detect())!.uid), hex(UID7));
  assert.equal(emu.field.stateOf(high), 'idle', 'a select for another UID sends it back to IDLE');
  assert.equal(hex((await reader.detect())!.uid), '90010203');
  assert.equal(await reader.detect(), null, 'both halted now');
});

test('a failing SPI bus: transport for a session operation, a rejected promise for detect', async () => {
  const emu = new Mfrc522Emulator();
  let broken = false;
  const bus = {
    transfer: (tx: Uint8Array) => (broken ? Promise.reject(new Error('EIO')) : emu.transfer(tx)),
    close: () => emu.close(),
  };
  const reader = await Mfrc522Reader.open(bus);
  emu.place(VirtualClassicCard.blank(UID4));
  const session = (await reader.detect())!;
  broken = true;
  await assert.rejects(
    session.authenticate(1, 'A', TRANSPORT),
    (e) => isCardError('transport')(e) && /SPI transfer failed: EIO/.test((e as Error).message),
  );
  await assert.rejects(reader.detect(), /EIO/);
});
