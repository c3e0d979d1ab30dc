/**
 * CCNET framing (CashCode bill validators): SYNC 0x02 | ADR | LNG | payload | CRC16.
 * LNG is the whole frame's length; payload[0] is the command (controller → device)
 * or the reply code (device → controller). CRC-16/KERMIT (poly 0x8408 = 0x1021
 * reflected, init 0, no final xor) over SYNC..payload, sent LSB first.
 */
export const SYNC = 0x02;
export const ADR_BILL_VALIDATOR = 0x03;
/** SYNC + ADR + LNG + CRC16. */
export const FRAME_OVERHEAD = 5;
/** LNG is one byte; longer frames use an extended form no reply we read needs (bill table: 125 bytes). */
export const FRAME_BYTES_MAX = 250;

export const CMD = {
  ack: 0x00,
  reset: 0x30,
  getStatus: 0x31,
  poll: 0x33,
  enableBillTypes: 0x34,
  stack: 0x35,
  return: 0x36,
  identification: 0x37,
  hold: 0x38,
  getBillTable: 0x41,
  nak: 0xff,
} as const;

/** Reply codes that are not data. */
export const REPLY_ACK = 0x00;
export const REPLY_NAK = 0xff;
export const REPLY_ILLEGAL_COMMAND = 0x30;

export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let crc = 0;
  for (let i = 0; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

export function encodeFrame(payload: readonly number[], adr = ADR_BILL_VALIDATOR): Uint8Array {
  const length = payload.length + FRAME_OVERHEAD;
  if (payload.length === 0 || length > FRAME_BYTES_MAX)
    throw new RangeError(`CCNET payload of ${payload.length} bytes`);
  const frame = new Uint8Array(length);
  frame.set([SYNC, adr, length, ...payload]);
  const crc = crc16(frame, length - 2);
  frame[length - 2] = crc & 0xff;
  frame[length - 1] = crc >> 8;
  return frame;
}

/** ENABLE BILL TYPES data: 24-bit enable mask then 24-bit escrow mask, MSB first, bit n = bill type n. */
export function billTypeMask(types: readonly number[]): number[] {
  let mask = 0;
  for (const t of types) mask |= 1 << t;
  return [(mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff];
}

export function maskTypes(b0: number, b1: number, b2: number): number[] {
  const mask = (b0 << 16) | (b1 << 8) | b2;
  return Array.from({ length: 24 }, (_, t) => t).filter((t) => (mask >> t) & 1);
}
