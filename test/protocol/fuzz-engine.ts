import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { crc16, crc32 } from '../../protocol/crc.ts';
import { FrameDecoder, HEADER_BYTES, type FrameEvent } from '../../protocol/frame.ts';
import { decodeMessage, encodeMessage } from '../../protocol/messages/registry.ts';
import { Prng } from './helpers.ts';

/**
 * Feeds random and mutated frames to the frame decoder and every message
 * decoder (libosdp's test-async-fuzz, in-suite). Shared by
 * test/protocol/fuzz.test.ts (bounded) and scripts/fuzz.ts (long runs).
 *
 * Each iteration takes a valid frame from the golden vectors (or makes one
 * with a random payload under a known type), applies 1–3 mutations — bit
 * flips, truncation, insertion, deletion, duplication, a lying length —
 * and usually repairs the CRCs so the damage reaches the message decoders
 * rather than stopping at the checksum. Frames go into one long-lived
 * decoder as a stream cut at random points.
 *
 * Checked: no exception escapes; no decoder fault (a decoder that threw and
 * was caught); the decoder's buffer never exceeds its capacity; no single
 * push works more than PUSH_WORK_PER_BYTE_MAX times the bytes it could
 * have to look at (a hang in the making, counted, not timed); every message that decodes
 * re-encodes and decodes to the same value.
 */

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Called every 100,000 frames. */
  progress?: (s: FuzzStats) => void;
}

export interface FuzzStats {
  frames: number;
  bytes: number;
  framesDecoded: number;
  messagesOk: number;
  messagesRejected: number;
  frameErrors: number;
  maxBufferedBytes: number;
  capacityBytes: number;
  /** The most decoder work one push did, per byte it held or received (counted, not timed). */
  maxPushWorkPerByte: number;
  /** Bytes the frame decoder touched per byte received (rescans included). */
  workPerByte: number;
  failures: string[];
}

/**
 * One push may rescan what it holds plus what it receives, a few times over (hunt, header, body);
 * far beyond that, a single chunk has started a runaway rescan even if the total stays low.
 */
export const PUSH_WORK_PER_BYTE_MAX = 32;
/** Decoder work per input byte above this means rescanning has run away (a hang in the making). */
export const WORK_PER_BYTE_MAX = 16;
const FAILURES_KEPT = 10;

function seedFrames(): Uint8Array[] {
  const msgs = JSON.parse(readFileSync(new URL('../vectors/protocol/messages.json', import.meta.url), 'utf8')) as {
    messages: { frame: { hex: string } }[];
  };
  return msgs.messages.map((m) => Uint8Array.from(Buffer.from(m.frame.hex, 'hex')));
}

const KNOWN_TYPES = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x10, 0x11, 0x20, 0x21, 0x22, 0x23, 0x30, 0x31, 0x32, 0x40, 0x41,
  0x42, 0x43, 0x44, 0x45, 0x50, 0x51, 0x60, 0x61, 0x70, 0x71, 0x80,
];

/** Recomputes header CRC and frame CRC as far as the (possibly broken) layout allows. */
function repair(f: Uint8Array): void {
  if (f.length < HEADER_BYTES) return;
  const h = crc16(f, 0, 11);
  f[11] = h & 0xff;
  f[12] = h >>> 8;
  if (f.length < HEADER_BYTES + 4) return;
  const end = f.length - 4;
  const c = crc32(f, 0, end);
  for (let i = 0; i < 4; i++) f[end + i] = (c >>> (8 * i)) & 0xff;
}

/** Sets LEN to match the bytes present (so a mutated frame still parses as one frame). */
function fitLength(f: Uint8Array): void {
  if (f.length < HEADER_BYTES + 4) return;
  const len = Math.max(0, f.length - HEADER_BYTES - 4 - (f[4] & 1 ? 8 : 0));
  f[9] = len & 0xff;
  f[10] = (len >>> 8) & 0xff;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mutate(src: Uint8Array, rng: Prng): Uint8Array {
  let f: Uint8Array = src.slice();
  const n = 1 + rng.int(3);
  let keepLength = true;
  for (let k = 0; k < n; k++) {
    const op = rng.int(7);
    const at = rng.int(f.length + 1);
    if (op === 0 || op === 1) {
      if (f.length) f[rng.int(f.length)] ^= 1 << rng.int(8);
    } else if (op === 2) {
      f = f.slice(0, Math.max(1, at));
    } else if (op === 3) {
      const ins = rng.bytes(1 + rng.int(8));
      f = join(f.subarray(0, at), ins, f.subarray(at));
    } else if (op === 4) {
      f = join(f.subarray(0, at), f.subarray(Math.min(f.length, at + 1 + rng.int(8))));
    } else if (op === 5) {
      const a = rng.int(f.length);
      f = join(f, f.subarray(a, a + 1 + rng.int(16)));
    } else if (f.length > 11) {
      // the length field lies (kept through the repair below)
      const lie = rng.int(3) === 0 ? 0xffff : rng.int(Math.min(0xffff, f.length * 2));
      f[9] = lie & 0xff;
      f[10] = lie >>> 8;
      keepLength = false;
    }
  }
  const fix = rng.int(10);
  if (fix < 7) {
    if (keepLength && fix < 5) fitLength(f);
    repair(f);
  }
  return f;
}

function randomFrame(rng: Prng): Uint8Array {
  const payload = rng.bytes(rng.int(rng.int(4) === 0 ? 600 : 40));
  const withMac = rng.int(2) === 0;
  const f = new Uint8Array(HEADER_BYTES + payload.length + (withMac ? 8 : 0) + 4);
  f[0] = 0xa5;
  f[1] = 0xc1;
  f[2] = 1;
  f[3] = rng.int(8) === 0 ? rng.int(256) : KNOWN_TYPES[rng.int(KNOWN_TYPES.length)];
  f[4] = withMac ? 1 : 0;
  f.set(rng.bytes(4), 5);
  f[9] = payload.length & 0xff;
  f[10] = payload.length >>> 8;
  f.set(payload, HEADER_BYTES);
  repair(f);
  return f;
}

function checkMessage(type: number, payload: Uint8Array, s: FuzzStats): void {
  const d = decodeMessage(type, payload);
  if (!d.ok) {
    s.messagesRejected++;
    if (d.error.startsWith('decoder fault'))
      fail(s, `type 0x${type.toString(16)} ${Buffer.from(payload).toString('hex')}: ${d.error}`);
    return;
  }
  s.messagesOk++;
  try {
    const again = encodeMessage(d.message);
    // Canonical encoders give the same bytes back (cheap check); when not (a skipped unknown tag, a record re-chosen compact), compare values.
    if (Buffer.compare(again.payload, payload) === 0) return;
    const d2 = decodeMessage(again.code, again.payload);
    if (!d2.ok || !isDeepStrictEqual(d2.message, d.message))
      fail(
        s,
        `type 0x${type.toString(16)} ${Buffer.from(payload).toString('hex')}: decoded value does not survive re-encoding`,
      );
  } catch (err) {
    fail(
      s,
      `type 0x${type.toString(16)} ${Buffer.from(payload).toString('hex')}: re-encoding a decoded message threw ${(err as Error).message}`,
    );
  }
}

function fail(s: FuzzStats, what: string): void {
  if (s.failures.length < FAILURES_KEPT) s.failures.push(what);
}

export function runFuzz(opts: FuzzOptions): FuzzStats {
  const rng = new Prng(opts.seed);
  const seeds = seedFrames();
  const decoder = new FrameDecoder();
  const s: FuzzStats = {
    frames: 0,
    bytes: 0,
    framesDecoded: 0,
    messagesOk: 0,
    messagesRejected: 0,
    frameErrors: 0,
    maxBufferedBytes: 0,
    capacityBytes: decoder.capacityBytes,
    maxPushWorkPerByte: 0,
    workPerByte: 0,
    failures: [],
  };
  const batch: Uint8Array[] = [];
  const flush = () => {
    const stream = Buffer.concat(batch);
    batch.length = 0;
    s.bytes += stream.length;
    let at = 0;
    while (at < stream.length) {
      const n = rng.int(4) === 0 ? 1 + rng.int(8) : 1 + rng.int(2048);
      const chunk = stream.subarray(at, at + n);
      const heldBytes = decoder.bufferedBytes + chunk.length;
      const workedBefore = decoder.stats.bytesWorked;
      let events: FrameEvent[];
      try {
        events = decoder.push(chunk);
      } catch (err) {
        fail(s, `FrameDecoder.push threw: ${(err as Error).stack}`);
        return;
      }
      const workPerByte = (decoder.stats.bytesWorked - workedBefore) / heldBytes;
      if (workPerByte > s.maxPushWorkPerByte) s.maxPushWorkPerByte = workPerByte;
      if (workPerByte > PUSH_WORK_PER_BYTE_MAX)
        fail(s, `a push of ${n} bytes worked ${workPerByte.toFixed(1)} per byte`);
      at += n;
      s.maxBufferedBytes = Math.max(s.maxBufferedBytes, decoder.bufferedBytes);
      for (const e of events) {
        if (e.kind === 'error') s.frameErrors++;
        else {
          s.framesDecoded++;
          checkMessage(e.frame.type, e.frame.payload, s);
        }
      }
    }
    if (s.maxBufferedBytes > s.capacityBytes)
      fail(s, `decoder held ${s.maxBufferedBytes} bytes > capacity ${s.capacityBytes}`);
  };
  for (let i = 0; i < opts.frames; i++) {
    const r = rng.int(10);
    const f =
      r < 2 ? randomFrame(rng) : r < 9 ? mutate(seeds[rng.int(seeds.length)], rng) : seeds[rng.int(seeds.length)];
    // Most mutated frames go straight to the message decoder too: a CRC-valid frame is not needed to fuzz a payload.
    if (r >= 2 && f.length > HEADER_BYTES && rng.int(4) === 0)
      checkMessage(f[3], f.subarray(HEADER_BYTES, Math.max(HEADER_BYTES, f.length - 12)), s);
    batch.push(f);
    if (rng.int(16) === 0) batch.push(rng.bytes(rng.int(24)));
    s.frames++;
    if (batch.length >= 64) flush();
    if (opts.progress && s.frames % 100_000 === 0) opts.progress(s);
  }
  flush();
  s.workPerByte = decoder.stats.bytesWorked / Math.max(1, decoder.stats.bytesIn);
  if (s.workPerByte > WORK_PER_BYTE_MAX) fail(s, `decoder worked ${s.workPerByte.toFixed(1)} bytes per input byte`);
  return s;
}
