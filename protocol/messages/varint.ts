/**
 * Byte-level writer and reader of every message payload (PROTOCOL.md §4.1).
 *
 * Varints are unsigned LEB128 (7 bits a byte, low group first, high bit =
 * "more"), canonical (no redundant 0x80 groups), at most 8 bytes and at most
 * 2^53 − 1 so every value is an exact JavaScript number. Signed values are
 * zigzag-mapped first (0, −1, 1, −2 … → 0, 1, 2, 3 …).
 *
 * The Reader never reads past its end and never throws: the first problem is
 * latched in `error` (with the field name and offset), the read position
 * jumps to the end so loops stop, and every later read returns 0 / empty.
 * Decoders read on and check `error` once at the end.
 */

export const VARINT_BYTES_MAX = 8;

/** A caller handed the encoder a value the wire cannot carry: a bug, not bad input. */
export class EncodeError extends Error {
  override name = 'EncodeError';
}

export function checkUint(value: number, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new EncodeError(`${field}: ${value} is not an integer in 0..${max}`);
  return value;
}

export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}
export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
/** Largest magnitude a zigzag varint carries exactly. */
export const ZIGZAG_ABS_MAX = Math.floor(Number.MAX_SAFE_INTEGER / 2);

export function varintSize(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(value: number, field = 'u8'): this {
    checkUint(value, field, 0xff);
    this.room(1);
    this.buf[this.len++] = value;
    return this;
  }

  u16(value: number, field = 'u16'): this {
    checkUint(value, field, 0xffff);
    this.room(2);
    this.buf[this.len++] = value & 0xff;
    this.buf[this.len++] = value >>> 8;
    return this;
  }

  u32(value: number, field = 'u32'): this {
    checkUint(value, field, 0xffff_ffff);
    this.room(4);
    for (let i = 0; i < 4; i++) this.buf[this.len++] = (value >>> (8 * i)) & 0xff;
    return this;
  }

  varint(value: number, field = 'varint'): this {
    checkUint(value, field);
    this.room(VARINT_BYTES_MAX);
    while (value >= 0x80) {
      this.buf[this.len++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.len++] = value;
    return this;
  }

  svarint(value: number, field = 'svarint'): this {
    if (!Number.isSafeInteger(value) || Math.abs(value) > ZIGZAG_ABS_MAX)
      throw new EncodeError(`${field}: ${value} is not a signed integer within ±${ZIGZAG_ABS_MAX}`);
    return this.varint(zigzag(value), field);
  }

  bytes(b: Uint8Array, exactLength?: number, field = 'bytes'): this {
    if (exactLength !== undefined && b.length !== exactLength)
      throw new EncodeError(`${field}: ${b.length} bytes, must be ${exactLength}`);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** varint length, then the bytes. */
  lenBytes(b: Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER, field = 'lenBytes'): this {
    if (b.length > maxBytes) throw new EncodeError(`${field}: ${b.length} bytes, at most ${maxBytes}`);
    return this.varint(b.length, field).bytes(b);
  }

  /** varint byte length, then UTF-8. */
  str(s: string, maxBytes = Number.MAX_SAFE_INTEGER, field = 'str'): this {
    if (typeof s !== 'string') throw new EncodeError(`${field}: not a string`);
    return this.lenBytes(utf8.encode(s), maxBytes, field);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class Reader {
  pos: number;
  error: string | null = null;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }
  get failed(): boolean {
    return this.error !== null;
  }

  /** Latches the first problem and stops all further reads. Always returns 0 so decoders can `return r.fail(…)`. */
  fail(problem: string): 0 {
    if (this.error === null) this.error = `${problem} (at byte ${this.pos})`;
    this.pos = this.end;
    return 0;
  }

  private need(n: number, field: string): boolean {
    if (this.error !== null) return false;
    if (this.end - this.pos < n) {
      this.fail(`${field}: needs ${n} byte(s), ${this.end - this.pos} left`);
      return false;
    }
    return true;
  }

  u8(field = 'u8'): number {
    return this.need(1, field) ? this.buf[this.pos++] : 0;
  }

  u16(field = 'u16'): number {
    if (!this.need(2, field)) return 0;
    const v = this.buf[this.pos] | (this.buf[this.pos + 1] << 8);
    this.pos += 2;
    return v;
  }

  u32(field = 'u32'): number {
    if (!this.need(4, field)) return 0;
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  varint(field = 'varint', max = Number.MAX_SAFE_INTEGER): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_BYTES_MAX; i++) {
      if (!this.need(1, field)) return 0;
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) return this.fail(`${field}: non-canonical varint (redundant zero group)`);
        if (value > max) return this.fail(`${field}: ${value} exceeds ${max}`);
        return value;
      }
      scale *= 128;
    }
    return this.fail(`${field}: varint longer than ${VARINT_BYTES_MAX} bytes`);
  }

  svarint(field = 'svarint'): number {
    return unzigzag(this.varint(field));
  }

  bytes(n: number, field = 'bytes'): Uint8Array {
    if (!this.need(n, field)) return new Uint8Array(n > 0 && n <= 64 ? n : 0);
    // A copy, and a plain Uint8Array even when buf is a Buffer (whose slice() is a view).
    const out = Uint8Array.prototype.slice.call(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  lenBytes(field = 'lenBytes', maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
    const n = this.varint(`${field} length`, maxBytes);
    return this.bytes(n, field);
  }

  str(field = 'str', maxBytes = Number.MAX_SAFE_INTEGER): string {
    const b = this.lenBytes(field, maxBytes);
    if (this.error !== null) return '';
    try {
      return utf8Strict.decode(b);
    } catch {
      this.fail(`${field}: not valid UTF-8`);
      return '';
    }
  }

  /**
   * A count of items that follow, each at least `minBytesEach` long: a count
   * the remaining bytes cannot hold is refused here, so a lying count never
   * drives a long loop.
   */
  count(field: string, minBytesEach: number, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.varint(field, max);
    if (n * minBytesEach > this.remaining)
      return this.fail(`${field}: ${n} items cannot fit in ${this.remaining} bytes`);
    return n;
  }

  expectEnd(what: string): void {
    if (this.error === null && this.pos !== this.end)
      this.fail(`${what}: ${this.end - this.pos} unexpected trailing byte(s)`);
  }
}
