import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../base/log.ts';
import { Gpio } from '../../drivers/gpio/port.ts';
import { CardApp, type CardImage } from '../../firmware/card/app.ts';
import type { CardSession } from '../../firmware/card/session.ts';
import { parseConfig } from '../../firmware/config/schema.ts';
import { ManualClock } from '../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { composedOrThrow, composeTerminal } from '../../firmware/terminal/compose.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';
import { durationMs } from '../scenario/schema.ts';
import { issueSimCard, type SimCardSpec } from '../card/issue.ts';
import { VirtualReader } from '../card/virtual-reader.ts';
import type { VirtualClassicCard } from '../card/virtual-classic.ts';
import { SimGpioLines } from '../gpio/sim-lines.ts';
import { VirtualScheduler } from '../net/virtual-scheduler.ts';
import { simTerminalConfig } from '../terminal/default-config.ts';

/**
 * What `onecard sim --role door|attendance|parking` share: one terminal of the
 * role composed from its config like a device (composeTerminal), its GPIO on
 * the twin through the real driver, virtual time, and cards issued with the
 * world's keys that a tap places on a virtual reader, so the terminal reads
 * and MAC-checks them through the card application as `onecard run` does.
 */
export interface RoleSimCard extends Omit<SimCardSpec, 'name'> {
  /** On the terminal's blacklist from the start. */
  lost?: true;
  /** Issued with another site's keys: it does not authenticate, so the terminal never sees a number. */
  foreign?: true;
}

export interface RoleSimSpec {
  name: string;
  id: number;
  start: string;
  roles: [string];
  /** The role's config section(s), e.g. `{ door: {...} }`: validated exactly like a terminal's config file. */
  sections: Record<string, unknown>;
  cards: Record<string, RoleSimCard>;
}

/** The longest `wait`: a day of virtual time per command keeps a typo from spinning through a year of timers. */
export const WAIT_MS_MAX = 3_600_000 * 24;

/** A shell's `wait` argument: 4000 (ms) or 30s, 5m, 3h, at most a day; else the message saying so. */
export function waitMs(arg: string | undefined): number | string {
  const ms = /^\d+$/.test(arg ?? '') ? Number(arg) : /^\d+(ms|s|m|h|d)$/.test(arg ?? '') ? durationMs(arg!) : NaN;
  if (!Number.isSafeInteger(ms) || ms > WAIT_MS_MAX) return 'wait: a duration like 4000 (ms), 30s, 5m, 3h; at most 1d';
  return ms;
}

export class RoleSim {
  private readonly dir = mkdtempSync(join(tmpdir(), 'onecard-sim-role-'));
  readonly clock: ManualClock;
  readonly scheduler: VirtualScheduler;
  readonly pins: SimGpioLines;
  readonly terminal: Terminal;
  readonly startMs: number;
  private readonly cards = new Map<string, VirtualClassicCard>();
  private readonly reader = new VirtualReader();
  readonly cardApp: CardApp;

  static async open(spec: RoleSimSpec, seed: number, log: Logger): Promise<RoleSim> {
    const sim = new RoleSim(spec, seed, log);
    for (const [name, c] of Object.entries(spec.cards)) {
      const keys = deriveSimMasterKeys(c.foreign ? seed + 1 : seed);
      sim.cards.set(name, await issueSimCard({ name, ...c }, keys, sim.clock));
    }
    return sim;
  }

  private constructor(
    readonly spec: RoleSimSpec,
    seed: number,
    log: Logger,
  ) {
    this.startMs = Date.parse(spec.start);
    this.clock = new ManualClock(this.startMs);
    this.scheduler = new VirtualScheduler(this.clock);
    this.pins = new SimGpioLines(this.clock);
    this.cardApp = new CardApp(deriveSimMasterKeys(seed));
    const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: spec.name, id: spec.id }, this.dir)));
    const config = parseConfig({ ...base, terminal: { ...base.terminal, roles: spec.roles }, ...spec.sections });
    this.terminal = composedOrThrow(
      composeTerminal({
        config,
        masterKeys: deriveSimMasterKeys(seed),
        clock: this.clock,
        log,
        scheduler: this.scheduler,
        gpio: { port: new Gpio(this.pins, this.scheduler), scheduler: this.scheduler, signals: null },
      }),
    );
    const lost = Object.values(spec.cards).flatMap((c) => (c.lost ? [c.number] : []));
    this.terminal.blacklist.applyDelta(0, 1, lost, []);
  }

  get cardNames(): string[] {
    return [...this.cards.keys()];
  }

  noCard(name: string | undefined): string {
    return `no card "${name ?? ''}" (${this.cardNames.join(', ')})`;
  }

  /**
   * The card at the reader for one tap: `use` gets the session, then the card
   * is taken away. `tearAfterBytes`: the card leaves after that many bytes of
   * card writes landed. null when there is no such card.
   */
  async present<T>(
    name: string | undefined,
    use: (session: CardSession | null) => Promise<T>,
    tearAfterBytes?: number,
  ): Promise<T | null> {
    const card = name === undefined ? undefined : this.cards.get(name);
    if (!card) return null;
    this.reader.place(card);
    const session = this.reader.open();
    if (tearAfterBytes !== undefined) card.armTear(tearAfterBytes);
    try {
      return await use(session);
    } finally {
      card.disarm();
      this.reader.remove();
    }
  }

  /** The card as the terminal's keys read it (its purse after a fee), or the reason it does not read. */
  async inspect(name: string): Promise<CardImage | string> {
    const r = await this.present(name, async (s) => (s ? this.cardApp.read(s) : null));
    if (r === null) return this.noCard(name);
    return r.ok ? r.card : r.problem;
  }

  /** `wait 4000` (ms) or `wait 3h`: runs virtual time, every timer firing at its instant. A message when malformed. */
  async wait(arg: string | undefined): Promise<string | null> {
    const ms = waitMs(arg);
    if (typeof ms === 'string') return ms;
    await this.scheduler.run(ms);
    return null;
  }

  /** The simulated local time (the terminal's UTC offset), for the lines a person reads. */
  localTime(): string {
    const offsetMs = this.terminal.config.terminal.utcOffsetMinutes * 60_000;
    return new Date(this.clock.nowMs() + offsetMs).toISOString().slice(0, 16).replace('T', ' ');
  }

  close(): void {
    this.terminal.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
