import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum of zip,
 * PNG and Ethernet, so a record can be checked with any standard tool.
 * Own code rather than zlib.crc32, which only exists from Node 20.15 / 22.2.
 * Check value: crc32("123456789") = 0xCBF43926.
 */
const TABLE = makeTable();

function makeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** zlib's native CRC-32 (the same checksum) where this Node has it: the journal read checks every row, and the table loop was a third of it. */
const native = (zlib as { crc32?: (data: Uint8Array | string, value?: number) => number }).crc32;
const utf8 = new TextEncoder();

/** Continues a CRC over more bytes: crc32(b, crc32(a)) === crc32(a ++ b). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (native) return native(bytes, previous);
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** crc32 of a string's UTF-8 bytes; zlib takes the string itself, saving a Buffer per call on the journal read path. */
export function crc32Text(text: string, previous = 0): number {
  return native ? native(text, previous) : crc32(utf8.encode(text), previous);
}
