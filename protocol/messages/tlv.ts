import { EncodeError, Reader, Writer } from './varint.ts';

/**
 * The extension area that ends every message payload (PROTOCOL.md §4.2):
 * zero or more `tag varint ‖ length varint ‖ value`, tags strictly ascending.
 *
 * Tag parity says what a receiver that does not know the tag must do:
 *   even — skip it (an optional field a newer peer may add);
 *   odd  — refuse the whole message ("must understand"), because ignoring it
 *          would change the meaning (e.g. a unit or a scale).
 * This is how v1 peers stay compatible with later minor revisions without a
 * version bump, like OSDP's reserved bits but with room to grow.
 */

export const TLV_VALUE_BYTES_MAX = 0xffff;

export class TlvWriter {
  private last = -1;
  constructor(private readonly w: Writer) {}

  private tag(tag: number, length: number): Writer {
    if (tag <= this.last) throw new EncodeError(`tlv tag ${tag} after ${this.last}: tags must ascend`);
    if (length > TLV_VALUE_BYTES_MAX)
      throw new EncodeError(`tlv tag ${tag}: ${length} bytes, at most ${TLV_VALUE_BYTES_MAX}`);
    this.last = tag;
    return this.w.varint(tag, 'tlv tag').varint(length, 'tlv length');
  }

  bytes(tag: number, value: Uint8Array | undefined): this {
    if (value !== undefined) this.tag(tag, value.length).bytes(value);
    return this;
  }
  varint(tag: number, value: number | undefined): this {
    return value === undefined ? this : this.bytes(tag, new Writer().varint(value, `tlv ${tag}`).finish());
  }
  svarint(tag: number, value: number | undefined): this {
    return value === undefined ? this : this.bytes(tag, new Writer().svarint(value, `tlv ${tag}`).finish());
  }
  str(tag: number, value: string | undefined): this {
    return value === undefined ? this : this.bytes(tag, new TextEncoder().encode(value));
  }
}

/** The TLVs of a decoded message, by tag; unknown even tags are counted, not kept. */
export class Tlvs {
  constructor(
    private readonly r: Reader,
    private readonly values: Map<number, Uint8Array>,
    readonly skipped: number[],
  ) {}

  has(tag: number): boolean {
    return this.values.has(tag);
  }

  private sub(tag: number): Reader | undefined {
    const v = this.values.get(tag);
    return v === undefined ? undefined : new Reader(v);
  }

  private done<T>(sub: Reader, tag: number, value: T): T | undefined {
    sub.expectEnd(`tlv ${tag}`);
    if (sub.error !== null) {
      this.r.fail(`tlv ${tag}: ${sub.error}`);
      return undefined;
    }
    return value;
  }

  varint(tag: number, max?: number): number | undefined {
    const sub = this.sub(tag);
    return sub ? this.done(sub, tag, sub.varint(`tlv ${tag}`, max)) : undefined;
  }
  svarint(tag: number): number | undefined {
    const sub = this.sub(tag);
    return sub ? this.done(sub, tag, sub.svarint(`tlv ${tag}`)) : undefined;
  }
  str(tag: number): string | undefined {
    const v = this.values.get(tag);
    if (v === undefined) return undefined;
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(v);
    } catch {
      this.r.fail(`tlv ${tag}: not valid UTF-8`);
      return undefined;
    }
  }
  bytes(tag: number): Uint8Array | undefined {
    return this.values.get(tag);
  }
}

/**
 * Reads TLVs up to the reader's end. `known` lists the tags this message
 * defines; an unknown odd tag fails the reader, an unknown even one is skipped.
 */
export function readTlvs(r: Reader, known: readonly number[]): Tlvs {
  const values = new Map<number, Uint8Array>();
  const skipped: number[] = [];
  let last = -1;
  while (!r.atEnd && !r.failed) {
    const tag = r.varint('tlv tag');
    const value = r.lenBytes(`tlv ${tag}`, TLV_VALUE_BYTES_MAX);
    if (r.failed) break;
    if (tag <= last) {
      r.fail(`tlv tag ${tag} after ${last}: tags must ascend`);
      break;
    }
    last = tag;
    if (known.includes(tag)) values.set(tag, value);
    else if (tag % 2 === 1) r.fail(`unknown critical tlv tag ${tag}`);
    else skipped.push(tag);
  }
  return new Tlvs(r, values, skipped);
}
