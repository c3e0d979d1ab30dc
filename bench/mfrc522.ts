/**
 * One POS tap through our MFRC522 driver on the emulator, counted: SPI
 * transactions and bytes, and the RF exchanges, turned into a tap→beep time
 * model. Nothing is timed on this machine: the numbers are counts and a model,
 * so they do not depend on the box that runs the bench.
 *
 * Sequence (what firmware/card/app.ts does for a sale, with the transport key
 * FF×6 on a blank card standing in for the diversified keys): detect (REQA,
 * anticollision, select) → auth identity sector 1 → read 4, 5 → auth purse
 * sectors 2 and 3 → read 8, 9, 12, 13 → write 12, 13 → read back 12, 13 → HLTA.
 *
 * SPI model: bytes × 8 / f + a fixed cost per transaction (chip select, the
 * spidev ioctl and the hop through libuv's thread pool of spi-device's async
 * transfer): PER_TRANSACTION_US_ESTIMATE, an estimate not yet measured on a Pi. Each
 * command is polled once here because the emulator answers at once; on
 * hardware the extra polls run while the RF exchange is under way, so they
 * overlap the RF time instead of adding to it.
 *
 * RF model (ISO/IEC 14443-2/3 type A at 106 kbit/s, one bit = 128/fc ≈ 9.44 µs):
 * every byte is 9 bits (8 + parity), a frame adds SOF and EOF (2 bits); a
 * short frame is 7 bits + 2, a 4-bit ACK 4 bits + 2. Each round trip adds the
 * two frame delay times (PCD→PICC ≥ 1172/fc ≈ 86 µs, PICC→PCD ≥ 1172/fc).
 * A frame nobody answers costs the reader's timer period. On top come the
 * card's processing times from NXP MF1S50yyX/V1 fig. 4 (docs/hardware.md):
 * select 2.5 ms (+1 ms per extra cascade level), auth 2, read 2.5, write 5.5.
 * NXP's figures already include the frames, so adding airtime double-counts a
 * little: the model is an upper bound.
 */
import { Mfrc522Reader } from '../drivers/card/mfrc522/reader.ts';
import { VirtualClassicCard } from '../simulator/card/virtual-classic.ts';
import { Mfrc522Emulator } from '../simulator/mfrc522/emulator.ts';
import type { RfExchange } from '../simulator/mfrc522/field.ts';

/** An estimate, not measured on a Pi: every figure built on it is a model until someone measures it there. */
export const PER_TRANSACTION_US_ESTIMATE = 50;
const FC_HZ = 13_560_000;
const BIT_US = (128 / FC_HZ) * 1e6;
const FDT_US = (1172 / FC_HZ) * 1e6;
const FRAME_OVERHEAD_BITS = 2;
/** Card processing per operation, ms (docs/hardware.md). */
export const CARD_MS = { select: 2.5, extraCascadeLevel: 1, auth: 2, read: 2.5, write: 5.5 } as const;
export const TAP_GOAL_MS = 100;

export interface RfModel {
  exchanges: number;
  roundTrips: number;
  airtimeMs: number;
  cardProcessingMs: number;
  unansweredWaitMs: number;
  /** airtime + card processing + waits: the upper bound the tap→beep figure uses. */
  totalMs: number;
  /** max(airtime, card processing) + waits: what the tap costs if NXP's figures already cover the frames. */
  lowerBoundMs: number;
}

export interface BusTimesMs {
  at1MHz: number;
  at4MHz: number;
  at10MHz: number;
}

export interface Mfrc522BenchResult {
  sequence: string;
  uidBytes: number;
  spiTransactionsPerTap: number;
  spiBytesPerTap: number;
  irqPollsPerTap: number;
  perTransactionOverheadUs: number;
  /** Wire time only: bytes × 8 / f. */
  spiWireMs: BusTimesMs;
  /** Wire time + per-transaction overhead. */
  spiBusMs: BusTimesMs;
  rf: RfModel;
  /** spiBusMs + rf.totalMs: a model of the whole tap (the SPI part rests on an unmeasured estimate). */
  tapToBeepModelMs: BusTimesMs;
  tapGoalMs: number;
  rfModel: string;
  spiModel: string;
}

/** Airtime of one direction of a frame carrying `bits` data bits. */
function frameUs(bits: number): number {
  if (bits === 0) return 0;
  const parityBits = bits >= 8 ? Math.floor(bits / 8) : 0; // short frames and 4-bit ACKs carry none
  return (bits + parityBits + FRAME_OVERHEAD_BITS) * BIT_US;
}

/** The RF-time model above, over the emulator's exchange log. */
export function modelRf(exchanges: readonly RfExchange[]): RfModel {
  let airUs = 0;
  let cardMs = 0;
  let waitUs = 0;
  let roundTrips = 0;
  let selects = 0;
  for (const x of exchanges) {
    roundTrips += x.roundTrips;
    airUs += frameUs(x.txBits) + frameUs(x.rxBits) + x.roundTrips * 2 * FDT_US;
    waitUs += x.timeoutUs;
    if (!x.answered) continue;
    if (x.op === 'SELECT') cardMs += selects++ === 0 ? CARD_MS.select : CARD_MS.extraCascadeLevel;
    if (x.op === 'AUTH') cardMs += CARD_MS.auth;
    if (x.op === 'READ') cardMs += CARD_MS.read;
    if (x.op === 'WRITE-DATA') cardMs += CARD_MS.write;
    if (x.op === 'REQA' || x.op === 'WUPA') selects = 0; // a new card: its select counts in full
  }
  const r = (ms: number) => Math.round(ms * 100) / 100;
  const airtimeMs = airUs / 1000;
  const unansweredWaitMs = waitUs / 1000;
  return {
    exchanges: exchanges.length,
    roundTrips,
    airtimeMs: r(airtimeMs),
    cardProcessingMs: r(cardMs),
    unansweredWaitMs: r(unansweredWaitMs),
    totalMs: r(airtimeMs + cardMs + unansweredWaitMs),
    lowerBoundMs: r(Math.max(airtimeMs, cardMs) + unansweredWaitMs),
  };
}

function busMs(bytes: number, transactions: number, overheadUs: number): BusTimesMs {
  const at = (hz: number) => Math.round(((bytes * 8 * 1e6) / hz + transactions * overheadUs) / 10) / 100;
  return { at1MHz: at(1e6), at4MHz: at(4e6), at10MHz: at(10e6) };
}

async function tap(reader: Mfrc522Reader): Promise<void> {
  const key = new Uint8Array(6).fill(0xff);
  const s = await reader.detect();
  if (s === null) throw new Error('bench: the card was not detected');
  await s.authenticate(1, 'A', key);
  await s.readBlock(4);
  await s.readBlock(5);
  for (const sector of [2, 3]) {
    await s.authenticate(sector, 'A', key);
    await s.readBlock(sector * 4);
    await s.readBlock(sector * 4 + 1);
  }
  const blocks = [Uint8Array.from({ length: 16 }, (_, i) => i), Uint8Array.from({ length: 16 }, (_, i) => 0xf0 | i)];
  await s.writeBlock(12, blocks[0]!);
  await s.writeBlock(13, blocks[1]!);
  for (const [i, block] of [12, 13].entries()) {
    const back = await s.readBlock(block);
    if (!back.every((b, j) => b === blocks[i]![j])) throw new Error(`bench: read-back of block ${block} differs`);
  }
  await s.halt();
}

export async function benchMfrc522(opts: { uid?: Uint8Array } = {}): Promise<Mfrc522BenchResult> {
  const uid = opts.uid ?? Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  const emu = new Mfrc522Emulator();
  const reader = await Mfrc522Reader.open(emu);
  emu.place(VirtualClassicCard.blank(uid));
  emu.resetStats();
  emu.field.clearLog();
  const pollsBefore = reader.chip.polls;
  await tap(reader);
  const { transfers, bytes } = emu.stats;
  const rf = modelRf(emu.field.exchanges);
  const spiBusMs = busMs(bytes, transfers, PER_TRANSACTION_US_ESTIMATE);
  const plusRf = (b: number) => Math.round((b + rf.totalMs) * 100) / 100;
  await reader.close();
  return {
    sequence:
      'detect → select → auth S1 → read 4,5 → auth S2 → read 8,9 → auth S3 → read 12,13 → write 12,13 → read back 12,13 → HLTA',
    uidBytes: uid.length,
    spiTransactionsPerTap: transfers,
    spiBytesPerTap: bytes,
    irqPollsPerTap: reader.chip.polls - pollsBefore,
    perTransactionOverheadUs: PER_TRANSACTION_US_ESTIMATE,
    spiWireMs: busMs(bytes, transfers, 0),
    spiBusMs,
    rf,
    tapToBeepModelMs: {
      at1MHz: plusRf(spiBusMs.at1MHz),
      at4MHz: plusRf(spiBusMs.at4MHz),
      at10MHz: plusRf(spiBusMs.at10MHz),
    },
    tapGoalMs: TAP_GOAL_MS,
    rfModel:
      '106 kbit/s, 9 bits/byte + SOF/EOF, 2 × 86 µs frame delay per round trip, + NXP card times (select 2.5, auth 2, read 2.5, write 5.5 ms)',
    spiModel: `bytes × 8 / f + ${PER_TRANSACTION_US_ESTIMATE} µs per transaction (spidev ioctl via spi-device: an estimate, not measured on a Pi)`,
  };
}
