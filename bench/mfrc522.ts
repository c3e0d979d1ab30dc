/**
 * One POS sale through our MFRC522 driver on the emulator, counted: SPI
 * transactions and bytes, and the RF exchanges, turned into a tap→beep time
 * model. Nothing is timed on this machine: the numbers are counts and a model,
 * so they do not depend on the box that runs the bench.
 *
 * Sequence: what a sale does between the tap and the beep, run by the
 * firmware's own CardApp on an issued card (docs/hardware.md, "What a sale
 * sends"): detect (REQA, anticollision, select) → CardApp.read (auth sector 1,
 * read 4, 5; auth 2, read 8, 9 (and level slot 10 where levels are read); auth 3, read 12, 13)
 * → CardApp.writePurse (auth of the target slot's sector with key B unless the
 * read left it authenticated so, write both blocks, read both back). The
 * journal's intent fsync sits between the read and the first write; the HLTA
 * comes at the next poll, after the beep.
 *
 * SPI model: bytes × 8 / f + a fixed cost per bus operation (the spidev ioctl
 * and the hop through libuv's thread pool of spi-device's async transfer):
 * PER_TRANSACTION_US_ESTIMATE, an estimate not yet measured on a Pi; a batch
 * (several chip selects in one ioctl) pays it once plus CS_CHANGE_US per
 * chip-select release inside it. Each command is polled once here because the
 * emulator answers at once; on hardware the extra polls run while the RF
 * exchange is under way, so they overlap the RF time instead of adding to it,
 * but the command's end is seen only by the next poll: up to one more bus
 * operation per command (the detection latency), added on top.
 *
 * RF model (ISO/IEC 14443-2/3 type A at 106 kbit/s, one bit = 128/fc ≈ 9.44 µs):
 * every byte is 9 bits (8 + parity), a frame adds SOF and EOF (2 bits); a
 * short frame is 7 bits + 2, a 4-bit ACK 4 bits + 2. Each round trip adds the
 * two frame delay times (PCD→PICC ≥ 1172/fc ≈ 86 µs, PICC→PCD ≥ 1172/fc).
 * NXP gives a "typical transaction time" per procedure (MF1S50yyX/V1 fig. 4):
 * identification and selection 2.5 ms (+1 ms per extra cascade level),
 * authentication 2, read 2.5, write 5.5. Those are whole transactions, frames
 * included: the datasheet's own read timing has 368 µs of reader frame and
 * 1548 µs of card answer inside the 2.5 ms. So each command costs
 * max(its airtime, NXP's typical time for its procedure), counted once: REQA,
 * anticollision and select are one procedure, a WRITE and its data another. A
 * frame nobody answers costs its airtime and the reader's timer period.
 * Adding every frame's airtime on top of NXP's times counts the frames twice:
 * that sum is kept and printed as a pessimistic bound, not as the model.
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
/** The poll that sees a transceive end: its address byte and four registers (drivers/card/mfrc522/chip.ts). */
const POLL_BYTES = 5;
/**
 * The intent's fsync on a Pi's SD card: 2–20 ms (class and wear); the middle
 * of that, until bench/tap.ts's raw write+fdatasync is run on the device.
 */
export const SD_FSYNC_MS_ESTIMATE = 10;
const FC_HZ = 13_560_000;
const BIT_US = (128 / FC_HZ) * 1e6;
const FDT_US = (1172 / FC_HZ) * 1e6;
const FRAME_OVERHEAD_BITS = 2;
/**
 * NXP's typical transaction time per procedure, frames included, ms
 * (MF1S50yyX/V1 fig. 4; docs/hardware.md): the floor of a command's modelled time.
 */
export const TYPICAL_MS = { identifyAndSelect: 2.5, extraCascadeLevel: 1, auth: 2, read: 2.5, write: 5.5 } as const;
/** Tap→beep on a Pi, RF + SPI + the one fsync (issue #11). */
export const TAP_GOAL_MS = 60;

/** One card command (or procedure) of the RF log, timed once. */
export interface RfCommandModel {
  /** 'SELECT' stands for REQA … the last select, 'WRITE' for a write and its data; else the frame's op. */
  procedure: string;
  exchanges: number;
  airtimeMs: number;
  /** NXP's typical time for the procedure; 0 where it gives none (HLTA) or the procedure did not complete. */
  typicalMs: number;
  /** The reader's timer period, spent on a frame nobody answered. */
  unansweredWaitMs: number;
  /** max(airtime, typical) + wait: THE model of this command. */
  modelMs: number;
}

export interface RfModel {
  exchanges: number;
  roundTrips: number;
  airtimeMs: number;
  /** NXP's typical times of the procedures, summed. */
  cardProcessingMs: number;
  unansweredWaitMs: number;
  commands: RfCommandModel[];
  /** Σ per command max(airtime, NXP typical) + waits: THE model, each command counted once. */
  modelMs: number;
  /** airtime + NXP typical + waits: the frames counted twice (NXP's times include them); a pessimistic bound. */
  pessimisticMs: number;
}

export interface BusTimesMs {
  at1MHz: number;
  at4MHz: number;
  at10MHz: number;
}

/** One sale's counts and models. */
export interface SaleModel {
  /** The card commands of the sale, in order, from the emulator's RF log. */
  sequence: string;
  /** Card commands (RF exchanges; a three-pass authentication counts once). */
  cardCommands: number;
  /** Bus operations (ioctls); a batch counts once. */
  spiTransactions: number;
  /** Chip-select assertions, batched or not. */
  spiFrames: number;
  spiBytes: number;
  irqPolls: number;
  /** Wire time + per-transaction overhead. */
  spiBusMs: BusTimesMs;
  /** One more bus operation per chip command: the poll that sees it finished comes after the RF. */
  detectionMs: BusTimesMs;
  rf: RfModel;
  /** spiBus + detection + rf.modelMs + one SD fsync: THE tap→beep model (SPI and fsync rest on estimates). */
  tapToBeepModelMs: BusTimesMs;
  /** The same with rf.pessimisticMs: the frames' airtime counted on top of NXP's times. */
  tapToBeepPessimisticMs: BusTimesMs;
}

export interface Mfrc522BenchResult {
  uidBytes: number;
  /** The site gives member levels (config points.memberLevels): each tap reads the card's level slot. */
  memberLevels: boolean;
  /** The dearer of the two sales (the one whose write re-authenticates). */
  dear: SaleModel;
  /** The other slot's sale: its write needed no authentication of its own. */
  cheap: SaleModel;
  /** Wire time only of the dearer sale: bytes × 8 / f. */
  spiWireMs: BusTimesMs;
  perTransactionOverheadUs: number;
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

function airtimeUs(x: RfExchange): number {
  return frameUs(x.txBits) + frameUs(x.rxBits) + x.roundTrips * 2 * FDT_US;
}

/** Which exchanges make one procedure: a wake-up with its anticollisions and selects, a write with its data. */
function continues(procedure: readonly RfExchange[], x: RfExchange): boolean {
  const first = procedure[0]!.op;
  if (first === 'REQA' || first === 'WUPA') return x.op === 'ANTICOLL' || x.op === 'SELECT';
  return first === 'WRITE' && x.op === 'WRITE-DATA' && procedure.length === 1;
}

function proceduresOf(exchanges: readonly RfExchange[]): RfExchange[][] {
  const out: RfExchange[][] = [];
  for (const x of exchanges) {
    const last = out.at(-1);
    if (last && continues(last, x)) last.push(x);
    else out.push([x]);
  }
  return out;
}

/** NXP's typical time of a completed procedure (its last frame answered); 0 when it gives none. */
function typicalMsOf(procedure: readonly RfExchange[]): number {
  const last = procedure.at(-1)!;
  if (!last.answered) return 0;
  const first = procedure[0]!.op;
  if (first === 'REQA' || first === 'WUPA') {
    const levels = procedure.filter((x) => x.op === 'SELECT' && x.answered).length;
    return levels === 0 ? 0 : TYPICAL_MS.identifyAndSelect + (levels - 1) * TYPICAL_MS.extraCascadeLevel;
  }
  if (first === 'AUTH') return TYPICAL_MS.auth;
  if (first === 'READ') return TYPICAL_MS.read;
  if (first === 'WRITE' && last.op === 'WRITE-DATA') return TYPICAL_MS.write;
  return 0;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

/** The RF-time model above, over the emulator's exchange log. */
export function modelRf(exchanges: readonly RfExchange[]): RfModel {
  const commands = proceduresOf(exchanges).map((p): RfCommandModel & { exactMs: number } => {
    const airMs = p.reduce((n, x) => n + airtimeUs(x), 0) / 1000;
    const waitMs = p.reduce((n, x) => n + x.timeoutUs, 0) / 1000;
    const typicalMs = typicalMsOf(p);
    const first = p[0]!.op;
    const procedure = first === 'REQA' || first === 'WUPA' ? (p.length > 1 ? 'SELECT' : first) : first;
    const exactMs = Math.max(airMs, typicalMs) + waitMs;
    return {
      procedure,
      exchanges: p.length,
      airtimeMs: round2(airMs),
      typicalMs,
      unansweredWaitMs: round2(waitMs),
      modelMs: round2(exactMs),
      exactMs,
    };
  });
  const airtimeMs = exchanges.reduce((n, x) => n + airtimeUs(x), 0) / 1000;
  const unansweredWaitMs = exchanges.reduce((n, x) => n + x.timeoutUs, 0) / 1000;
  const cardProcessingMs = commands.reduce((n, c) => n + c.typicalMs, 0);
  return {
    exchanges: exchanges.length,
    roundTrips: exchanges.reduce((n, x) => n + x.roundTrips, 0),
    airtimeMs: round2(airtimeMs),
    cardProcessingMs: round2(cardProcessingMs),
    unansweredWaitMs: round2(unansweredWaitMs),
    commands: commands.map(({ exactMs: _, ...c }) => c),
    modelMs: round2(commands.reduce((n, c) => n + c.exactMs, 0)),
    pessimisticMs: round2(airtimeMs + cardProcessingMs + unansweredWaitMs),
  };
}

const atFrequencies = (usAt: (hz: number) => number): BusTimesMs => {
  const at = (hz: number) => Math.round(usAt(hz) / 10) / 100;
  return { at1MHz: at(1e6), at4MHz: at(4e6), at10MHz: at(10e6) };
};

function busMs(bytes: number, transactions: number, frames: number): BusTimesMs {
  const overheadUs = transactions * PER_TRANSACTION_US_ESTIMATE + (frames - transactions) * CS_CHANGE_US;
  return atFrequencies((hz) => (bytes * 8 * 1e6) / hz + overheadUs);
}

function wireMs(bytes: number): BusTimesMs {
  return atFrequencies((hz) => (bytes * 8 * 1e6) / hz);
}

/** The one poll per chip command that comes after its RF ends. */
function detectionMs(polls: number): BusTimesMs {
  return atFrequencies((hz) => polls * (PER_TRANSACTION_US_ESTIMATE + (POLL_BYTES * 8 * 1e6) / hz));
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

const plus = (a: BusTimesMs, b: BusTimesMs, ms: number): BusTimesMs => {
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    at1MHz: r(a.at1MHz + b.at1MHz + ms),
    at4MHz: r(a.at4MHz + b.at4MHz + ms),
    at10MHz: r(a.at10MHz + b.at10MHz + ms),
  };
};

/** The RF log as commands: AUTH S1, READ 4, … (the sector or block each one addressed). */
function sequenceOf(exchanges: readonly RfExchange[]): string {
  const named = (x: RfExchange) =>
    x.block === undefined ? x.op : x.op === 'AUTH' ? `AUTH S${Math.floor(x.block / 4)}` : `${x.op} ${x.block}`;
  return exchanges.map(named).join(' → ');
}

/** The card is presented afresh (the poll after the last sale halted it and saw the field empty), then sold to. */
async function countedSale(
  emu: Mfrc522Emulator,
  reader: Mfrc522Reader,
  app: CardApp,
  card: VirtualClassicCard,
): Promise<SaleModel> {
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
  const spiBusMs = busMs(bytes, transfers, frames);
  const detection = detectionMs(polls);
  return {
    sequence: sequenceOf(emu.field.exchanges),
    cardCommands: rf.exchanges,
    spiTransactions: transfers,
    spiFrames: frames,
    spiBytes: bytes,
    irqPolls: polls,
    spiBusMs,
    detectionMs: detection,
    rf,
    tapToBeepModelMs: plus(spiBusMs, detection, rf.modelMs + SD_FSYNC_MS_ESTIMATE),
    tapToBeepPessimisticMs: plus(spiBusMs, detection, rf.pessimisticMs + SD_FSYNC_MS_ESTIMATE),
  };
}

/**
 * Two sales on one card, so each purse slot is written once: the write into
 * the sector the read ended in needs no authentication, the other one does.
 */
export async function benchMfrc522(
  opts: { uid?: Uint8Array; memberLevels?: boolean } = {},
): Promise<Mfrc522BenchResult> {
  const uid = opts.uid ?? Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  const memberLevels = opts.memberLevels ?? true;
  const masterKeys = deriveSimMasterKeys(1);
  const card = await issueSimCard(
    { name: 'bench', uid: Buffer.from(uid).toString('hex'), number: 100_010, cardClass: 3, balanceCents: 100_000 },
    masterKeys,
    new ManualClock(START_MS),
  );
  const emu = new Mfrc522Emulator();
  const reader = await Mfrc522Reader.open(emu);
  // As a terminal builds it (firmware/card-tx/level-read.ts), with no level credit on file for this card.
  const app = new CardApp(masterKeys, { writesPurses: true, readsLevels: () => memberLevels });
  const sales = [await countedSale(emu, reader, app, card), await countedSale(emu, reader, app, card)];
  await reader.close();
  const [dear, cheap] = [...sales].sort((a, b) => b.rf.modelMs - a.rf.modelMs) as [SaleModel, SaleModel];
  return {
    uidBytes: uid.length,
    memberLevels,
    dear,
    cheap,
    spiWireMs: wireMs(dear.spiBytes),
    perTransactionOverheadUs: PER_TRANSACTION_US_ESTIMATE,
    sdFsyncMs: SD_FSYNC_MS_ESTIMATE,
    tapGoalMs: TAP_GOAL_MS,
    rfModel:
      '106 kbit/s, 9 bits/byte + SOF/EOF, 2 × 86 µs frame delay per round trip; each command max(airtime, ' +
      'NXP typical: select 2.5 (+1 per cascade level), auth 2, read 2.5, write 5.5 ms)',
    spiModel:
      `bytes × 8 / f + ${PER_TRANSACTION_US_ESTIMATE} µs per bus operation + ${CS_CHANGE_US} µs per chip-select ` +
      'release inside a batch, + one poll per command for detection (spidev ioctl via spi-device: estimates, ' +
      'not measured on a Pi)',
  };
}
