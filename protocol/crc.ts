/**
 * The two checksums of the frame (PROTOCOL.md §2). Both are table-driven and
 * pure; neither is a security measure (the MAC is).
 *
 * - CRC-16/AUG-CCITT (poly 0x1021, init 0x1D0F, no reflection, no xorout) —
 *   OSDP's CRC (docs/protocol-lessons.md), guards the 13-byte header so a receiver
 *   can reject a lying length field at once instead of waiting for up to
 *   64 KiB that will never come. Check value of "123456789": 0xE5CC.
 * - CRC-32/ISO-HDLC (zlib's crc32: reflected poly 0xEDB88320, init and xorout
 *   0xFFFFFFFF) — guards the whole frame. Check value: 0xCBF43926.
 *   Node 20 has no zlib.crc32 (added in 22.2), hence our own.
 */

const CRC16_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export const CRC16_INIT = 0x1d0f;

export function crc16(data: Uint8Array, start = 0, end = data.length, init = CRC16_INIT): number {
  let crc = init;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xff00) ^ CRC16_TABLE[((crc >> 8) ^ data[i]) & 0xff];
  return crc;
}

const CRC32_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = CRC32_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
