import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  EncodeError,
  FrameDecoder,
  Reader,
  Writer,
  type Message,
} from '../../protocol/index.ts';
import { readTlvs, TlvWriter } from '../../protocol/messages/tlv.ts';
import { Prng, randomChunks } from './helpers.ts';
import { fromJson } from './json.ts';

/** Layer 2: the byte readers and every message codec. */

const vectors = (
  JSON.parse(readFileSync(new URL('../vectors/protocol/messages.json', import.meta.url), 'utf8')) as {
    messages: { name: string; code: number; payloadHex: string; decoded: unknown; frame: { hex: string } }[];
  }
).messages;

test('varint: boundaries round-trip; the reader refuses overlong, non-canonical and truncated input', () => {
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
    const b = new Writer().varint(v).finish();
    const r = new Reader(b);
    assert.equal(r.varint(), v);
    assert.ok(r.atEnd && !r.failed);
  }
  assert.deepEqual([...new Writer().varint(300).finish()], [0xac, 0x02]);
  const bad = (bytes: number[]) => {
    const r = new Reader(Uint8Array.from(bytes));
    assert.equal(r.varint('x'), 0);
    return r.error ?? '';
  };
  assert.match(bad([0x80, 0x00]), /non-canonical/);
  assert.match(bad([0x80]), /needs 1 byte/);
  assert.match(bad([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), /longer than 8/);
  assert.match(bad([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), /exceeds/);
  for (const v of [0, -1, 1, -64, 64, -(2 ** 40), 2 ** 40])
    assert.equal(new Reader(new Writer().svarint(v).finish()).svarint(), v);
  assert.throws(() => new Writer().varint(-1), EncodeError);
  assert.throws(() => new Writer().varint(1.5), EncodeError);
});

test('reader: a failed read latches, stops at the end and never throws', () => {
  const r = new Reader(Uint8Array.from([1, 2]));
  assert.equal(r.u32('a'), 0);
  assert.equal(r.u8('b'), 0);
  assert.match(r.error ?? '', /^a: needs 4 byte/);
  assert.equal(r.str('c'), '');
  assert.equal(`${new Reader(Uint8Array.from([2, 0xc3, 0x28])).str('s')}`, '');
  const lying = new Reader(Uint8Array.from([0xff, 0xff, 0x03, 1]));
  assert.equal(lying.count('items', 1), 0);
  assert.match(lying.error ?? '', /cannot fit/);
});

test('TLV: unknown even tags are skipped, unknown odd tags refused, order enforced', () => {
  const w = new Writer();
  new TlvWriter(w).varint(2, 5).str(6, 'later').varint(8, 1);
  const t = readTlvs(new Reader(w.finish()), [2]);
  assert.equal(t.varint(2), 5);
  assert.deepEqual(t.skipped, [6, 8]);
  const odd = new Writer();
  new TlvWriter(odd).varint(2, 5).varint(7, 1);
  const r = new Reader(odd.finish());
  readTlvs(r, [2]);
  assert.match(r.error ?? '', /unknown critical tlv tag 7/);
  assert.throws(() => new TlvWriter(new Writer()).varint(4, 1).varint(2, 1), EncodeError);
});

test('every vector payload truncated at every length is refused, never thrown', () => {
  for (const v of vectors) {
    const payload = Buffer.from(v.payloadHex, 'hex');
    for (let n = 0; n < payload.length; n++) {
      const d = decodeMessage(v.code, payload.subarray(0, n));
      // A cut inside the optional TLV tail can still leave a valid message without those fields; it must then re-encode.
      if (d.ok) assert.doesNotThrow(() => encodeMessage(d.message), `${v.name} cut at ${n}`);
      else assert.ok(!d.error.startsWith('decoder fault'), `${v.name} cut at ${n}: ${d.error}`);
    }
    const extra = decodeMessage(v.code, Buffer.concat([payload, Buffer.from([0x01])]));
    assert.equal(extra.ok, false, `${v.name} with a trailing odd tag`);
  }
});

test('every message decoder behind the frame decoder, over every chunking of the whole vector stream', () => {
  const stream = Buffer.concat(vectors.map((v) => Buffer.from(v.frame.hex, 'hex')));
  const want = vectors.map((v) => fromJson(v.decoded));
  const decodeAll = (chunks: Uint8Array[]) => {
    const d = new FrameDecoder();
    const out: Message[] = [];
    for (const c of chunks)
      for (const e of d.push(c)) {
        if (e.kind !== 'frame') continue;
        const m = decodeMessage(e.frame.type, e.frame.payload);
        assert.ok(m.ok, m.ok ? '' : m.error);
        out.push(m.message);
      }
    return out;
  };
  assert.deepStrictEqual(decodeAll(Array.from(stream, (_, i) => stream.subarray(i, i + 1))), want);
  const rng = new Prng(21);
  for (let i = 0; i < 50; i++) assert.deepStrictEqual(decodeAll(randomChunks(stream, rng, 60)), want);
});

test('unknown message type codes are reported as unknown, not as bad payloads', () => {
  const d = decodeMessage(0x7f, new Uint8Array());
  assert.ok(!d.ok && d.unknownType);
  const e = decodeMessage(0x70, new Uint8Array([0xff]));
  assert.ok(!e.ok && !e.unknownType);
});

test('encoders refuse values the wire cannot carry, with the field named', () => {
  assert.throws(() => encodeMessage({ type: 'timeRequest', t1Ms: -1, clock: 'synced' }), /t1Ms/);
  assert.throws(() => encodeMessage({ type: 'timeRequest', t1Ms: 1, clock: 'sometimes' as 'synced' }), /clock/);
  assert.throws(
    () =>
      encodeMessage({
        type: 'listDelta',
        list: 'blacklist',
        fromVersion: 2,
        toVersion: 2,
        chunkIndex: 0,
        chunkCount: 1,
        digest: new Uint8Array(12),
        add: [],
        remove: [],
      }),
    /forward/,
  );
  assert.throws(
    () =>
      encodeMessage({
        type: 'listSnapshot',
        list: 'blacklist',
        version: 1,
        chunkIndex: 0,
        chunkCount: 1,
        digest: new Uint8Array(12),
        totalEntries: 2,
        entries: [5, 3],
      }),
    /sorted/,
  );
  assert.throws(
    () =>
      encodeMessage({
        type: 'hello',
        terminalId: 1,
        keyId: 1,
        versionMin: 1,
        versionMax: 1,
        caps: 0,
        nonce: new Uint8Array(8),
      }),
    /nonce/,
  );
});
