import { crc16, crc32 } from './crc.ts';

/**
 * Layer 1: framing (PROTOCOL.md §2). Transport-agnostic: a WebSocket binary
 * message, a TCP stream or a serial line carry the same bytes, and the
 * decoder accepts them in any chunking.
 *
 *   off  size  field
 *   0    2     SOM      A5 C1
 *   2    1     VER      01 (framing version)
 *   3    1     TYPE     message type
 *   4    1     FLAGS    bit 0 = MAC present; bits 1–7 reserved, must be 0
 *   5    4     SEQ      u32 LE, per direction
 *   9    2     LEN      u16 LE, payload bytes
 *   11   2     HCRC     CRC-16/AUG-CCITT of bytes 0..10, LE
 *   13   LEN   PAYLOAD
 *   ..   8     MAC      only when FLAGS bit 0 (PROTOCOL.md §3.5)
 *   ..   4     CRC      CRC-32 of everything before it, LE
 */

export const SOM = [0xa5, 0xc1] as const;
export const FRAME_VERSION = 1;
export const HEADER_BYTES = 13;
export const MAC_BYTES = 8;
export const CRC_BYTES = 4;
export const FLAG_MAC = 0x01;
/**
 * Default largest payload a receiver accepts. 32 KiB carries ~1,000 sales or
 * ~15,000 blacklist entries, yet costs only ~6 s to resend at GPRS speed
 * (~5 KiB/s) when a link drops mid-frame. Peers may announce a smaller limit.
 */
export const PAYLOAD_BYTES_DEFAULT = 32 * 1024;
/** What the u16 LEN field can say. */
export const PAYLOAD_BYTES_LIMIT = 0xffff;

export interface Frame {
  type: number;
  flags: number;
  seq: number;
  payload: Uint8Array;
  /** The 8 MAC bytes, or null for an unsecured (handshake) frame. */
  mac: Uint8Array | null;
  /** The whole frame as received; `raw.subarray(0, HEADER_BYTES + payload.length)` is what the MAC covers. */
  raw: Uint8Array;
}

export function frameBytes(payloadBytes: number, withMac: boolean): number {
  return HEADER_BYTES + payloadBytes + (withMac ? MAC_BYTES : 0) + CRC_BYTES;
}

/** The bytes the MAC covers: header and payload. */
export function macInput(raw: Uint8Array): Uint8Array {
  const len = raw[9] | (raw[10] << 8);
  return raw.subarray(0, HEADER_BYTES + len);
}

export interface FrameSpec {
  type: number;
  seq: number;
  payload: Uint8Array;
  /** Computes the MAC over header ‖ payload; absent for unsecured frames. */
  mac?: (signed: Uint8Array) => Uint8Array;
}

/** Encodes one frame. Throws RangeError on a caller bug (field out of range). */
export function encodeFrame(spec: FrameSpec): Uint8Array {
  const { type, seq, payload } = spec;
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`frame type ${type} is not a byte`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) throw new RangeError(`frame seq ${seq} is not a u32`);
  if (payload.length > PAYLOAD_BYTES_LIMIT)
    throw new RangeError(`payload of ${payload.length} bytes exceeds ${PAYLOAD_BYTES_LIMIT}`);
  const withMac = spec.mac !== undefined;
  const out = new Uint8Array(frameBytes(payload.length, withMac));
  out[0] = SOM[0];
  out[1] = SOM[1];
  out[2] = FRAME_VERSION;
  out[3] = type;
  out[4] = withMac ? FLAG_MAC : 0;
  for (let i = 0; i < 4; i++) out[5 + i] = (seq >>> (8 * i)) & 0xff;
  out[9] = payload.length & 0xff;
  out[10] = payload.length >>> 8;
  const hcrc = crc16(out, 0, 11);
  out[11] = hcrc & 0xff;
  out[12] = hcrc >>> 8;
  out.set(payload, HEADER_BYTES);
  let end = HEADER_BYTES + payload.length;
  if (spec.mac) {
    const mac = spec.mac(out.subarray(0, end));
    if (mac.length !== MAC_BYTES) throw new RangeError(`MAC must be ${MAC_BYTES} bytes, got ${mac.length}`);
    out.set(mac, end);
    end += MAC_BYTES;
  }
  const crc = crc32(out, 0, end);
  for (let i = 0; i < 4; i++) out[end + i] = (crc >>> (8 * i)) & 0xff;
  return out;
}

export type FrameErrorCode = 'garbage' | 'bad-header-crc' | 'bad-version' | 'bad-flags' | 'too-long' | 'bad-crc';

export type FrameEvent =
  | { kind: 'frame'; frame: Frame }
  /** Bytes were dropped. `skippedBytes` counts what this event discarded (the rest is rescanned). */
  | { kind: 'error'; error: FrameErrorCode; skippedBytes: number; detail: string };

type State = 'hunt' | 'som2' | 'header' | 'body';

/**
 * Incremental frame decoder: an explicit state machine over arbitrary chunks
 * (hunt → som2 → header → body), in the manner of ws's Receiver.
 *
 * Contract:
 * - `push` never throws on any input and returns the events it completed.
 * - Memory is bounded: at most `capacityBytes` are held (one largest frame),
 *   whatever arrives.
 * - Resync (OSDP §5.2 lesson): bytes before a start marker are garbage; when
 *   a header or a CRC is bad, only the marker's first byte is dropped and the
 *   buffered bytes after it are scanned again, so a frame hidden behind a
 *   false marker or a torn frame is still found.
 * - The same bytes give the same frames and the same total of skipped bytes in
 *   any chunking.
 */
export class FrameDecoder {
  readonly maxPayloadBytes: number;
  readonly capacityBytes: number;
  private readonly buf: Uint8Array;
  private len = 0;
  private need = 0;
  private state: State = 'hunt';
  private garbage = 0;
  /**
   * Buffered bytes handed back for rescanning after a bad header or CRC, a
   * stack (top = next to read). Their total plus `len` never grows, so they
   * stay within capacityBytes.
   */
  private readonly left: { bytes: Uint8Array; pos: number }[] = [];
  private rescan: Uint8Array | null = null;
  /**
   * Work done: bytes received, and bytes the machine touched (scanned,
   * copied or checksummed, rescans included). The ratio is bounded by the
   * largest frame over the header size, whatever the input; the fuzz test
   * watches it as its "no hang" measure.
   */
  readonly stats = { bytesIn: 0, bytesWorked: 0 };

  constructor(opts: { maxPayloadBytes?: number } = {}) {
    const max = opts.maxPayloadBytes ?? PAYLOAD_BYTES_DEFAULT;
    if (!Number.isInteger(max) || max < 0 || max > PAYLOAD_BYTES_LIMIT)
      throw new RangeError(`maxPayloadBytes ${max} outside 0..${PAYLOAD_BYTES_LIMIT}`);
    this.maxPayloadBytes = max;
    this.capacityBytes = frameBytes(max, true);
    this.buf = new Uint8Array(this.capacityBytes);
  }

  /** Bytes held between calls: the partial frame plus any bytes awaiting rescan. */
  get bufferedBytes(): number {
    let n = this.len;
    for (const l of this.left) n += l.bytes.length - l.pos;
    return n;
  }

  reset(): void {
    this.len = 0;
    this.state = 'hunt';
    this.garbage = 0;
    this.left.length = 0;
    this.rescan = null;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let pos = 0;
    this.stats.bytesIn += chunk.length;
    for (;;) {
      const top = this.left.at(-1);
      if (top !== undefined) {
        top.pos = this.consume(top.bytes, top.pos, events);
        if (top.pos >= top.bytes.length) this.left.splice(this.left.indexOf(top), 1);
      } else if (pos < chunk.length) {
        pos = this.consume(chunk, pos, events);
      } else break;
      if (this.rescan !== null) {
        this.left.push({ bytes: this.rescan, pos: 0 });
        this.rescan = null;
      }
    }
    this.flushGarbage(events);
    return events;
  }

  private flushGarbage(events: FrameEvent[]): void {
    if (this.garbage === 0) return;
    events.push({
      kind: 'error',
      error: 'garbage',
      skippedBytes: this.garbage,
      detail: `${this.garbage} byte(s) before a start marker`,
    });
    this.garbage = 0;
  }

  /** Runs the machine over src[p..] until src ends or a rescan is due; returns the new position. */
  private consume(src: Uint8Array, p: number, events: FrameEvent[]): number {
    const end = src.length;
    while (p < end && this.rescan === null) {
      switch (this.state) {
        case 'hunt': {
          const at = src.indexOf(SOM[0], p);
          const stop = at < 0 ? end : at;
          this.garbage += stop - p;
          this.stats.bytesWorked += stop - p + 1;
          if (at < 0) return end;
          this.buf[0] = SOM[0];
          this.len = 1;
          this.state = 'som2';
          p = at + 1;
          break;
        }
        case 'som2': {
          const b = src[p++];
          this.stats.bytesWorked++;
          if (b === SOM[1]) {
            this.buf[1] = b;
            this.len = 2;
            this.state = 'header';
          } else if (b === SOM[0]) {
            this.garbage += 1; // the earlier A5 was not a marker; this one may be
          } else {
            this.garbage += 2;
            this.len = 0;
            this.state = 'hunt';
          }
          break;
        }
        case 'header':
        case 'body': {
          const target = this.state === 'header' ? HEADER_BYTES : this.need;
          const n = Math.min(target - this.len, end - p);
          this.buf.set(src.subarray(p, p + n), this.len);
          this.len += n;
          this.stats.bytesWorked += n;
          p += n;
          if (this.len === target) {
            this.flushGarbage(events);
            if (this.state === 'header') this.checkHeader(events);
            else this.checkFrame(events);
          }
          break;
        }
      }
    }
    return p;
  }

  private checkHeader(events: FrameEvent[]): void {
    const b = this.buf;
    const hcrc = b[11] | (b[12] << 8);
    const payloadLen = b[9] | (b[10] << 8);
    if (crc16(b, 0, 11) !== hcrc) return this.fail(events, 'bad-header-crc', 'header CRC mismatch');
    if (b[2] !== FRAME_VERSION)
      return this.fail(events, 'bad-version', `framing version ${b[2]}, expected ${FRAME_VERSION}`);
    if ((b[4] & ~FLAG_MAC) !== 0)
      return this.fail(events, 'bad-flags', `reserved flag bits set: 0x${b[4].toString(16)}`);
    if (payloadLen > this.maxPayloadBytes)
      return this.fail(events, 'too-long', `payload ${payloadLen} > ${this.maxPayloadBytes} bytes`);
    this.need = frameBytes(payloadLen, (b[4] & FLAG_MAC) !== 0);
    this.state = 'body';
  }

  private checkFrame(events: FrameEvent[]): void {
    const b = this.buf;
    const n = this.need;
    this.stats.bytesWorked += n;
    const got = (b[n - 4] | (b[n - 3] << 8) | (b[n - 2] << 16) | (b[n - 1] << 24)) >>> 0;
    if (crc32(b, 0, n - CRC_BYTES) !== got) return this.fail(events, 'bad-crc', 'frame CRC mismatch');
    const raw = b.slice(0, n);
    const payloadLen = raw[9] | (raw[10] << 8);
    const withMac = (raw[4] & FLAG_MAC) !== 0;
    events.push({
      kind: 'frame',
      frame: {
        type: raw[3],
        flags: raw[4],
        seq: (raw[5] | (raw[6] << 8) | (raw[7] << 16) | (raw[8] << 24)) >>> 0,
        payload: raw.subarray(HEADER_BYTES, HEADER_BYTES + payloadLen),
        mac: withMac ? raw.subarray(HEADER_BYTES + payloadLen, HEADER_BYTES + payloadLen + MAC_BYTES) : null,
        raw,
      },
    });
    this.len = 0;
    this.state = 'hunt';
  }

  /** Drops the marker's first byte and hands the rest of the buffered bytes back for rescanning. */
  private fail(events: FrameEvent[], error: FrameErrorCode, detail: string): void {
    events.push({ kind: 'error', error, skippedBytes: 1, detail });
    this.rescan = this.buf.slice(1, this.len);
    this.len = 0;
    this.state = 'hunt';
  }
}
