/**
 * One POS sale through our MFRC522 driver on the emulator, counted: SPI
 * transactions and bytes, and the RF exchanges, turned into a tap→beep time
 * model. Nothing is timed on this machine: the numbers are counts and a model,
 * so they do not depend on the box that runs the bench.
 *
 * Sequence: what a sale does between the tap and the beep, run by the
 * firmware's own CardApp on an issued card (docs/hardware.md, "What a sale
 * sends"): detect (REQA, anticollision, select) → CardApp.read (auth sector 1,
 * read 4, 5; auth 2, read 8, 9; auth 3, read 12, 13) → CardApp.writePurse
 * (auth of the target slot's sector with key B unless the read left it
 * authenticated so, write both blocks, read both back). The journal's intent
 * fsync sits between the read and the first write; the HLTA comes at the
 * next poll, after the beep.
 *
 * SPI model: bytes × 8 / f + a fixed cost per bus operation (the spidev ioctl
 * and the hop through libuv's thread pool of spi-device's async transfer):
 * PER_TRANSACTION_US_ESTIMATE, an estimate not yet measured on a Pi; a batch
 * (several chip selects in one ioctl) pays it once plus CS_CHANGE_US per
 * chip-select release inside it. Each command is polled once here because the
 * emulator answers at once; on hardware the extra polls run while the RF
 * exchange is under way, so they overlap the RF time instead of adding to it.
 *
 * RF model (ISO/IEC 14443-2/3 type A at 106 kbit/s, one bit = 128/fc ≈ 9.44 µs):
 * every byte is 9 bits (8 + parity), a frame adds SOF and EOF (2 bits); a
 * short frame is 7 bits + 2, a 4-bit ACK 4 bits + 2. Each round trip adds the
 * two frame delay times (PCD→PICC ≥ 1172/fc ≈ 86 µs, PICC→PCD ≥ 1172/fc).
 * A frame nobody answers costs the reader's timer period. On top come the
 * card's processing times from NXP MF1S50yyX/V1 fig. 4 (docs/hardware.md):
 * select 2.5 ms (+1 ms per extra cascade level), auth 2, read 2.5, write 5.5.
 * NXP's figures already include the frames, so adding airtime double-counts:
 * the model is an upper bound, and max(airtime, card times) its lower bound.
 */
import { CardApp } from '../firmware/card/app.ts';
import { ManualClock } from '../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../firmware/store/keys/keyfile.ts';
import { Mfrc522Reader } from '../drivers/card/mfrc522/reader.ts';
import { issueSimCard } from '../simulator/card/issue.ts';
import { Mfrc522Emulator } from '../simulator/mfrc522/emulator.ts';
import type { RfExchange } from '../simulator/mfrc522/field.ts';
import type { VirtualClassicCard } from '../simulator/card/virtual-classic.ts';

/** An estimate, not measured on a Pi: every figure built on it is a model until someone measures it there. */
export const PER_TRANSACTION_US_ESTIMATE = 50;
/** Linux's default delay when a transfer releases chip select inside one message (spi core, cs_change). */
export const CS_CHANGE_US = 10;
/**
 * The intent's fsync on a Pi's SD card: 2–20 ms (class and wear); the middle
 * of that, until bench/tap.ts's raw write+fdatasync is run on the device.
 */
export const SD_FSYNC_MS_ESTIMATE = 10;
const FC_HZ = 13_560_000;
const BIT_US = (128 / FC_HZ) * 1e6;
const FDT_US = (1172 / FC_HZ) * 1e6;
const FRAME_OVERHEAD_BITS = 2;
/** Card processing per operation, ms (docs/hardware.md). */
export const CARD_MS = { select: 2.5, extraCascadeLevel: 1, auth: 2, read: 2.5, write: 5.5 } as const;
/** Tap→beep on a Pi, RF + SPI + the one fsync (issue #11). */
export const TAP_GOAL_MS = 60;

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
  /** The card commands of the sale, in order, from the emulator's RF log. */
  sequence: string;
  uidBytes: number;
  /** Bus operations (ioctls); a batch counts once. */
  spiTransactionsPerTap: number;
  /** Chip-select assertions, batched or not. */
  spiFramesPerTap: number;
  spiBytesPerTap: number;
  irqPollsPerTap: number;
  perTransactionOverheadUs: number;
  /** Wire time only: bytes × 8 / f. */
  spiWireMs: BusTimesMs;
  /** Wire time + per-transaction overhead. */
  spiBusMs: BusTimesMs;
  rf: RfModel;
  /** spiBusMs + rf.totalMs + one SD fsync: a model of the whole tap (SPI and fsync rest on estimates). */
  tapToBeepModelMs: BusTimesMs;
  /** The same with the RF lower bound: what the tap costs if NXP's card times already cover the frames. */
  tapToBeepLowerBoundMs: BusTimesMs;
  /** The other slot's sale: its write needed no authentication of its own. */
  otherSale: { sequence: string; rf: RfModel; tapToBeepModelAt4MHzMs: number };
  sdFsyncMs: number;
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

function busMs(bytes: number, transactions: number, frames: number): BusTimesMs {
  const overheadUs = transactions * PER_TRANSACTION_US_ESTIMATE + (frames - transactions) * CS_CHANGE_US;
  const at = (hz: number) => Math.round(((bytes * 8 * 1e6) / hz + overheadUs) / 10) / 100;
  return { at1MHz: at(1e6), at4MHz: at(4e6), at10MHz: at(10e6) };
}

function wireMs(bytes: number): BusTimesMs {
  const at = (hz: number) => Math.round((bytes * 8 * 1e6) / hz / 10) / 100;
  return { at1MHz: at(1e6), at4MHz: at(4e6), at10MHz: at(10e6) };
}

const START_MS = Date.parse('2026-11-23T11:30:00+08:00');
const SALE_CENTS = 1_250;

/** A sale as the POS runs it on the card: detect, read and verify, write the other slot and read it back. */
async function sale(reader: Mfrc522Reader, app: CardApp): Promise<void> {
  const session = await reader.detect();
  if (session === null) throw new Error('bench: the card was not detected');
  const read = await app.read(session);
  if (!read.ok) throw new Error(`bench: card unreadable: ${read.problem}`);
  const { purse } = read.card;
  const next = { ...purse, counter: purse.counter + 1, balance: purse.balance - SALE_CENTS, writerTerminalId: 101 };
  const written = await app.writePurse(session, read.card, read.keys, next);
  if (written.kind !== 'written') throw new Error(`bench: write ${written.kind}`);
}

const sum2 = (a: BusTimesMs, ms: number): BusTimesMs => {
  const r = (x: number) => Math.round((x + ms) * 100) / 100;
  return { at1MHz: r(a.at1MHz), at4MHz: r(a.at4MHz), at10MHz: r(a.at10MHz) };
};

/** The RF log as commands: AUTH S1, READ 4, … (the block or sector each one addressed). */
function sequenceOf(exchanges: readonly RfExchange[]): string {
  return exchanges.map((x) => x.op).join(' → ');
}

interface SaleCounts {
  sequence: string;
  transfers: number;
  frames: number;
  bytes: number;
  polls: number;
  rf: RfModel;
}

/** The card is presented afresh (the poll after the last sale halted it and saw the field empty), then sold to. */
async function countedSale(
  emu: Mfrc522Emulator,
  reader: Mfrc522Reader,
  app: CardApp,
  card: VirtualClassicCard,
): Promise<SaleCounts> {
  emu.field.remove(card);
  if ((await reader.detect()) !== null) throw new Error('bench: a card stayed in an empty field');
  emu.place(card);
  emu.resetStats();
  emu.field.clearLog();
  const pollsBefore = reader.chip.polls;
  await sale(reader, app);
  const { transfers, frames, bytes } = emu.stats;
  const polls = reader.chip.polls - pollsBefore;
  const rf = modelRf(emu.field.exchanges);
  return { sequence: sequenceOf(emu.field.exchanges), transfers, frames, bytes, polls, rf };
}

/**
 * Two sales on one card, so each purse slot is written once: the write into
 * the sector the read ended in needs no authentication, the other one does.
 * The figures are the dearer sale's; `otherSale` is the cheaper one.
 */
export async function benchMfrc522(opts: { uid?: Uint8Array } = {}): Promise<Mfrc522BenchResult> {
  const uid = opts.uid ?? Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  const masterKeys = deriveSimMasterKeys(1);
  const card = await issueSimCard(
    { name: 'bench', uid: Buffer.from(uid).toString('hex'), number: 100_010, cardClass: 3, balanceCents: 100_000 },
    masterKeys,
    new ManualClock(START_MS),
  );
  const emu = new Mfrc522Emulator();
  const reader = await Mfrc522Reader.open(emu);
  const app = new CardApp(masterKeys, { writesPurses: true });
  const sales = [await countedSale(emu, reader, app, card), await countedSale(emu, reader, app, card)];
  await reader.close();
  const [dear, cheap] = [...sales].sort((a, b) => b.rf.totalMs - a.rf.totalMs) as [SaleCounts, SaleCounts];
  const spiBusMs = busMs(dear.bytes, dear.transfers, dear.frames);
  const cheapBusMs = busMs(cheap.bytes, cheap.transfers, cheap.frames);
  return {
    sequence: dear.sequence,
    uidBytes: uid.length,
    spiTransactionsPerTap: dear.transfers,
    spiFramesPerTap: dear.frames,
    spiBytesPerTap: dear.bytes,
    irqPollsPerTap: dear.polls,
    perTransactionOverheadUs: PER_TRANSACTION_US_ESTIMATE,
    spiWireMs: wireMs(dear.bytes),
    spiBusMs,
    rf: dear.rf,
    tapToBeepModelMs: sum2(spiBusMs, dear.rf.totalMs + SD_FSYNC_MS_ESTIMATE),
    tapToBeepLowerBoundMs: sum2(spiBusMs, dear.rf.lowerBoundMs + SD_FSYNC_MS_ESTIMATE),
    otherSale: {
      sequence: cheap.sequence,
      rf: cheap.rf,
      tapToBeepModelAt4MHzMs: sum2(cheapBusMs, cheap.rf.totalMs + SD_FSYNC_MS_ESTIMATE).at4MHz,
    },
    sdFsyncMs: SD_FSYNC_MS_ESTIMATE,
    tapGoalMs: TAP_GOAL_MS,
    rfModel:
      '106 kbit/s, 9 bits/byte + SOF/EOF, 2 × 86 µs frame delay per round trip, + NXP card times (select 2.5, auth 2, read 2.5, write 5.5 ms)',
    spiModel:
      `bytes × 8 / f + ${PER_TRANSACTION_US_ESTIMATE} µs per bus operation + ${CS_CHANGE_US} µs per chip-select ` +
      'release inside a batch (spidev ioctl via spi-device: estimates, not measured on a Pi)',
  };
}
