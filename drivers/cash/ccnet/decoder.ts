import { crc16, FRAME_BYTES_MAX, FRAME_OVERHEAD, SYNC } from './frame.ts';

/**
 * CCNET frames out of a byte stream that arrives in chunks of any size, as a
 * state machine: hunt for SYNC, read the header, collect LNG bytes, check the
 * CRC. Anything that fails (a bad address, a length out of range, a CRC
 * mismatch) is reported and the search resumes one byte after that SYNC, so a
 * stray 0x02 in line noise cannot swallow the real frame behind it.
 */
export type Decoded =
  | { kind: 'frame'; adr: number; payload: Uint8Array }
  | { kind: 'garbage'; bytes: number }
  | { kind: 'bad-crc' }
  | { kind: 'bad-length'; length: number };

type DecoderState = { kind: 'hunt'; garbage: number } | { kind: 'frame'; bytes: number[] };

/** Bus addresses CCNET defines (1 bill-to-bill, 2 coin changer, 3 bill validator, 4 card reader). */
const ADDRESSES = new Set([1, 2, 3, 4]);

export class CcnetDecoder {
  private state: DecoderState = { kind: 'hunt', garbage: 0 };

  feed(chunk: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    for (const b of chunk) this.step(b, out);
    this.flushGarbage(out);
    return out;
  }

  private flushGarbage(out: Decoded[]): void {
    if (this.state.kind === 'hunt' && this.state.garbage > 0) {
      out.push({ kind: 'garbage', bytes: this.state.garbage });
      this.state = { kind: 'hunt', garbage: 0 };
    }
  }

  /** The one place the decoder's state moves. */
  private step(b: number, out: Decoded[]): void {
    const s = this.state;
    if (s.kind === 'hunt') {
      if (b !== SYNC) {
        s.garbage += 1;
        return;
      }
      this.flushGarbage(out);
      this.state = { kind: 'frame', bytes: [b] };
      return;
    }
    s.bytes.push(b);
    if (s.bytes.length === 2 && !ADDRESSES.has(b)) return this.resync(s.bytes, out, undefined);
    if (s.bytes.length === 3 && (b < FRAME_OVERHEAD + 1 || b > FRAME_BYTES_MAX)) {
      return this.resync(s.bytes, out, { kind: 'bad-length', length: b });
    }
    if (s.bytes.length < 3 || s.bytes.length < s.bytes[2]!) return;
    const frame = new Uint8Array(s.bytes);
    const n = frame.length;
    if (crc16(frame, n - 2) !== (frame[n - 2]! | (frame[n - 1]! << 8)))
      return this.resync(s.bytes, out, { kind: 'bad-crc' });
    this.state = { kind: 'hunt', garbage: 0 };
    out.push({ kind: 'frame', adr: frame[1]!, payload: frame.slice(3, n - 2) });
  }

  /** Reports the failure, counts the dropped SYNC as garbage, and re-reads the bytes after it. */
  private resync(bytes: number[], out: Decoded[], failure: Decoded | undefined): void {
    if (failure) out.push(failure);
    this.state = { kind: 'hunt', garbage: 1 };
    for (const b of bytes.slice(1)) this.step(b, out);
  }
}
