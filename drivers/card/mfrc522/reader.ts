/**
 * The MFRC522 as a CardReader: chip initialisation and self-test, card
 * detection (one tap, one session), and recovery of a wedged chip.
 *
 * One tap, one session: `detect()` first halts the card of the previous
 * session (HLTA), so a card left on the reader is not served twice; REQA then
 * only finds cards that are new in the field. A card that left and came back
 * powers up in IDLE and is found again (that is "the next tap").
 */
import { CardError } from '../session.ts';
import type { Clock } from '../../../base/clock.ts';
import { silentLogger, type Logger } from '../../../base/log.ts';
import type { SpiBus } from '../../spi/index.ts';
import type { CardReader } from '../index.ts';
import { ChipHungError, Mfrc522Chip } from './chip.ts';
import { crcA } from './crc.ts';
import * as picc from './picc.ts';
import {
  MODE_CRC_A,
  Reg,
  TMODE_TAUTO,
  TX_ASK_FORCE_100,
  TX_CONTROL_ANTENNA,
  VERSION_FM17522,
  VERSION_V1,
  VERSION_V2,
} from './registers.ts';
import { Mfrc522Session, type SessionHost } from './session.ts';

export interface Mfrc522ReaderOptions {
  log?: Logger;
  /** IRQ polls before a command counts as hung (see chip.ts). */
  pollLimit?: number;
  /** Bounds each command in time too (the composition root passes a monotonic clock). */
  clock?: Clock;
  commandTimeoutMs?: number;
  /** Detect with WUPA instead of REQA: halted cards answer too (a service tool's choice, not a till's). */
  wake?: boolean;
}

export interface ChipVersion {
  code: number;
  name: string;
  /** False for the FM17522 clone: accepted, but worth a line in the log. */
  genuine: boolean;
}

export interface ReaderCounters {
  detects: number;
  cardsSelected: number;
  emptyPolls: number;
  /** Answers that were not valid frames: bad CRC_A or BCC, wrong length, collisions. */
  garbled: number;
  /** Cards that stopped answering in the middle of a session. */
  removals: number;
  authFailures: number;
  naks: number;
  recoveries: number;
}

export type InitFailure = 'no-chip' | 'unknown-version' | 'hung' | 'self-test';
export class Mfrc522InitError extends Error {
  constructor(
    readonly code: InitFailure,
    message: string,
  ) {
    super(message);
    this.name = 'Mfrc522InitError';
  }
}

const KNOWN_VERSIONS: ReadonlyMap<number, ChipVersion> = new Map([
  [VERSION_V1, { code: VERSION_V1, name: 'MFRC522 v1.0', genuine: true }],
  [VERSION_V2, { code: VERSION_V2, name: 'MFRC522 v2.0', genuine: true }],
  [VERSION_FM17522, { code: VERSION_FM17522, name: 'FM17522 (clone)', genuine: false }],
]);
/** Timer: prescaler 0x0A9 → 40 kHz, reload 1000 → 25 ms, the longest a Classic write answer takes, with margin. */
const TIMER = { mode: TMODE_TAUTO, prescaler: 0xa9, reloadHi: 0x03, reloadLo: 0xe8 } as const;
const CRC_SELFTEST_INPUT = Uint8Array.of(0x50, 0x00);
const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** Timer, modulation and CRC preset: everything SoftReset clears, then the field on. */
async function configure(chip: Mfrc522Chip): Promise<void> {
  await chip.write(Reg.TMode, TIMER.mode);
  await chip.write(Reg.TPrescaler, TIMER.prescaler);
  await chip.write(Reg.TReloadHi, TIMER.reloadHi);
  await chip.write(Reg.TReloadLo, TIMER.reloadLo);
  await chip.write(Reg.TxASK, TX_ASK_FORCE_100);
  await chip.write(Reg.Mode, MODE_CRC_A);
  await chip.setBits(Reg.TxControl, TX_CONTROL_ANTENNA);
}

async function initChip(chip: Mfrc522Chip, log: Logger): Promise<ChipVersion> {
  try {
    await chip.softReset();
  } catch (err) {
    if (err instanceof ChipHungError) throw new Mfrc522InitError('hung', 'MFRC522 did not come out of SoftReset');
    throw err;
  }
  const code = await chip.read(Reg.Version);
  // All-zero or all-one reads mean nothing drives MISO: wiring, power or the wrong chip select.
  if (code === 0x00 || code === 0xff)
    throw new Mfrc522InitError('no-chip', `no MFRC522 answers on SPI (VersionReg reads ${hex(code)})`);
  const version = KNOWN_VERSIONS.get(code);
  if (!version)
    throw new Mfrc522InitError('unknown-version', `VersionReg ${hex(code)} is not a known MFRC522 (counterfeit chip?)`);
  if (!version.genuine) log.warn('mfrc522.clone-chip', { version: hex(code), name: version.name });
  await configure(chip);
  // The CRC coprocessor must agree with CRC_A: a cheap proof that commands run and the FIFO works.
  const [lsb, msb] = await chip.calcCrc(CRC_SELFTEST_INPUT);
  const [wantLsb, wantMsb] = crcA(CRC_SELFTEST_INPUT);
  if (lsb !== wantLsb || msb !== wantMsb)
    throw new Mfrc522InitError('self-test', `CRC coprocessor gave ${hex(lsb!)} ${hex(msb!)} for 50 00 (want 57 CD)`);
  log.info('mfrc522.ready', { version: hex(code), name: version.name });
  return version;
}

export class Mfrc522Reader implements CardReader, SessionHost {
  readonly counters: ReaderCounters = {
    detects: 0,
    cardsSelected: 0,
    emptyPolls: 0,
    garbled: 0,
    removals: 0,
    authFailures: 0,
    naks: 0,
    recoveries: 0,
  };
  private generation = 0;
  private current: Mfrc522Session | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly bus: SpiBus,
    readonly chip: Mfrc522Chip,
    private readonly chipVersion: ChipVersion,
    private readonly log: Logger,
    private readonly wake: boolean,
  ) {}

  /** Resets and self-tests the chip (VersionReg, CRC coprocessor) and turns the field on; throws Mfrc522InitError. */
  static async open(bus: SpiBus, opts: Mfrc522ReaderOptions = {}): Promise<Mfrc522Reader> {
    const log = opts.log ?? silentLogger;
    const chip = new Mfrc522Chip(bus, {
      pollLimit: opts.pollLimit,
      clock: opts.clock,
      commandTimeoutMs: opts.commandTimeoutMs,
    });
    const version = await initChip(chip, log);
    return new Mfrc522Reader(bus, chip, version, log, opts.wake ?? false);
  }

  version(): ChipVersion {
    return { ...this.chipVersion };
  }

  /** A selected card's session, or null for an empty field; rejects only when the chip stays hung after a reset. */
  detect(): Promise<Mfrc522Session | null> {
    return this.serialize(async () => {
      this.counters.detects++;
      try {
        return await this.detectOnce();
      } catch (err) {
        if (!(err instanceof ChipHungError)) throw err;
        await this.recoverLocked(err.message);
      }
      try {
        return await this.detectOnce();
      } catch (err) {
        if (err instanceof ChipHungError) throw new Error(`MFRC522 still hung after a reset: ${err.message}`);
        throw err;
      }
    });
  }

  /** Soft reset, antenna off/on: for a chip that stopped completing commands. Ends every session. */
  recover(reason: string): Promise<void> {
    return this.serialize(() => this.recoverLocked(reason));
  }

  async close(): Promise<void> {
    await this.serialize(async () => {
      this.generation++;
      await this.chip.clearBits(Reg.TxControl, TX_CONTROL_ANTENNA).catch(() => undefined);
      await this.bus.close();
    });
  }

  exclusive<T>(generation: number, fn: () => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      if (generation !== this.generation)
        throw new CardError('removed', 'the card was deselected (another detect or a reader reset)');
      try {
        return await fn();
      } catch (err) {
        if (err instanceof CardError || err instanceof TypeError || err instanceof RangeError) throw err; // the latter two are bugs
        // The bus itself failed (device gone, ioctl error): an operating error, reported as the contract says.
        if (!(err instanceof ChipHungError))
          throw new CardError('transport', `SPI transfer failed: ${(err as Error).message}`);
        try {
          await this.recoverLocked(err.message);
        } catch (again) {
          throw new CardError('transport', `reader chip does not respond: ${(again as Error).message}`);
        }
        throw new CardError('transport', 'reader chip hung and was reset');
      }
    });
  }

  private async detectOnce(): Promise<Mfrc522Session | null> {
    await this.endCurrent();
    this.generation++;
    await this.chip.stopCrypto();
    const req = await picc.request(this.chip, this.wake);
    if (req.kind !== 'ok') return this.nothing(req);
    const sel = await picc.selectCard(this.chip, req.value);
    if (sel.kind !== 'ok') return this.nothing(sel);
    this.counters.cardsSelected++;
    this.current = new Mfrc522Session(this, this.generation, sel.value);
    return this.current;
  }

  private nothing(r: picc.PiccOutcome<unknown>): null {
    if (r.kind === 'garbled') {
      this.counters.garbled++;
      this.log.debug('mfrc522.garbled', { problem: r.problem });
    } else {
      this.counters.emptyPolls++;
    }
    return null;
  }

  /** HLTA for the previous card if its session is still open, so it is not detected again while it stays put. */
  private async endCurrent(): Promise<void> {
    const s = this.current;
    this.current = null;
    if (s === null || !s.alive || s.generation !== this.generation) return;
    await s.haltHeld().catch((err: unknown) => {
      if (!(err instanceof CardError)) throw err;
    });
  }

  private async recoverLocked(reason: string): Promise<void> {
    this.counters.recoveries++;
    this.generation++;
    this.current = null;
    this.log.warn('mfrc522.recover', { reason });
    // Field off first so every card restarts from power-up, whatever state the hang left it in.
    await this.chip.clearBits(Reg.TxControl, TX_CONTROL_ANTENNA);
    try {
      await this.chip.softReset();
    } catch (err) {
      if (err instanceof ChipHungError) throw new Error('MFRC522 did not come out of SoftReset during recovery');
      throw err;
    }
    await configure(this.chip);
  }

  /** One chip, one conversation at a time: a second caller waits for the first. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
