import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardApp, type CardImage } from '../firmware/card/app.ts';
import type { CardSession } from '../firmware/card/session.ts';
import type { KeyRing } from '../firmware/card/key-ring.ts';
import type { MasterKeys } from '../firmware/card/keys.ts';
import { ManualClock, SteppedClock } from '../firmware/core/clock.ts';
import { silentLogger, type Logger } from '../firmware/core/log.ts';
import { SeededRandom } from '../firmware/core/random.ts';
import type { PosOutput } from '../firmware/pos/pos.ts';
import { deriveSimMasterKeys } from '../firmware/store/keys/keyfile.ts';
import type { Terminal } from '../firmware/terminal/terminal.ts';
import { composedOrThrow, composeTerminal } from '../firmware/terminal/compose.ts';
import { reconcileWorld, type ReconcileReport } from './reconcile.ts';
import { issueSimCard, type SimCardSpec } from './card/issue.ts';
import { VirtualClassicCard } from './card/virtual-classic.ts';
import { VirtualReader } from './card/virtual-reader.ts';
import { Mfrc522Emulator } from './mfrc522/emulator.ts';
import { Mfrc522Reader } from '../drivers/card/mfrc522/reader.ts';
import { simTerminalConfig, type SimTerminalSpec } from './terminal/default-config.ts';
import type { TerminalConfig } from '../firmware/config/schema.ts';
import type { PeripheralHealth } from '../protocol/index.ts';
import { Gpio } from '../drivers/gpio/port.ts';
import { roleTap, type RoleReader, type RoleTapOutcome } from '../firmware/terminal/role-tap.ts';
import type { RoleGpio } from '../firmware/terminal/role-app.ts';
import { SimGpioLines } from './gpio/sim-lines.ts';
import { VirtualScheduler } from './net/virtual-scheduler.ts';
import type { KioskTwins } from './cash/kiosk-twins.ts';
import { SimKiosks } from './sim-kiosks.ts';

/** Faults to inject into one tap. */
export interface TapFaults {
  /** The card leaves after this many bytes of card writes have landed (tearing). */
  tearAfterBytes?: number;
  /** The card leaves before its n-th command of this tap. */
  removeBeforeOp?: number;
}

export interface SimCard {
  spec: SimCardSpec;
  card: VirtualClassicCard;
}

export interface SimTerminal {
  spec: SimTerminalSpec;
  terminal: Terminal;
  /** The terminal's own time: the world's plus spec.clockOffsetMs until the sync client steps it (§6.2). */
  clock: SteppedClock;
  reader: VirtualReader;
  /** With `reader: 'mfrc522'`: the real driver on the register-level emulator, opened at the first tap. */
  chip?: { emulator: Mfrc522Emulator; driver: Mfrc522Reader };
  /** A door's or car park's GPIO twin: relays, contacts and exit buttons, with their timeline. */
  pins?: SimGpioLines;
  /** A kiosk's bill validator and printer twins (SimKiosks.add). */
  cash?: KioskTwins;
}

/** How long an input settles after the world drives it: the door's debounce (ms) is shorter. */
export const DOOR_INPUT_SETTLE_MS = 50;

/**
 * How taps reach the terminal: 'virtual' hands the card application a session
 * on the virtual card directly; 'mfrc522' goes through our MFRC522 driver and
 * the chip emulator, SPI register by register — the code path of a real terminal.
 */
export type SimReaderKind = 'virtual' | 'mfrc522';

/**
 * Simulated terminals and cards on one seeded clock: the place the interactive
 * sim, the scenario runner and the simulation tests share.
 */
export class SimWorld {
  readonly clock: ManualClock;
  /** The world's timers (relay pulses, held-open alarms): `advance` runs them at their virtual instant. */
  readonly scheduler: VirtualScheduler;
  readonly random: SeededRandom;
  readonly masterKeys: MasterKeys;
  readonly cards = new Map<string, SimCard>();
  readonly terminals = new Map<string, SimTerminal>();
  private readonly dataDir: string;
  private readonly ownsDir: boolean;

  readonly readerKind: SimReaderKind;
  /** Whatever lives beside a terminal's stores (a sync client) closes before a restart and reopens after it. */
  readonly restartHooks: {
    before?: (name: string, t: Terminal) => void;
    after?: (name: string, t: Terminal) => void;
  }[] = [];

  constructor(opts: { seed: number; startMs: number; dataDir?: string; log?: Logger; reader?: SimReaderKind }) {
    this.readerKind = opts.reader ?? 'virtual';
    this.clock = new ManualClock(opts.startMs);
    this.scheduler = new VirtualScheduler(this.clock);
    this.random = new SeededRandom(opts.seed);
    this.masterKeys = deriveSimMasterKeys(opts.seed);
    this.ownsDir = opts.dataDir === undefined;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'onecard-sim-'));
    this.log = opts.log ?? silentLogger;
    this.kiosks = new SimKiosks(this, this.log); // the top-up kiosks: added, tapped, fed bills
  }
  private readonly log: Logger;
  readonly kiosks: SimKiosks;

  async addCard(spec: SimCardSpec): Promise<SimCard> {
    if (this.cards.has(spec.name)) throw new Error(`card "${spec.name}" defined twice`);
    const card = await issueSimCard(spec, this.masterKeys, this.clock);
    const sim = { spec, card };
    this.cards.set(spec.name, sim);
    return sim;
  }

  /** A blank card (transport keys, nothing written), for the desk to issue. */
  addBlankCard(name: string, uid: string): SimCard {
    const blank = VirtualClassicCard.blank(Buffer.from(uid, 'hex')).dump();
    return this.restoreCard({ name, uid, number: 0, cardClass: 0 }, blank);
  }

  /** A card as it was left by an earlier run (`onecard sim --data`): these 1024 bytes, not a new issue. */
  restoreCard(spec: SimCardSpec, dump: Uint8Array): SimCard {
    if (this.cards.has(spec.name)) throw new Error(`card "${spec.name}" defined twice`);
    const sim = { spec, card: VirtualClassicCard.fromDump(Buffer.from(spec.uid, 'hex'), dump) };
    this.cards.set(spec.name, sim);
    return sim;
  }

  addTerminal(spec: SimTerminalSpec, cash?: KioskTwins): Terminal {
    if (this.terminals.has(spec.name)) throw new Error(`terminal "${spec.name}" defined twice`);
    const config = simTerminalConfig(spec, join(this.dataDir, spec.name));
    const clock = new SteppedClock(this.clock, spec.clockOffsetMs ?? 0);
    const pins = config.door || config.parking ? this.restingTwin(config) : undefined;
    const twins = { ...(pins ? { pins } : {}), ...(cash ? { cash } : {}) };
    const terminal = this.compose({ spec, clock, ...twins }, config);
    this.terminals.set(spec.name, { spec, terminal, clock, reader: new VirtualReader(), ...twins });
    return terminal;
  }

  /** The terminal composed as a device would be: its GPIO (if any) a fresh driver on its twin. */
  private compose(t: Pick<SimTerminal, 'spec' | 'clock' | 'pins' | 'cash'>, config: TerminalConfig): Terminal {
    return composedOrThrow(
      composeTerminal({
        ...{ config, clock: t.clock, log: this.log, ...this.keysOf(t.spec) },
        ...(t.spec.authorizer ? { authorizer: t.spec.authorizer } : {}),
        ...(t.spec.locked ? { locked: t.spec.locked } : {}),
        ...(t.spec.syncAlarm ? { syncAlarm: t.spec.syncAlarm } : {}),
        ...(t.pins ? { scheduler: this.scheduler, gpio: this.gpioOn(t.pins) } : {}),
        ...(t.cash ? { cash: t.cash.cash } : {}),
      }),
    );
  }

  /**
   * Closes a terminal's stores and opens them again, as a power cycle would.
   * `whileOff` runs with the stores closed (fault injection on the files).
   */
  restart(terminalName: string, whileOff?: (dataDir: string) => void): Terminal {
    const t = this.terminal(terminalName);
    for (const h of this.restartHooks) h.before?.(terminalName, t.terminal);
    t.terminal.close();
    whileOff?.(t.terminal.config.storage.dataDir);
    // A fresh driver on the same twin: the old one still counts its lines as claimed.
    t.terminal = this.compose(t, t.terminal.config);
    for (const h of this.restartHooks) h.after?.(terminalName, t.terminal);
    return t.terminal;
  }

  /** The world's keys, or the terminal's own key versions (a rollover under test). */
  private keysOf(spec: SimTerminalSpec): { masterKeys: MasterKeys; keyRing?: KeyRing } {
    return spec.keyRing
      ? { masterKeys: spec.keyRing.current.keys, keyRing: spec.keyRing }
      : { masterKeys: this.masterKeys };
  }

  /** A role terminal's GPIO twin with its inputs at rest before the terminal claims them: contacts shut, buttons up. */
  private restingTwin(config: TerminalConfig): SimGpioLines {
    const pins = new SimGpioLines(this.clock);
    for (const d of config.door?.doors ?? []) {
      for (const input of [d.contact, d.exitButton]) if (input) pins.drive(input.line, input.activeLevel ? 0 : 1);
    }
    return pins;
  }

  private gpioOn(pins: SimGpioLines): RoleGpio {
    return { port: new Gpio(pins, this.scheduler), scheduler: this.scheduler, signals: null };
  }

  /** A card at a role terminal's reader, handled as `onecard run` does (roleTap); the relay's pulse starts. */
  async roleTap(terminalName: string, cardName: string, reader: RoleReader, faults: TapFaults = {}) {
    const t = this.terminal(terminalName);
    const out: RoleTapOutcome | null = await this.present(t, this.card(cardName).card, faults, (s) =>
      roleTap(t.terminal.role, t.terminal.cards, s, reader),
    );
    if (out === null) throw new Error(`terminal "${terminalName}" has no reader like ${JSON.stringify(reader)}`);
    await this.scheduler.run(0); // the relay's claim and pulse start ride on the event loop
    return out;
  }

  /** The world drives a door terminal's input line (contact, exit button), then lets it settle past the debounce. */
  async driveInput(terminalName: string, line: number, level: 0 | 1): Promise<void> {
    const { pins } = this.terminal(terminalName);
    if (!pins) throw new Error(`terminal "${terminalName}" has no GPIO twin`);
    pins.drive(line, level);
    await this.scheduler.run(DOOR_INPUT_SETTLE_MS);
  }

  terminal(name: string): SimTerminal {
    const t = this.terminals.get(name);
    if (!t) throw new Error(`no terminal "${name}" (have: ${[...this.terminals.keys()].join(', ')})`);
    return t;
  }

  card(name: string): SimCard {
    const c = this.cards.get(name);
    if (!c) throw new Error(`no card "${name}" (have: ${[...this.cards.keys()].join(', ')})`);
    return c;
  }

  key(terminalName: string, key: string): PosOutput {
    return this.terminal(terminalName).terminal.pos.key(key);
  }

  /** The card on a desk terminal's reader: the operation its operator chose runs on it (firmware/desk). */
  async deskTap(terminalName: string, cardName: string, faults: TapFaults = {}): Promise<string[]> {
    const t = this.terminal(terminalName);
    const role = t.terminal.role;
    if (role.role !== 'desk') throw new Error(`terminal "${terminalName}" is not a desk`);
    return this.present(t, this.card(cardName).card, faults, (s) => role.desk.tap(s));
  }

  /** Places the card on the terminal's reader, lets the terminal run its tap, and takes the card away. */
  async tap(terminalName: string, cardName: string, faults: TapFaults = {}): Promise<PosOutput> {
    const t = this.terminal(terminalName);
    return this.present(t, this.card(cardName).card, faults, (s) => t.terminal.pos.tap(s));
  }

  /** The card on the terminal's reader (virtual, or the MFRC522 driver on its emulator) while `use` runs. */
  async present<T>(
    t: SimTerminal,
    card: VirtualClassicCard,
    faults: TapFaults,
    use: (session: CardSession) => Promise<T>,
  ): Promise<T> {
    if (this.readerKind === 'mfrc522') return this.presentThroughChip(t, card, faults, use);
    t.reader.remove();
    t.reader.place(card);
    const session = t.reader.open()!;
    if (faults.tearAfterBytes !== undefined) card.armTear(faults.tearAfterBytes);
    if (faults.removeBeforeOp !== undefined) card.armRemovalBeforeOp(faults.removeBeforeOp);
    try {
      return await use(session);
    } finally {
      card.disarm();
      t.reader.remove();
    }
  }

  private async presentThroughChip<T>(
    t: SimTerminal,
    card: VirtualClassicCard,
    faults: TapFaults,
    use: (session: CardSession) => Promise<T>,
  ): Promise<T> {
    const { emulator, driver } = await this.chipOf(t);
    emulator.place(card);
    try {
      const session = await driver.detect();
      if (!session) throw new Error('the emulated MFRC522 did not detect the card');
      if (faults.tearAfterBytes !== undefined) card.armTear(faults.tearAfterBytes);
      if (faults.removeBeforeOp !== undefined) card.armRemovalBeforeOp(faults.removeBeforeOp);
      return await use(session);
    } finally {
      card.disarm();
      emulator.field.remove(card);
    }
  }

  /** The terminal's MFRC522 twin and our driver on it, opened at the first tap through it. */
  async chipOf(t: SimTerminal): Promise<NonNullable<SimTerminal['chip']>> {
    if (!t.chip) {
      const emulator = new Mfrc522Emulator();
      t.chip = { emulator, driver: await Mfrc522Reader.open(emulator, { log: this.log }) };
    }
    return t.chip;
  }

  /**
   * What the terminal's STATUS reports of its peripherals (PROTOCOL.md §6.3;
   * the SyncClient's `peripherals` hook). A sim terminal has one, its card
   * reader: through the MFRC522 driver it is degraded once the driver has had
   * to recover the chip (hung, or garbling), until the terminal restarts.
   */
  peripheralHealth(terminalName: string): PeripheralHealth[] {
    const chip = this.terminal(terminalName).chip;
    return [{ kind: 'reader', health: chip && chip.driver.counters.recoveries > 0 ? 'degraded' : 'ok' }];
  }

  /** Reads a copy of a card as the issuer would, for expectations and reports: a card on a kiosk stays there. */
  async inspect(cardName: string): Promise<CardImage> {
    const reader = new VirtualReader();
    const { card } = this.card(cardName);
    reader.place(VirtualClassicCard.fromDump(card.uid, card.dump()));
    const r = await new CardApp(this.masterKeys).read(reader.open()!);
    reader.remove();
    if (!r.ok) throw new Error(`card "${cardName}" unreadable: ${r.problem}`);
    return r.card;
  }

  /** The money invariant over every card and every terminal's journal (see reconcile.ts). */
  reconcile(): Promise<ReconcileReport> {
    return reconcileWorld(this);
  }

  close(): void {
    for (const t of this.terminals.values()) t.terminal.close();
    this.kiosks.close();
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
