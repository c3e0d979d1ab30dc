/**
 * ISO/IEC 14443-3 type A and MIFARE Classic commands over the chip
 * (docs/hardware.md). Pure protocol: each function sends frames and
 * returns what happened as a value; the session turns that into CardErrors.
 * CRC_A is appended and checked in software: cheaper than two CalcCRC round
 * trips over SPI, and the chip's receive CRC check stays off (RxModeReg 00).
 */
import type { KeyType } from '../session.ts';
import type { Mfrc522Chip, TransceiveResult } from './chip.ts';
import { checkCrcA, withCrcA } from './crc.ts';
import { Picc, SAK_CASCADE_BIT, SHORT_FRAME_BITS } from './registers.ts';

/** What a card did with a command. */
export type PiccOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'no-answer' } // nothing came back before the timer ran out: the card is not there (any more)
  | { kind: 'nak'; code: number } // 4-bit NAK: the card refused
  | { kind: 'garbled'; problem: string }; // something came back but not a valid answer (CRC, length, collision)

export interface Selected {
  uid: Uint8Array;
  atqa: Uint8Array;
  sak: number;
}

/** Classic cards have 4- or 7-byte UIDs: two cascade levels. A third level would be a 10-byte UID. */
export const CASCADE_LEVELS_MAX = 2;
const SEL = [Picc.SEL_CL1, Picc.SEL_CL2] as const;
const ATQA_BITS = 16;
const CL_ANSWER_BYTES = 5; // 4 UID bytes (or cascade tag + 3) and BCC
const SAK_ANSWER_BYTES = 3; // SAK + CRC_A
const READ_ANSWER_BYTES = 18; // 16 data + CRC_A
const ACK_BITS = 4;

const ok = <T>(value: T): PiccOutcome<T> => ({ kind: 'ok', value });
const garbled = (problem: string): { kind: 'garbled'; problem: string } => ({ kind: 'garbled', problem });
const bccOf = (b: Uint8Array): number => b.reduce((x, y) => x ^ y, 0);

/** Maps transport-level failures; returns null when `r` is an answer to look at. */
function failure(r: TransceiveResult): PiccOutcome<never> | null {
  if (r.kind === 'timeout') return { kind: 'no-answer' };
  if (r.kind === 'error') return garbled(`reception error (ErrorReg 0x${r.errorReg.toString(16).padStart(2, '0')})`);
  return null;
}

/** REQA (idle cards only) or WUPA (halted ones too): a 7-bit short frame answered by the 16-bit ATQA. */
export async function request(chip: Mfrc522Chip, wake: boolean): Promise<PiccOutcome<Uint8Array>> {
  const r = await chip.transceive(Uint8Array.of(wake ? Picc.WUPA : Picc.REQA), SHORT_FRAME_BITS);
  const f = failure(r);
  if (f || r.kind !== 'answer') return f!;
  if (r.bits !== ATQA_BITS) return garbled(`ATQA of ${r.bits} bits`);
  return ok(r.bytes);
}

/**
 * Anticollision and select over the cascade levels. With one card in the field
 * the anticollision answer is the card's UID part; a collision (two cards) is
 * reported as garbled rather than resolved bit by bit: the terminal wants one
 * card at a time, and the person retries.
 */
export async function selectCard(chip: Mfrc522Chip, atqa: Uint8Array): Promise<PiccOutcome<Selected>> {
  const uid: number[] = [];
  for (let level = 0; level < CASCADE_LEVELS_MAX; level++) {
    const anticoll = await chip.transceive(Uint8Array.of(SEL[level]!, Picc.NVB_ANTICOLL));
    const f = failure(anticoll);
    if (f || anticoll.kind !== 'answer') return f!;
    const part = anticoll.bytes;
    if (part.length !== CL_ANSWER_BYTES || anticoll.bits !== CL_ANSWER_BYTES * 8)
      return garbled(`anticollision answer of ${anticoll.bits} bits`);
    if (bccOf(part.subarray(0, 4)) !== part[4]) return garbled('anticollision BCC mismatch');
    const sel = await chip.transceive(withCrcA([SEL[level]!, Picc.NVB_SELECT, ...part]));
    const g = failure(sel);
    if (g || sel.kind !== 'answer') return g!;
    if (sel.bytes.length !== SAK_ANSWER_BYTES || !checkCrcA(sel.bytes)) return garbled('SAK with a bad CRC_A');
    const sak = sel.bytes[0]!;
    const cascaded = part[0] === Picc.CASCADE_TAG;
    uid.push(...(cascaded ? part.subarray(1, 4) : part.subarray(0, 4)));
    if ((sak & SAK_CASCADE_BIT) === 0) {
      if (cascaded) return garbled('cascade tag without a next level');
      return ok({ uid: Uint8Array.from(uid), atqa, sak });
    }
    if (!cascaded) return garbled('SAK asks for another level but no cascade tag was sent');
  }
  return garbled(`UID longer than ${CASCADE_LEVELS_MAX} cascade levels`);
}

/** Re-selects a known card (WUPA, so a halted or idle card answers): a presence check too. */
export async function reselect(chip: Mfrc522Chip, uid: Uint8Array): Promise<PiccOutcome<Selected>> {
  await chip.stopCrypto();
  const req = await request(chip, true);
  if (req.kind !== 'ok') return req;
  const sel = await selectCard(chip, req.value);
  if (sel.kind !== 'ok') return sel;
  const same = sel.value.uid.length === uid.length && sel.value.uid.every((b, i) => b === uid[i]);
  return same ? sel : { kind: 'no-answer' };
}

/**
 * MFAuthent with the UID's last 4 bytes (NXP AN10927; for 4-byte UIDs, all of
 * them). The key goes only into the FIFO. False covers both a wrong key and a
 * card that left: the chip cannot tell them apart (both end in TimerIRq).
 */
export async function authenticate(
  chip: Mfrc522Chip,
  keyType: KeyType,
  block: number,
  key: Uint8Array,
  uid: Uint8Array,
): Promise<boolean> {
  const fifo = new Uint8Array(12);
  fifo[0] = keyType === 'A' ? Picc.AUTH_A : Picc.AUTH_B;
  fifo[1] = block;
  fifo.set(key, 2);
  fifo.set(uid.subarray(uid.length - 4), 8);
  try {
    return await chip.mfAuthent(fifo);
  } finally {
    fifo.fill(0); // no key copy left lying around
  }
}

export async function readBlock(chip: Mfrc522Chip, block: number): Promise<PiccOutcome<Uint8Array>> {
  const r = await chip.transceive(withCrcA([Picc.READ, block]));
  const f = failure(r);
  if (f || r.kind !== 'answer') return f!;
  if (r.bits === ACK_BITS) return { kind: 'nak', code: r.bytes[0]! & 0x0f };
  if (r.bytes.length !== READ_ANSWER_BYTES || r.bits !== READ_ANSWER_BYTES * 8)
    return garbled(`read answer of ${r.bits} bits`);
  if (!checkCrcA(r.bytes)) return garbled('read answer with a bad CRC_A');
  return ok(r.bytes.slice(0, 16));
}

/** One phase of a write: the card must answer the 4-bit ACK. */
async function expectAck(chip: Mfrc522Chip, frame: Uint8Array): Promise<PiccOutcome<void>> {
  const r = await chip.transceive(withCrcA(frame));
  const f = failure(r);
  if (f || r.kind !== 'answer') return f!;
  if (r.bits !== ACK_BITS) return garbled(`write answer of ${r.bits} bits`);
  const code = r.bytes[0]! & 0x0f;
  return code === Picc.ACK ? ok(undefined) : { kind: 'nak', code };
}

/** Write (A0): the block number, ACK, then the 16 bytes, ACK (docs/hardware.md). */
export async function writeBlock(
  chip: Mfrc522Chip,
  block: number,
  data: Uint8Array,
): Promise<PiccOutcome<void> & { phase: 1 | 2 }> {
  const first = await expectAck(chip, Uint8Array.of(Picc.WRITE, block));
  if (first.kind !== 'ok') return { ...first, phase: 1 };
  return { ...(await expectAck(chip, data)), phase: 2 };
}

/** HLTA, sent while Crypto1 is still on (an authenticated card only hears encrypted frames); then Crypto1 off. */
export async function halt(chip: Mfrc522Chip): Promise<void> {
  await chip.transmit(withCrcA([Picc.HLTA, 0x00]));
  await chip.stopCrypto();
}
