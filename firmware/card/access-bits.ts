/**
 * MIFARE Classic sector-trailer access bits (docs/hardware.md), as a pure
 * codec plus the permission tables. Firmware validates bits with this before it
 * ever writes a trailer: a bad pattern locks the sector for good.
 */
import type { KeyType } from './session.ts';

/** C1C2C3 of one block as a 3-bit number, C1 most significant (0b100 = C1 only). */
export type AccessCond = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
/** Conditions of blocks 0, 1, 2 and the trailer (block 3) of one sector. */
export type AccessConditions = readonly [AccessCond, AccessCond, AccessCond, AccessCond];

export type DataOp = 'read' | 'write' | 'increment' | 'decrement';
export type TrailerPart = 'keyA' | 'accessBits' | 'keyB';
export type TrailerOp = 'read' | 'write';

export const ACCESS_BITS_BYTES = 3;
/** Offset of the access bits inside a trailer; byte 9 (user byte) follows them. */
export const ACCESS_BITS_OFFSET = 6;

/** Transport state: blocks 000, trailer 001 (`FF 07 80`). */
export const TRANSPORT_CONDITIONS: AccessConditions = [0, 0, 0, 1];

function isCond(c: unknown): c is AccessCond {
  return Number.isInteger(c) && (c as number) >= 0 && (c as number) <= 7;
}

/** Gathers bit `shift` (2 = C1, 1 = C2, 0 = C3) of every block into a nibble, block n at bit n. */
function nibble(c: AccessConditions, shift: number): number {
  let n = 0;
  for (let block = 0; block < 4; block++) n |= ((c[block]! >> shift) & 1) << block;
  return n;
}

export function encodeAccessBits(c: AccessConditions): Uint8Array {
  if (c.length !== 4 || !c.every(isCond)) throw new RangeError('access conditions must be four 3-bit values');
  const c1 = nibble(c, 2);
  const c2 = nibble(c, 1);
  const c3 = nibble(c, 0);
  const inv = (n: number) => ~n & 0x0f;
  return Uint8Array.of((inv(c2) << 4) | inv(c1), (c1 << 4) | inv(c3), (c3 << 4) | c2);
}

/** Null when the plain and inverted copies disagree (the card would lock the sector). */
export function decodeAccessBits(b: Uint8Array): AccessConditions | null {
  if (b.length !== ACCESS_BITS_BYTES)
    throw new RangeError(`access bits are ${ACCESS_BITS_BYTES} bytes, got ${b.length}`);
  // Plain locals, no closure or temporary array: the card twin decodes these at every block it serves.
  const b6 = b[0]!;
  const b7 = b[1]!;
  const b8 = b[2]!;
  const c1 = b7 >> 4;
  const c2 = b8 & 0x0f;
  const c3 = b8 >> 4;
  if ((~b6 & 0x0f) !== c1 || ((~b6 >> 4) & 0x0f) !== c2 || (~b7 & 0x0f) !== c3) return null;
  return [condOf(c1, c2, c3, 0), condOf(c1, c2, c3, 1), condOf(c1, c2, c3, 2), condOf(c1, c2, c3, 3)];
}

function condOf(c1: number, c2: number, c3: number, block: number): AccessCond {
  return ((((c1 >> block) & 1) << 2) | (((c2 >> block) & 1) << 1) | ((c3 >> block) & 1)) as AccessCond;
}

/** Which keys may do something: '' = never. */
type Who = '' | 'A' | 'B' | 'AB';

// Index = C1C2C3. Columns: read, write, increment, decrement/transfer/restore.
const DATA_TABLE: readonly (readonly [Who, Who, Who, Who])[] = [
  ['AB', 'AB', 'AB', 'AB'], // 000 transport
  ['AB', '', '', 'AB'], // 001 value, debit-only
  ['AB', '', '', ''], // 010 read-only
  ['B', 'B', '', ''], // 011 r/w with B
  ['AB', 'B', '', ''], // 100 r/w
  ['B', '', '', ''], // 101 read-only with B
  ['AB', 'B', 'B', 'AB'], // 110 value, rechargeable with B
  ['', '', '', ''], // 111 locked
];
const DATA_OPS: readonly DataOp[] = ['read', 'write', 'increment', 'decrement'];

// Index = C1C2C3. Columns: keyA r/w, access bits r/w, keyB r/w.
const TRAILER_TABLE: readonly (readonly [Who, Who, Who, Who, Who, Who])[] = [
  ['', 'A', 'A', '', 'A', 'A'], // 000
  ['', 'A', 'A', 'A', 'A', 'A'], // 001 transport
  ['', '', 'A', '', 'A', ''], // 010
  ['', 'B', 'AB', 'B', '', 'B'], // 011
  ['', 'B', 'AB', '', '', 'B'], // 100
  ['', '', 'AB', 'B', '', ''], // 101
  ['', '', 'AB', '', '', ''], // 110 frozen
  ['', '', 'AB', '', '', ''], // 111 frozen
];
const TRAILER_PARTS: readonly TrailerPart[] = ['keyA', 'accessBits', 'keyB'];

/** True when this trailer condition lets Key B be read — and so keeps it from authenticating. */
export function keyBReadable(trailerCond: AccessCond): boolean {
  return TRAILER_TABLE[trailerCond]![4].includes('A');
}

function allows(who: Who, keyType: KeyType, bReadable: boolean): boolean {
  // A readable Key B is plain data, so "B" rights cannot be exercised.
  if (keyType === 'B' && bReadable) return false;
  return who.includes(keyType);
}

export function dataBlockPermits(cond: AccessCond, op: DataOp, keyType: KeyType, keyBReadable: boolean): boolean {
  return allows(DATA_TABLE[cond]![DATA_OPS.indexOf(op)]!, keyType, keyBReadable);
}

/** Whether `keyType` may read/write one part of a trailer whose own condition is `trailerCond`. */
export function trailerPermits(trailerCond: AccessCond, part: TrailerPart, op: TrailerOp, keyType: KeyType): boolean {
  const column = TRAILER_PARTS.indexOf(part) * 2 + (op === 'write' ? 1 : 0);
  return allows(TRAILER_TABLE[trailerCond]![column]!, keyType, keyBReadable(trailerCond));
}
