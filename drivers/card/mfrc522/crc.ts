/**
 * CRC_A of ISO/IEC 14443-3 (Annex B): CRC-16 with the reflected CCITT
 * polynomial (0x8408), preset 0x6363, no final XOR, sent LSB first.
 * Reference.md §1.5 vectors: `50 00` → `57 CD`, `30 04` → `26 EE`.
 * Used by the driver (append and verify in software, cheaper than a CalcCRC
 * round trip over SPI) and by the emulator's CRC coprocessor.
 */
export const CRC_A_PRESET = 0x6363;
const POLY_REFLECTED = 0x8408;

/** CRC over `data` continuing from `crc` (so the coprocessor can feed bytes as they arrive). */
export function crcAUpdate(crc: number, data: Uint8Array | readonly number[]): number {
  let c = crc & 0xffff;
  for (const byte of data) {
    c ^= byte & 0xff;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
  }
  return c;
}

/** The two CRC bytes in wire order: [LSB, MSB]. */
export function crcA(data: Uint8Array | readonly number[]): Uint8Array {
  const c = crcAUpdate(CRC_A_PRESET, data);
  return Uint8Array.of(c & 0xff, c >>> 8);
}

/** `data` followed by its CRC_A. */
export function withCrcA(data: Uint8Array | readonly number[]): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out.set(crcA(data), data.length);
  return out;
}

/** True when the last two bytes of `frame` are the CRC_A of the rest. */
export function checkCrcA(frame: Uint8Array): boolean {
  if (frame.length < 3) return false;
  const body = frame.subarray(0, frame.length - 2);
  const [lsb, msb] = crcA(body);
  return frame[frame.length - 2] === lsb && frame[frame.length - 1] === msb;
}
