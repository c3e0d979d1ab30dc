import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../backend/backend.ts';
import type { Logger } from '../../base/log.ts';
import { parseAmount } from '../../base/money.ts';
import { cardDay } from '../../firmware/core/clock.ts';
import { formatCents } from '../../firmware/core/money.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import { runAdmin } from '../../backend/admin.ts';
import type { CardReader } from '../../drivers/card/index.ts';
import { KIND } from '../../firmware/card-tx/records.ts';
import { parseDeskCommand } from '../../firmware/desk/commands.ts';
import { DeskConsole } from '../../firmware/desk/desk-console.ts';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { deskRange } from '../../protocol/desk-range.ts';
import { SessionAuthorizer, syncTerminal, type TerminalSync } from '../../firmware/sync/index.ts';
import { virtualLinkPair } from '../net/virtual-link.ts';
import { VirtualScheduler } from '../net/virtual-scheduler.ts';
import { SimWorld } from '../world.ts';

/**
 * `onecard sim --role desk`: the card office. A desk terminal and two canteen
 * POS terminals, with the reference backend in-process: each terminal syncs
 * with it through the real sync client and the backend's sessions over a
 * virtual link, in virtual time (deterministic from the seed). pos1 is online;
 * pos2 stays offline until `sync pos2`, so a replaced card's late sale can be
 * watched landing on the replacement (docs/cards.md).
 */
const START = '2026-12-07T09:00:00+08:00';
const DESK_ID = 100;
/** Virtual time a command may take to reach the backend and back: far beyond a few round trips. */
const SYNC_WAIT_MS = 30_000;

export const DESK_DEMO_SCRIPT = [
  'issue Wang Fang 500.00',
  'deposit 100.00',
  'sell pos1 12.50',
  'sell pos2 8.00',
  'read',
  'lost 10000001',
  'sell pos1 5.00',
  'replace 10000001 Wang Fang',
  'read',
  'sync pos2',
  'read',
  'backend',
  'refund',
  'cards',
];

interface HeldCard {
  name: string;
  number: number;
  holder: string;
}

export class DeskSim {
  private readonly dir = mkdtempSync(join(tmpdir(), 'onecard-sim-desk-'));
  private readonly world: SimWorld;
  private readonly sched: VirtualScheduler;
  private readonly backend: Backend;
  private readonly syncs = new Map<string, TerminalSync>();
  /** Each terminal's online authorizer, made with it; pos2's sync starts later with its own. */
  private readonly authorizers = new Map<string, SessionAuthorizer>();
  private readonly issued: HeldCard[] = [];
  /** The card the holder has in hand: the last one issued. */
  private held: HeldCard | null = null;
  /** The card lying on the desk reader while a line runs. */
  private onReader: string | null = null;
  private blanks = 0;
  private readonly console: DeskConsole;

  private constructor(
    seed: number,
    private readonly log: Logger,
  ) {
    this.world = new SimWorld({ seed, startMs: Date.parse(START), dataDir: join(this.dir, 'terminals'), log });
    this.sched = new VirtualScheduler(this.world.clock);
    const random = new SeededRandom(seed ^ 0xdec5);
    this.backend = Backend.open({
      dbPath: join(this.dir, 'backend.db'),
      clock: this.world.clock,
      scheduler: this.sched,
      log: log.child({ side: 'backend' }),
      randomBytes: (n) => random.bytes(n),
      masterKey: random.bytes(32),
    });
    const terminals = [
      ['desk', DESK_ID, true],
      ['pos1', 101, false],
      ['pos2', 102, false],
    ] as const;
    for (const [name, id, desk] of terminals) {
      const authorizer = new SessionAuthorizer(this.world.clock, this.sched, log);
      this.authorizers.set(name, authorizer);
      this.world.addTerminal({ name, id, authorizer, ...(desk ? { desk } : {}) });
      if (name !== 'pos2') this.connect(name);
    }
    this.console = this.deskConsole();
  }

  /** The desk's console, as on a device: its reader holds the card in hand, its admin is the backend's. */
  private deskConsole(): DeskConsole {
    const t = this.world.terminal('desk');
    if (t.terminal.role.role !== 'desk') throw new Error('bug: the desk terminal has no desk role');
    const range = deskRange(DESK_ID);
    if (!range.ok) throw new Error(`bug: ${range.message}`);
    let next = range.range.first;
    const reader: CardReader = {
      detect: async () => {
        t.reader.remove();
        if (this.onReader === null) return null;
        t.reader.place(this.world.card(this.onReader).card);
        return t.reader.open();
      },
      close: async () => t.reader.remove(),
    };
    return new DeskConsole({
      ...{ desk: t.terminal.role.desk, reader, field: null, config: t.terminal.config, scheduler: this.sched },
      today: () => cardDay(this.world.clock.nowMs(), t.terminal.config.terminal.utcOffsetMinutes),
      cardNumbers: { next: () => (next > range.range.last ? null : next), used: (n) => (next = n + 1) },
      listed: (n) => t.terminal.blacklist.has(n),
      admin: async (args) => runAdmin(this.backend, args).lines,
      // No wait: the card in hand is on the reader at once, or there is none.
      cardWaitMs: 0,
      noCard: NO_CARD,
    });
  }

  static async open(seed: number, log: Logger): Promise<DeskSim> {
    const sim = new DeskSim(seed, log);
    await sim.inStep();
    return sim;
  }

  private connect(name: string): void {
    const t = this.world.terminal(name);
    const authorizer = this.authorizers.get(name) as SessionAuthorizer;
    const log = this.log;
    const s = syncTerminal(t.terminal, {
      ...{ key: this.backend.keyFor(t.terminal.config.terminal.id, 1) as Uint8Array, clock: this.world.clock },
      ...{ terminalClock: t.clock, scheduler: this.sched, random: new SeededRandom(t.terminal.config.terminal.id) },
      ...{ log: log.child({ side: name }), authorizer },
      dial: () => {
        const pair = virtualLinkPair(this.sched);
        this.backend.accept(pair.server);
        return Promise.resolve(pair.client);
      },
    });
    s.client.start();
    this.syncs.set(name, s);
  }

  /** Runs virtual time until every connected terminal and the backend agree: journals up, lists down. */
  private async inStep(): Promise<boolean> {
    const done = () =>
      [...this.syncs].every(([name, s]) => {
        const t = this.world.terminal(name).terminal;
        return (
          s.client.connected &&
          this.backend.journal.highWater(t.config.terminal.id) >= t.journal.lastSeq() &&
          s.state.listVersion('credits') === this.backend.lists.version('credits') &&
          t.blacklist.version() === this.backend.lists.version('blacklist')
        );
      });
    return this.sched.runUntil(done, SYNC_WAIT_MS);
  }

  /** Which card lies on the desk reader for this line: a new blank for an issue, else the card in hand. */
  private cardFor(line: string): string | null {
    const parsed = this.console.wantsSecret ? null : parseDeskCommand(line);
    const issues = parsed?.ok && (parsed.command.kind === 'issue' || parsed.command.kind === 'replace');
    return issues ? this.newBlank() : (this.held?.name ?? null);
  }

  private newBlank(): string {
    this.blanks++;
    const name = `blank${this.blanks}`;
    this.world.addBlankCard(name, `04de${this.blanks.toString(16).padStart(4, '0')}`);
    return name;
  }

  async exec(line: string): Promise<string[] | null> {
    const [verb, ...args] = line.trim().split(/\s+/);
    // The simulator's own commands (other terminals, the backend's view); the desk's are the console's.
    if (!this.console.wantsSecret)
      switch (verb) {
        case 'sell':
          return this.sell(args[0], args[1]);
        case 'sync':
          return this.sync(args[0]);
        case 'backend':
          return this.withHeld(async (h) => this.backendView(h));
        case 'cards':
          return this.issued.map((c) => `card ${c.number}: ${c.holder}${c === this.held ? ' (in hand)' : ''}`);
        case 'help':
          return [...((await this.console.exec(line)) ?? []), ...SIM_HELP];
      }
    this.onReader = this.cardFor(line);
    const from = this.deskJournal().lastSeq();
    const out = await this.console.exec(line);
    await this.inStep();
    this.noteIssued(from);
    return out;
  }

  private deskJournal() {
    return this.world.terminal('desk').terminal.journal;
  }

  /** A card issued since `afterSeq` (its card.issued journaled) is the one in hand from now on. */
  private noteIssued(afterSeq: number): void {
    for (const r of this.deskJournal().after(afterSeq, 100)) {
      const issue = r.kind === KIND.issued && r.ref !== null ? this.deskJournal().get(r.ref) : undefined;
      if (!issue || !isRecordOf(issue, KIND.deskIssue) || this.onReader === null) continue;
      const held = { name: this.onReader, number: issue.body.cardNumber, holder: issue.body.holder };
      this.held = held;
      this.issued.push(held);
    }
  }

  private async withHeld(run: (h: HeldCard) => Promise<string[]>): Promise<string[]> {
    return this.held ? run(this.held) : [NO_CARD];
  }

  private async sell(terminal: string | undefined, amount: string | undefined): Promise<string[]> {
    if (terminal !== 'pos1' && terminal !== 'pos2') return ['sell pos1|pos2 AMOUNT'];
    if (amount === undefined || parseAmount(amount) === null) return ['sell pos1|pos2 AMOUNT: an amount like 12.50'];
    return this.withHeld(async (h) => {
      for (const k of [...amount, 'confirm']) this.world.key(terminal, k);
      const o = await this.world.tap(terminal, h.name);
      await this.inStep();
      const offline = this.syncs.has(terminal) ? '' : ' (offline)';
      return [`${terminal}${offline}: ${o.screen.customer.en} — ${o.screen.customer.zh}`];
    });
  }

  private async sync(terminal: string | undefined): Promise<string[]> {
    if (terminal !== 'pos2') return ['sync pos2: bring the offline POS online (pos1 and the desk are online)'];
    if (this.syncs.has('pos2')) return ['pos2 is online already'];
    this.connect('pos2');
    const ok = await this.inStep();
    return [ok ? 'pos2 synced: its journal is at the backend, the lists at pos2' : 'pos2 did not reach the backend'];
  }

  private backendView(h: HeldCard): string[] {
    const report = this.backend.cardReport(h.number);
    const purse = report.purse ? formatCents(report.purse.balance + report.purse.subsidy) : 'nothing landed yet';
    const lines = [
      `backend: card ${h.number} ledger ${purse} at counter ${report.counter}, open writes ${report.open}`,
    ];
    for (const c of this.issued) {
      const r = this.backend.replacements.of(c.number);
      if (r)
        lines.push(
          `  ${r.oldCard} → ${r.newCard}: carried ${formatCents(r.carriedCents)}, corrected ${formatCents(r.correctedCents)} since`,
        );
    }
    lines.push(
      `  blacklist: ${
        this.issued
          .filter((c) => this.backend.lists.isBlacklisted(c.number))
          .map((c) => c.number)
          .join(', ') || 'none'
      }`,
    );
    return lines;
  }

  close(): void {
    for (const s of this.syncs.values()) s.close();
    this.backend.stop();
    this.world.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const NO_CARD = 'no card in hand: issue NAME first';

/** The simulator's own commands, after the desk's (DESK_HELP). */
const SIM_HELP = [
  'sell pos1|pos2 AMOUNT  the holder pays at a canteen POS with the card in hand (pos2 is offline until "sync pos2")',
  'sync pos2              bring the offline POS online: its sales reach the backend (and a replacement)',
  'backend                what the backend holds of the card in hand; cards: every card issued',
  'in the simulator the card in hand lies on the desk reader; an issue or replace takes a new blank',
];
