import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  crc16,
  crc32,
  encodeFrame,
  FrameDecoder,
  frameBytes,
  HEADER_BYTES,
  PAYLOAD_BYTES_DEFAULT,
  type FrameEvent,
} from '../../protocol/index.ts';
import { concat, Prng, randomChunks } from './helpers.ts';
import { hex } from './json.ts';

/** Layer 1 alone: the frame decoder over every chunking, resync, limits. */

const vectors = JSON.parse(readFileSync(new URL('../vectors/protocol/messages.json', import.meta.url), 'utf8')) as {
  messages: { frame: { hex: string } }[];
};
const FRAMES = vectors.messages.map((m) => Uint8Array.from(Buffer.from(m.frame.hex, 'hex')));
const STREAM = concat(FRAMES);

function feed(
  chunks: Uint8Array[],
  decoder = new FrameDecoder(),
): { frames: string[]; skipped: number; errors: string[]; maxBuffered: number } {
  const frames: string[] = [];
  const errors: string[] = [];
  let skipped = 0;
  let maxBuffered = 0;
  for (const c of chunks) {
    for (const e of decoder.push(c)) {
      if (e.kind === 'frame') frames.push(hex(e.frame.raw));
      else {
        skipped += e.skippedBytes;
        if (e.error !== 'garbage') errors.push(e.error);
      }
    }
    maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
  }
  return { frames, skipped, errors, maxBuffered };
}

const byteByByte = (b: Uint8Array) => Array.from(b, (_, i) => b.subarray(i, i + 1));

test('every vector frame comes out of one stream, whatever the chunking', () => {
  const want = FRAMES.map(hex);
  assert.deepEqual(feed([STREAM]).frames, want);
  assert.deepEqual(feed(byteByByte(STREAM)).frames, want);
  const rng = new Prng(7);
  for (let i = 0; i < 200; i++) assert.deepEqual(feed(randomChunks(STREAM, rng, 40)).frames, want, `random split ${i}`);
});

test('every split point of a small frame gives the frame once', () => {
  const f = FRAMES.find((x) => x.length < 40) as Uint8Array;
  for (let a = 0; a <= f.length; a++) {
    for (let b = a; b <= f.length; b++) {
      const r = feed([f.subarray(0, a), f.subarray(a, b), f.subarray(b)]);
      assert.deepEqual(r.frames, [hex(f)]);
      assert.equal(r.skipped, 0);
    }
  }
});

test('garbage before, between and after frames is skipped and counted', () => {
  const rng = new Prng(3);
  const parts: Uint8Array[] = [];
  let garbage = 0;
  for (const f of FRAMES) {
    // garbage without the marker's first byte, so the count is exact
    const g = rng.bytes(rng.int(50)).map((b) => (b === 0xa5 ? 0x00 : b));
    garbage += g.length;
    parts.push(g, f);
  }
  const stream = concat(parts);
  for (const chunks of [[stream], byteByByte(stream), randomChunks(stream, rng, 30)]) {
    const r = feed(chunks);
    assert.deepEqual(r.frames, FRAMES.map(hex));
    assert.equal(r.skipped, garbage);
    assert.deepEqual(r.errors, []);
  }
});

test('resync after a corrupted frame: the rest of the stream still decodes, in any chunking', () => {
  const rng = new Prng(11);
  for (let trial = 0; trial < 300; trial++) {
    const i = rng.int(FRAMES.length);
    const bad = FRAMES[i].slice();
    bad[rng.int(bad.length)] ^= 1 << rng.int(8);
    const stream = concat([...FRAMES.slice(0, i), bad, ...FRAMES.slice(i + 1)]);
    const want = FRAMES.filter((_, k) => k !== i).map(hex);
    const once = feed([stream]);
    assert.deepEqual(once.frames, want, `trial ${trial}`);
    assert.deepEqual(feed(randomChunks(stream, rng, 20)).frames, want);
    assert.ok(once.skipped >= bad.length, 'every byte of the bad frame is accounted as skipped');
  }
});

test('a torn frame (cut mid-way) followed by good frames loses only the torn one', () => {
  for (let cut = 1; cut < FRAMES[3].length; cut += 3) {
    const stream = concat([FRAMES[3].subarray(0, cut), FRAMES[4], FRAMES[5]]);
    const r = feed(byteByByte(stream));
    assert.deepEqual(r.frames.slice(-2), [hex(FRAMES[4]), hex(FRAMES[5])], `cut at ${cut}`);
  }
});

test('a frame hidden inside a bad frame is found by rescanning from the byte after the marker', () => {
  const inner = FRAMES[0];
  // A header that passes its CRC and claims a payload long enough to swallow `inner`; its frame CRC will fail.
  const outer = encodeFrame({ type: 0x70, seq: 9, payload: new Uint8Array(inner.length + 10) });
  const fake = concat([
    outer.subarray(0, HEADER_BYTES),
    inner,
    new Uint8Array(outer.length - HEADER_BYTES - inner.length),
  ]);
  const r = feed([fake, FRAMES[1]]);
  assert.deepEqual(r.frames, [hex(inner), hex(FRAMES[1])]);
  assert.ok(r.errors.includes('bad-crc'));
});

test('limits: a length above the maximum is a header error at once, not a wait', () => {
  const d = new FrameDecoder({ maxPayloadBytes: 64 });
  const big = encodeFrame({ type: 0x80, seq: 0, payload: new Uint8Array(65) });
  const events = d.push(big.subarray(0, HEADER_BYTES));
  assert.deepEqual(
    events.map((e) => (e.kind === 'error' ? e.error : 'frame')),
    ['too-long', 'garbage'],
  );
  assert.ok(d.bufferedBytes < HEADER_BYTES);
  const ok = encodeFrame({ type: 0x80, seq: 0, payload: new Uint8Array(64) });
  assert.equal(feed([ok], new FrameDecoder({ maxPayloadBytes: 64 })).frames.length, 1);
});

test('limits: the buffer never exceeds one largest frame, whatever arrives', () => {
  const d = new FrameDecoder();
  assert.equal(d.capacityBytes, frameBytes(PAYLOAD_BYTES_DEFAULT, true));
  const rng = new Prng(5);
  // Headers that pass their CRC and promise the largest payload, then never deliver it: worst case for buffering.
  const liar = encodeFrame({ type: 0x30, seq: 1, payload: new Uint8Array(PAYLOAD_BYTES_DEFAULT) }).subarray(
    0,
    HEADER_BYTES,
  );
  for (let i = 0; i < 200; i++) {
    d.push(rng.int(2) ? liar : rng.bytes(rng.int(4000)));
    assert.ok(d.bufferedBytes <= d.capacityBytes, `held ${d.bufferedBytes}`);
  }
});

test('reserved flags, wrong version and bad header CRC are reported by name', () => {
  const f = FRAMES[0].slice();
  const cases: [number, number, string][] = [
    [4, 0x02, 'bad-flags'],
    [2, 0x02, 'bad-version'],
  ];
  for (const [at, value, error] of cases) {
    const g = f.slice();
    g[at] = value;
    const h = crc16(g, 0, 11);
    g[11] = h & 0xff;
    g[12] = h >>> 8;
    const kinds = new FrameDecoder()
      .push(g)
      .flatMap((e: FrameEvent) => (e.kind === 'error' && e.error !== 'garbage' ? [e.error] : []));
    assert.deepEqual(kinds, [error]);
  }
  const g = f.slice();
  g[11] ^= 0xff;
  assert.ok(new FrameDecoder().push(g).some((e) => e.kind === 'error' && e.error === 'bad-header-crc'));
});

test('the encoder refuses what the header cannot say', () => {
  assert.throws(() => encodeFrame({ type: 256, seq: 0, payload: new Uint8Array() }), RangeError);
  assert.throws(() => encodeFrame({ type: 1, seq: 2 ** 32, payload: new Uint8Array() }), RangeError);
  assert.throws(() => encodeFrame({ type: 1, seq: 0, payload: new Uint8Array(0x10000) }), RangeError);
  assert.throws(
    () => encodeFrame({ type: 1, seq: 0, payload: new Uint8Array(), mac: () => new Uint8Array(4) }),
    RangeError,
  );
});

test('CRC check values (CRC-16/AUG-CCITT as OSDP, CRC-32/ISO-HDLC as zlib)', () => {
  const ascii = new TextEncoder().encode('123456789');
  assert.equal(crc16(ascii), 0xe5cc);
  assert.equal(crc32(ascii), 0xcbf43926);
  // OSDP POLL (docs/protocol-lessons.md): 53 00 08 00 05 60 | DA 99 (CRC sent LSB first).
  assert.equal(crc16(Uint8Array.from([0x53, 0x00, 0x08, 0x00, 0x05, 0x60])), 0x99da);
});
