/**
 * The one registry of peripheral kinds: each kind a config may name maps to
 * its real driver or to its simulator twin. `onecard run` opens what the
 * config names through here; a new peripheral (display, printer, cash) adds
 * its kinds here and nowhere else. Opening failures are values naming the
 * config field, never exceptions.
 */
import type { Clock } from '../base/clock.ts';
import type { Logger } from '../base/log.ts';
import type { Scheduler } from '../base/scheduler.ts';
import type { CardReader, UidRead } from '../drivers/card/index.ts';
import { Mfrc522Reader } from '../drivers/card/mfrc522/reader.ts';
import type { GpioConfig } from '../drivers/gpio/config.ts';
import type { GpioPort } from '../drivers/gpio/index.ts';
import { openGpio } from '../drivers/gpio/open.ts';
import { Signals } from '../drivers/signal/signals.ts';
import { SpidevBus } from '../drivers/spi/spidev.ts';
import { READER_SLOTS, type ReaderSlot } from '../firmware/config/reader-slots.ts';
import type { PeripheralsConfig, ReaderConfig } from '../firmware/config/schema.ts';
import { WIEGAND_LINES_OF } from '../firmware/config/wiegand-readers.ts';
import type { PeripheralHealth } from '../protocol/index.ts';
// The twins are loaded only when a config names them: a device's run never loads simulator code.
import type { VirtualReader } from '../simulator/card/virtual-reader.ts';
import type { Mfrc522Emulator } from '../simulator/mfrc522/emulator.ts';
import type { SimGpioLines } from '../simulator/gpio/sim-lines.ts';
import type { WiegandTwin } from '../simulator/wiegand/twin.ts';
import type { PosKey } from '../drivers/keypad/keymap.ts';
import { type OpenedFace, openFace } from './registry-face.ts';
import { type OpenedCash, openCash } from './registry-cash.ts';
import { type OpenedKioskScreen, openKioskScreen } from './registry-kiosk-screen.ts';
import { openWiegandReader } from './registry-wiegand.ts';

export interface RegistryDeps {
  clock: Clock;
  scheduler: Scheduler;
  nowUs: () => number;
  log: Logger;
  /**
   * The role keeps a card on the reader and polls it (the kiosk): the MFRC522 detects with WUPA, so the card
   * it halted at the previous poll answers again and is not taken for gone.
   */
  holdsCard?: boolean;
}

export type Opened<T> = { ok: true; value: T } | { ok: false; message: string };

/** A reader the run loop polls; `twin` / `emulator`: the simulated field, when the kind is a twin. */
export interface OpenedReader {
  reader: CardReader;
  health(): PeripheralHealth['health'];
  twin?: VirtualReader;
  emulator?: Mfrc522Emulator;
  /** A Wiegand reader: the card numbers decoded since the last poll (its `reader` never finds a card). */
  numbers?: { take(nowUs: number): UidRead[] };
  /** The Wiegand twin presenting card numbers, when the reader is on the GPIO twin. */
  wiegand?: WiegandTwin;
}

type ReaderOpener<C extends ReaderConfig> = (c: C, d: RegistryDeps) => Promise<Opened<OpenedReader>>;

const READERS: { [K in ReaderConfig['kind']]: ReaderOpener<Extract<ReaderConfig, { kind: K }>> } = {
  async mfrc522(c, d) {
    let bus: SpidevBus;
    try {
      bus = await SpidevBus.open({ device: c.device, speedHz: c.speedHz });
    } catch (e) {
      return { ok: false, message: `peripherals.reader: cannot open ${c.device}: ${(e as Error).message}` };
    }
    try {
      const chip = await Mfrc522Reader.open(bus, { log: d.log, clock: d.clock, wake: d.holdsCard ?? false });
      return {
        ok: true,
        value: { reader: chip, health: () => (chip.counters.recoveries > 0 ? 'degraded' : 'ok') },
      };
    } catch (e) {
      await bus.close().catch(() => undefined);
      return { ok: false, message: `peripherals.reader: the MFRC522 on ${c.device} failed: ${(e as Error).message}` };
    }
  },
  async wiegand() {
    // Its lines are on the GPIO port, opened after the readers: openPeripherals opens it (registry-wiegand.ts).
    return { ok: false, message: 'peripherals.reader: a wiegand reader opens with peripherals.gpio' };
  },
  async virtual() {
    const { VirtualReader } = await import('../simulator/card/virtual-reader.ts');
    const twin = new VirtualReader();
    const reader: CardReader = { detect: async () => twin.open(), close: async () => twin.remove() };
    return { ok: true, value: { reader, health: () => 'ok', twin } };
  },
  async 'mfrc522-emulator'(_c, d) {
    const { Mfrc522Emulator } = await import('../simulator/mfrc522/emulator.ts');
    const emulator = new Mfrc522Emulator();
    const chip = await Mfrc522Reader.open(emulator, { log: d.log, clock: d.clock, wake: d.holdsCard ?? false });
    return { ok: true, value: { reader: chip, health: () => 'ok', emulator } };
  },
};

export function openReader(c: ReaderConfig, d: RegistryDeps): Promise<Opened<OpenedReader>> {
  const open = READERS[c.kind] as ReaderOpener<ReaderConfig>;
  return open(c, d);
}

/** The GPIO port and the buzzer/LED signals on it; backend "sim" is the twin with its pin timeline. */
export async function openSignals(
  c: GpioConfig,
  d: RegistryDeps,
): Promise<Opened<{ port: GpioPort; signals: Signals; twin?: SimGpioLines }>> {
  let twin: SimGpioLines | undefined;
  const Twin = c.backend === 'sim' ? (await import('../simulator/gpio/sim-lines.ts')).SimGpioLines : null;
  const sim = Twin
    ? () => {
        twin = new Twin(d.clock);
        return twin;
      }
    : undefined;
  const opened = await openGpio(c, { scheduler: d.scheduler, nowUs: d.nowUs, log: d.log, ...(sim ? { sim } : {}) });
  if (!opened.ok) return { ok: false, message: `peripherals.gpio: ${opened.message}` };
  const signals = new Signals(opened.port, d.scheduler, c.signals);
  return { ok: true, value: { port: opened.port, signals, ...(twin ? { twin } : {}) } };
}

export interface Peripherals {
  reader: OpenedReader;
  /** The second reader (a car park's other barrier), when the config names one. */
  reader2?: OpenedReader;
  gpio?: { port: GpioPort; signals: Signals; twin?: SimGpioLines };
  /** Display, customer display, keypad, voice: whichever the config names (app/registry-face.ts). */
  face: OpenedFace;
  /** The kiosk role's touch screen, when the config names one (peripherals.kioskScreen). */
  kioskScreen?: OpenedKioskScreen;
  /** The kiosk role's bill acceptor and receipt printer (peripherals.billAcceptor, .printer). */
  cash?: OpenedCash;
  /** Where the keypad's keys go: the composition points it at the POS once the terminal is open. */
  keys: KeyRelay;
  health(): PeripheralHealth[];
  close(): Promise<void>;
}

/** The keypad opens before the POS exists: its keys wait here (dropped, never queued) until `to` names the POS. */
export class KeyRelay {
  private target: ((key: PosKey) => void) | null = null;
  to(target: (key: PosKey) => void): void {
    this.target = target;
  }
  readonly key = (key: PosKey): void => this.target?.(key);
}

/** Everything the config's `peripherals` names, opened; the first failure closes what was opened. */
export async function openPeripherals(c: PeripheralsConfig, d: RegistryDeps): Promise<Opened<Peripherals>> {
  // What opened so far, closed newest first (once) when a later part fails or by close().
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  const failed = async (r: { ok: false; message: string }): Promise<Opened<Peripherals>> => {
    await closeAll();
    return r;
  };
  const slots: Partial<Record<ReaderSlot, OpenedReader>> = {};
  for (const slot of READER_SLOTS) {
    const rc = c[slot];
    if (!rc || rc.kind === 'wiegand') continue; // on the GPIO port: opened once the port is, below
    const r = await openReader(rc, d);
    const message = r.ok ? '' : r.message.replace(/^peripherals\.reader:/, `peripherals.${slot}:`);
    if (!r.ok) return failed({ ok: false, message });
    slots[slot] = r.value;
    closers.push(() => r.value.reader.close());
  }
  let gpio: Peripherals['gpio'];
  if (c.gpio) {
    const g = await openSignals(c.gpio, d);
    if (!g.ok) return failed(g);
    gpio = g.value;
    closers.push(async () => {
      gpio?.signals.stop();
      await gpio?.port.close();
    });
  }
  for (const slot of READER_SLOTS) {
    if (c[slot]?.kind !== 'wiegand') continue;
    const r = await openWiegandReader(slot, c.gpio?.[WIEGAND_LINES_OF[slot]], gpio, d);
    if (!r.ok) return failed(r);
    slots[slot] = r.value;
    closers.push(() => r.value.reader.close());
  }
  const { reader, reader2 } = slots;
  if (!reader) return failed({ ok: false, message: 'peripherals.reader: missing' }); // the schema requires it
  const keys = new KeyRelay();
  const face = await openFace(c, keys.key, d, gpio?.port);
  if (!face.ok) return failed(face);
  closers.push(() => face.value.close());
  let kioskScreen: OpenedKioskScreen | undefined;
  if (c.kioskScreen) {
    const k = await openKioskScreen(c.kioskScreen, d.log);
    if (!k.ok) return failed(k);
    kioskScreen = k.value;
    closers.push(() => k.value.screen.close());
  }
  let cash: OpenedCash | undefined;
  if (c.billAcceptor || c.printer) {
    if (!c.billAcceptor || !c.printer) {
      const missing = c.billAcceptor ? 'printer' : 'billAcceptor';
      const message = `peripherals.${missing}: the kiosk's bill acceptor and printer open together: name both`;
      return failed({ ok: false, message });
    }
    const opened = await openCash(c.billAcceptor, c.printer, d);
    if (!opened.ok) return failed(opened);
    cash = opened.value;
    closers.push(() => opened.value.close());
  }
  const readers = reader2 ? [reader, reader2] : [reader];
  return {
    ok: true,
    value: {
      reader,
      ...(reader2 ? { reader2 } : {}),
      ...(gpio ? { gpio } : {}),
      face: face.value,
      ...(kioskScreen ? { kioskScreen } : {}),
      ...(cash ? { cash } : {}),
      keys,
      health: () => [
        ...readers.map((r) => ({ kind: 'reader' as const, health: r.health() })),
        ...face.value.health(),
        ...(cash?.health() ?? []),
      ],
      close: closeAll,
    },
  };
}
