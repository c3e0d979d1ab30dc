import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBillTable, encodeBillTable } from '../../../drivers/cash/ccnet/bill-table.ts';
import { CcnetDecoder, type Decoded } from '../../../drivers/cash/ccnet/decoder.ts';
import { decodePoll } from '../../../drivers/cash/ccnet/device-state.ts';
import { CMD, crc16, encodeFrame } from '../../../drivers/cash/ccnet/frame.ts';
import { RMB_TABLE } from '../../../simulator/cash/ccnet/emulator.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('golden frames: the published CCNET command frames, CRC16 LSB first', () => {
  const golden: [number[], string][] = [
    [[CMD.reset], '02030630 41b3'],
    [[CMD.getStatus], '02030631 c8a2'],
    [[CMD.poll], '02030633 da81'],
    [[CMD.stack], '02030635 ece4'],
    [[CMD.return], '02030636 77d6'],
    [[CMD.identification], '02030637 fec7'],
    [[CMD.hold], '02030638 093f'],
    [[CMD.getBillTable], '02030641 4fd1'],
    [[CMD.ack], '02030600 c282'],
    [[CMD.nak], '020306ff ba8d'],
    [[CMD.enableBillTypes, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '02030c34ffffffffffff fef7'],
    [[CMD.enableBillTypes, 0, 0, 0, 0, 0, 0], '02030c34000000000000 170c'],
  ];
  for (const [payload, frame] of golden) assert.equal(hex(encodeFrame(payload)), frame.replace(/ /g, ''));
  assert.equal(crc16(new TextEncoder().encode('123456789')), 0x2189); // CRC-16/KERMIT check value
});

const frames = (ds: Decoded[]) =>
  ds.filter((d) => d.kind === 'frame').map((d) => hex(d.kind === 'frame' ? d.payload : new Uint8Array()));

test('the decoder finds the same frames at every split point, through garbage, a stray SYNC and a corrupt frame', () => {
  const corrupt = encodeFrame([0x80, 3]);
  corrupt[4]! ^= 0x01;
  const stream = new Uint8Array([
    0x55,
    0x02,
    0x99, // garbage with a stray SYNC followed by a bad address
    0x02,
    0x03,
    0x0a, // a false start whose length swallows the real frame behind it
    ...encodeFrame([0x14]),
    ...corrupt,
    ...encodeFrame([0x81, 2]),
    0x02,
    0x03,
    0x02, // SYNC ADR and a length too short to be a frame
    ...encodeFrame([...encodeBillTable(RMB_TABLE)]),
  ]);
  const want = ['14', '8102', hex(encodeBillTable(RMB_TABLE))];
  const whole = new CcnetDecoder().feed(stream);
  assert.deepEqual(frames(whole), want);
  assert.ok(whole.some((d) => d.kind === 'bad-crc'));
  assert.ok(whole.some((d) => d.kind === 'bad-length'));
  for (let at = 1; at < stream.length; at++) {
    const dec = new CcnetDecoder();
    assert.deepEqual(
      frames([...dec.feed(stream.subarray(0, at)), ...dec.feed(stream.subarray(at))]),
      want,
      `split at ${at}`,
    );
  }
  const oneByOne = new CcnetDecoder();
  assert.deepEqual(frames([...stream].flatMap((b) => oneByOne.feed(new Uint8Array([b])))), want);
});

test('POLL replies decode to states; unknown or truncated ones are errors naming the code', () => {
  assert.deepEqual(decodePoll(new Uint8Array([0x12])), { ok: true, state: { kind: 'power-up', bill: 'in-stacker' } });
  assert.deepEqual(decodePoll(new Uint8Array([0x80, 5])), { ok: true, state: { kind: 'escrow', billType: 5 } });
  assert.deepEqual(decodePoll(new Uint8Array([0x1c, 0x68])), { ok: true, state: { kind: 'rejecting', reason: 0x68 } });
  assert.deepEqual(decodePoll(new Uint8Array([0x42])), {
    ok: true,
    state: { kind: 'alarm', alarm: 'cassette-removed' },
  });
  const bad = [
    decodePoll(new Uint8Array([0x99])),
    decodePoll(new Uint8Array([0x81])),
    decodePoll(new Uint8Array([0x81, 40])),
  ];
  assert.deepEqual(
    bad.map((r) => (r.ok ? '' : r.error)),
    ['unknown POLL reply 0x99', 'POLL reply 0x81 without its second byte', 'bill type 40 outside 0..23'],
  );
});

test('bill table: RMB notes round-trip in integer cents; malformed tables are refused', () => {
  const t = decodeBillTable(encodeBillTable(RMB_TABLE));
  assert.ok(t.ok);
  assert.deepEqual(t.entries, RMB_TABLE);
  // 5 × 10^-1 units = 50 cents (a 5 jiao note, negative power: bit 7).
  const jiao = new Uint8Array(120);
  jiao.set([5, 0x43, 0x48, 0x4e, 0x81]);
  assert.deepEqual(decodeBillTable(jiao), { ok: true, entries: [{ billType: 0, valueCents: 50, currency: 'CHN' }] });
  const fraction = new Uint8Array(120);
  fraction.set([5, 0x43, 0x48, 0x4e, 0x83]);
  assert.equal(decodeBillTable(fraction).ok, false);
  assert.equal(decodeBillTable(new Uint8Array(119)).ok, false);
});
