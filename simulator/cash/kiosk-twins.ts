import { CcnetDriver } from '../../drivers/cash/ccnet/driver.ts';
import { EscPosPrinter } from '../../drivers/printer/printer.ts';
import type { Logger } from '../../base/log.ts';
import type { KioskApp } from '../../firmware/kiosk/kiosk.ts';
import type { TerminalDeps } from '../../firmware/terminal/terminal.ts';
import { SimPrinter } from '../printer/sim-printer.ts';
import { simTransport } from '../printer/transport.ts';
import { CcnetEmulator, RMB_TABLE } from './ccnet/emulator.ts';
import { openEmulatedValidator } from './ccnet/mock-port.ts';
import { SpinTime } from './ccnet/spin-time.ts';

/** What a person (sim --role kiosk) or a scenario step does to a kiosk's twins besides inserting a bill. */
export const KIOSK_FAULTS = ['jam', 'unjam', 'cassette-out', 'cassette-in', 'paper-out', 'paper-in'] as const;
export type KioskFault = (typeof KIOSK_FAULTS)[number];

/** Poll cycles a bill's life takes on the emulator, slot to credited and receipt (accepting … stacked, ACK). */
export const BILL_CYCLES = 10;

/**
 * A kiosk's cash peripherals as twins, driven by the real driver code: the
 * CCNET driver on the validator emulator (behind @serialport/binding-mock) and
 * the ESC/POS driver on the printer twin. The sim, the scenario runner and the
 * e2e tests give `cash` to composeTerminal and call `cycle()` for each poll.
 */
export class KioskTwins {
  private current: { driver: CcnetDriver; cash: NonNullable<TerminalDeps['cash']> };

  private constructor(
    readonly emulator: CcnetEmulator,
    readonly printer: SimPrinter,
    private readonly opened: Awaited<ReturnType<typeof openEmulatedValidator>>,
    private readonly log: Logger,
  ) {
    this.current = this.boot();
  }

  private static ports = 0;

  static async open(log: Logger, printer = new SimPrinter()): Promise<KioskTwins> {
    const emulator = new CcnetEmulator();
    const opened = await openEmulatedValidator(`/dev/ttySimKiosk${KioskTwins.ports++}`, emulator);
    return new KioskTwins(emulator, printer, opened, log);
  }

  /** The real drivers on the twins, as a runtime opens them at boot. */
  private boot() {
    const time = new SpinTime();
    const driver = new CcnetDriver(this.opened.port, { scheduler: time, clock: time, logger: this.log });
    return { driver, cash: { acceptor: driver, printer: new EscPosPrinter(simTransport(this.printer)) } };
  }

  /** The CCNET driver of this run. */
  get driver(): CcnetDriver {
    return this.current.driver;
  }

  /** What composeTerminal takes as the kiosk's cash peripherals. */
  get cash(): NonNullable<TerminalDeps['cash']> {
    return this.current.cash;
  }

  /** The runtime lost power (the validator kept it): the next run opens fresh drivers on the same twins. */
  reboot(): void {
    this.current = this.boot();
  }

  /** `n` poll cycles, the kiosk acting on what the validator said after each (as startPolling + pump would). */
  async cycle(kiosk: KioskApp, n = 1): Promise<void> {
    for (let i = 0; i < n; i++) {
      await this.driver.cycle();
      await kiosk.pump();
    }
  }

  /** A bill of this value at the slot; a message (nothing inserted) when there is no such bill or the slot is shut. */
  insertBill(valueCents: number): string | null {
    const bill = RMB_TABLE.find((b) => b.valueCents === valueCents);
    if (!bill) return `no ${valueCents / 100} yuan bill: the validator takes 1, 5, 10, 20, 50 and 100`;
    if (this.emulator.state !== 'idle') return `the slot takes no bill now: the validator is ${this.emulator.state}`;
    this.emulator.insert(bill.billType);
    return null;
  }

  fault(f: KioskFault): void {
    const on: Record<KioskFault, () => void> = {
      jam: () => this.emulator.jam(),
      unjam: () => this.emulator.clearJam(),
      'cassette-out': () => this.emulator.removeCassette(),
      // Staff put the same cassette back (not emptied): what it holds still counts.
      'cassette-in': () => this.emulator.insertCassette(false),
      'paper-out': () => this.printer.runOutOfPaper(),
      'paper-in': () => this.printer.loadPaper(),
    };
    on[f]();
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
