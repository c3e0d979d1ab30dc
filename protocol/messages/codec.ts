import { EncodeError, type Reader, type Writer } from './varint.ts';

/**
 * One codec per message type (PROTOCOL.md §5). `encode` writes the payload
 * (and throws EncodeError on a caller bug); `decode` reads it and never
 * throws — problems latch in the Reader.
 */
export interface Codec<M extends { type: string }> {
  code: number;
  type: M['type'];
  /** Who may send it: the terminal, the backend, or either. */
  from: 'terminal' | 'backend' | 'either';
  /** Capability bit both sides must have agreed (0 = always allowed). */
  cap: number;
  /** When the capability depends on the message (LIST_*: the list it names), that message's bit; `cap` is then the union. */
  capOf?(m: M): number;
  encode(w: Writer, m: M): void;
  decode(r: Reader): M;
}

/** Capability bits (HELLO/CHALLENGE `caps`); the agreed set is the AND of both. */
export const CAP = {
  journal: 0x001,
  blacklist: 0x002,
  grants: 0x004,
  credits: 0x008,
  onlineAuth: 0x010,
  config: 0x020,
  commands: 0x040,
  keyRotation: 0x080,
  time: 0x100,
  status: 0x200,
  holders: 0x400,
} as const;
/** The capabilities protocol v1 was published with: a session's default, so the handshake vectors stay v1's. */
export const CAPS_V1 =
  CAP.journal |
  CAP.blacklist |
  CAP.grants |
  CAP.credits |
  CAP.onlineAuth |
  CAP.config |
  CAP.commands |
  CAP.keyRotation |
  CAP.time |
  CAP.status;
/** Every capability this implementation knows: v1's and those added since (holders, list 3), offered by the backend. */
export const CAPS_ALL = Object.values(CAP).reduce((a, b) => a | b, 0);

/** True when the agreed capabilities allow `m`: its codec's bit, or the one its content names (LIST_*: the list's). */
export function capAgreed<M extends { type: string }>(agreed: number, codec: Codec<M>, m: M): boolean {
  const cap = codec.capOf ? codec.capOf(m) : codec.cap;
  return cap === 0 || (agreed & cap) !== 0;
}

/** A string enum with fixed wire values; an unknown wire value fails the decode. */
export interface Enum<T extends string> {
  values: readonly T[];
  write(w: Writer, v: T, field: string): void;
  read(r: Reader, field: string): T;
  toWire(v: T): number;
  fromWire(n: number): T | undefined;
}

export function makeEnum<T extends string>(table: Record<T, number>): Enum<T> {
  const byWire = new Map<number, T>();
  for (const [name, n] of Object.entries(table) as [T, number][]) byWire.set(n, name);
  const values = Object.keys(table) as T[];
  return {
    values,
    toWire(v) {
      const n = table[v];
      if (n === undefined) throw new EncodeError(`unknown value ${JSON.stringify(v)}; one of ${values.join(', ')}`);
      return n;
    },
    fromWire: (n) => byWire.get(n),
    write(w, v, field) {
      const n = table[v];
      if (n === undefined) throw new EncodeError(`${field}: unknown value ${JSON.stringify(v)}`);
      w.u8(n, field);
    },
    read(r, field) {
      const n = r.u8(field);
      const v = byWire.get(n);
      if (v === undefined && !r.failed) r.fail(`${field}: unknown value ${n}`);
      return v ?? values[0];
    },
  };
}
