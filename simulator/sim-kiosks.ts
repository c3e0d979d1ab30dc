import type { Logger } from '../base/log.ts';
import type { KioskApp } from '../firmware/kiosk/kiosk.ts';
import { BILL_CYCLES, type KioskFault, KioskTwins } from './cash/kiosk-twins.ts';
import type { SimTerminalSpec } from './terminal/default-config.ts';
import type { SimTerminal, SimWorld } from './world.ts';
import type { CardSession } from '../firmware/card/session.ts';

/**
 * A world's top-up kiosks: each composed like a device on its validator and
 * printer twins, and what a person does at one (tap and leave the card on
 * the reader, insert bills, take it away) and to it (a jam, paper out).
 */
export class SimKiosks {
  constructor(
    private readonly world: Pick<
      SimWorld,
      'terminal' | 'terminals' | 'card' | 'addTerminal' | 'restart' | 'readerKind' | 'chipOf'
    >,
    private readonly log: Logger,
  ) {}

  /** A kiosk terminal (spec.kiosk its config section) on the validator and printer twins, through the real drivers. */
  async add(spec: SimTerminalSpec & { kiosk: Record<string, unknown> }): Promise<KioskApp> {
    const cash = await KioskTwins.open(this.log);
    this.world.addTerminal(spec, cash);
    await cash.cycle(this.app(spec.name), 6); // power-up, reset, bill table: the validator ready and idle
    return this.app(spec.name);
  }

  /**
   * A power cut and boot of a kiosk's runtime (the validator keeps its power): the card that lay on the
   * reader is gone with its customer, the stores and the drivers open again, and the validator is polled.
   */
  async restart(terminalName: string): Promise<KioskApp> {
    this.lift(this.world.terminal(terminalName));
    this.twins(terminalName).reboot();
    this.world.restart(terminalName);
    await this.run(terminalName, 6);
    return this.app(terminalName);
  }

  /** The kiosk app of a kiosk terminal. */
  app(terminalName: string): KioskApp {
    const role = this.world.terminal(terminalName).terminal.role;
    if (role.role !== 'kiosk') throw new Error(`terminal "${terminalName}" is not a kiosk`);
    return role.kiosk;
  }

  /**
   * A card laid on a kiosk's reader: it stays there (a top-up takes many polls) until cardGone. Through
   * the world's reader: the virtual one, or our MFRC522 driver on the chip emulator (`--reader mfrc522`).
   */
  async tap(terminalName: string, cardName: string): Promise<void> {
    const t = this.world.terminal(terminalName);
    const { card } = this.world.card(cardName);
    this.lift(t);
    let session: CardSession | null;
    if (this.world.readerKind === 'mfrc522') {
      const { emulator, driver } = await this.world.chipOf(t);
      emulator.place(card);
      session = await driver.detect();
    } else {
      t.reader.place(card);
      session = t.reader.open();
    }
    if (!session) throw new Error(`the reader of "${terminalName}" did not select the card "${cardName}"`);
    await this.app(terminalName).tap(session);
  }

  async cardGone(terminalName: string): Promise<void> {
    this.lift(this.world.terminal(terminalName));
    await this.app(terminalName).cardGone();
  }

  /** Takes whatever card lies on the terminal's reader (the virtual one, the chip emulator's field) away. */
  private lift(t: SimTerminal): void {
    t.reader.remove();
    for (const card of t.chip?.emulator.field.cards ?? []) t.chip!.emulator.field.remove(card);
  }

  /** Poll cycles of a kiosk's validator, the kiosk acting on each. */
  async run(terminalName: string, cycles: number): Promise<void> {
    await this.twins(terminalName).cycle(this.app(terminalName), cycles);
  }

  /** A bill at a kiosk's slot, through its whole life (credited, or given back); a message when none went in. */
  async bill(terminalName: string, valueCents: number): Promise<string | null> {
    const refused = this.twins(terminalName).insertBill(valueCents);
    if (refused === null) await this.run(terminalName, BILL_CYCLES);
    return refused;
  }

  /** A jam, the cassette out or in, the paper out or in; the kiosk sees it at the next polls. */
  async fault(terminalName: string, fault: KioskFault): Promise<void> {
    this.twins(terminalName).fault(fault);
    await this.run(terminalName, 2);
  }

  /** Closes the twins' serial ports (the world closes the terminals). */
  close(): void {
    for (const t of this.world.terminals.values()) void t.cash?.close();
  }

  twins(terminalName: string): KioskTwins {
    const { cash } = this.world.terminal(terminalName);
    if (!cash) throw new Error(`terminal "${terminalName}" is not a kiosk`);
    return cash;
  }
}
