import { encodeAccessBits, type AccessConditions } from './access-bits.ts';
import type { CardKeys } from './keys.ts';

/**
 * Access conditions of our application sectors (docs/hardware.md): data blocks
 * 100 = read with A or B, write with B only; trailer 011 = key B rewrites keys and
 * access bits, nobody reads the keys. A read-only terminal (door, attendance) gets
 * master key A alone and cannot move money. Encodes to 78 77 88.
 */
export const APP_ACCESS: AccessConditions = [0b100, 0b100, 0b100, 0b011];
/** Byte 9 of the trailer, free for applications: we keep the customary 0x69 (it marks nothing; the identity block's version does). */
const USER_BYTE = 0x69;

export function sectorTrailer(keys: CardKeys, sector: number): Uint8Array {
  const trailer = new Uint8Array(16);
  trailer.set(keys.keyA(sector), 0);
  trailer.set(encodeAccessBits(APP_ACCESS), 6);
  trailer[9] = USER_BYTE;
  trailer.set(keys.keyB(sector), 10);
  return trailer;
}
