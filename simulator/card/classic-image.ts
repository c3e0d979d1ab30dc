import {
  ACCESS_BITS_BYTES,
  ACCESS_BITS_OFFSET,
  encodeAccessBits,
  TRANSPORT_CONDITIONS,
  type TrailerPart,
} from '../../firmware/card/access-bits.ts';
import { BLOCK_BYTES, BLOCKS_1K, CardError, KEY_BYTES, trailerBlockOf } from '../../firmware/card/session.ts';

/**
 * The memory image of a MIFARE Classic 1K card: its size, the factory-fresh
 * layout (manufacturer block 0, every trailer in transport state) and where
 * each part of a sector trailer lies. Access rules stay with the card itself.
 */

export const CARD_1K_BYTES = BLOCKS_1K * BLOCK_BYTES;
export const SAK_CLASSIC_1K = 0x08;
const USER_BYTE_TRANSPORT = 0x69;
export const KEY_B_OFFSET = 10;

/** Byte ranges of the three trailer parts; the user byte (9) goes with the access bits. */
export const TRAILER_RANGES: readonly [TrailerPart, number, number][] = [
  ['keyA', 0, KEY_BYTES],
  ['accessBits', ACCESS_BITS_OFFSET, KEY_B_OFFSET],
  ['keyB', KEY_B_OFFSET, BLOCK_BYTES],
];

export const isTrailer = (block: number): boolean => block % 4 === 3;

export function checkUid(uid: Uint8Array): void {
  if (uid.length !== 4 && uid.length !== 7) throw new RangeError(`UID must be 4 or 7 bytes, got ${uid.length}`);
}

export function checkBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= BLOCKS_1K)
    throw new CardError('bad-block', `block ${block} is not in 0..${BLOCKS_1K - 1}`);
}

/** A factory-fresh card's 1024 bytes for this (checked) UID. */
export function blankImage(uid: Uint8Array): Uint8Array {
  checkUid(uid);
  const memory = new Uint8Array(CARD_1K_BYTES);
  memory.set(uid, 0);
  if (uid.length === 4) {
    memory[4] = uid.reduce((bcc, b) => bcc ^ b, 0);
    memory.set([SAK_CLASSIC_1K, 0x04, 0x00], 5);
  } else {
    memory.set([SAK_CLASSIC_1K, 0x44, 0x00], 7);
  }
  const trailer = new Uint8Array(BLOCK_BYTES).fill(0xff);
  trailer.set(encodeAccessBits(TRANSPORT_CONDITIONS), ACCESS_BITS_OFFSET);
  trailer[ACCESS_BITS_OFFSET + ACCESS_BITS_BYTES] = USER_BYTE_TRANSPORT;
  for (let sector = 0; sector < BLOCKS_1K / 4; sector++) memory.set(trailer, trailerBlockOf(sector) * BLOCK_BYTES);
  return memory;
}
