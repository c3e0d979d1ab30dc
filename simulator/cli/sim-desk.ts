import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../backend/backend.ts';
import type { Logger } from '../../base/log.ts';
import { parseAmount } from '../../base/money.ts';
import { cardDay } from '../../firmware/core/clock.ts';
import { formatCents } from '../../firmware/core/money.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import type { DeskApp } from '../../firmware/desk/desk.ts';
import type { DeskOp } from '../../firmware/desk/desk-ops.ts';
import { CARD_VALID_DAYS, parseDeskCommand } from '../../firmware/desk/commands.ts';
import { deskRange } from '../../firmware/desk/numbering.ts';
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
const STAFF_CLASS = 1;
const DESK_ID = 100;
/** Virtual time a command may take to reach the backend and back: far beyond a few round trips. */
const SYNC_WAIT_MS = 30_000;

export const DESK_DEMO_SCRIPT = [
  'issue Wang Fang 500.00',
  'deposit 100.00',
  'sell pos1 12.50',
  'sell pos2 8.00',
  'read',
  'lost',
  'sell pos1 5.00',
  'replace',
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
  private blanks = 0;

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

  private desk(): DeskApp {
    const role = this.world.terminal('desk').terminal.role;
    if (role.role !== 'desk') throw new Error('bug: the desk terminal has no desk role');
    return role.desk;
  }

  /** The operation, then the held card on the desk reader; then the sync runs until all agree. */
  private async atDesk(op: DeskOp, card: string): Promise<string[]> {
    const asked = this.desk().request(op);
    if (asked.some((l) => l.startsWith('refused'))) return asked;
    const out = [...asked, ...(await this.world.deskTap('desk', card))];
    await this.inStep();
    return out;
  }

  private newBlank(): string {
    this.blanks++;
    const name = `blank${this.blanks}`;
    this.world.addBlankCard(name, `04de${this.blanks.toString(16).padStart(4, '0')}`);
    return name;
  }

  async exec(line: string): Promise<string[] | null> {
    const [verb, ...args] = line.trim().split(/\s+/);
    // The simulator's own commands (other terminals, the backend's view); the desk's go through the shared parser.
    switch (verb) {
      case 'sell':
        return this.sell(args[0], args[1]);
      case 'sync':
        return this.sync(args[0]);
      case 'backend':
        return this.withHeld(async (h) => this.backendView(h));
      case 'cards':
        return this.issued.map((c) => `card ${c.number}: ${c.holder}${c === this.held ? ' (in hand)' : ''}`);
    }
    const parsed = parseDeskCommand(line);
    if (!parsed.ok) return [parsed.message];
    const c = parsed.command;
    switch (c.kind) {
      case 'empty':
        return [];
      case 'quit':
        return null;
      case 'help':
        return HELP;
      case 'abandon':
        return this.desk().abandon();
      case 'issue':
        return this.issue(c.holder, c.cardClass ?? STAFF_CLASS, c.depositCents, null);
      case 'deposit':
        return this.withHeld((h) => this.atDesk({ kind: 'deposit', amountCents: c.amountCents }, h.name));
      case 'read':
        return this.withHeld((h) => this.atDesk({ kind: 'read' }, h.name));
      case 'lost':
      case 'found':
        return this.withCard(c.cardNumber, async (h) => {
          if (c.kind === 'lost') this.backend.cardLost(h.number);
          else this.backend.cardFound(h.number);
          await this.inStep();
          const pos2 = this.syncs.has('pos2') ? '' : ' (pos2 is offline: it learns at its next sync)';
          const what = c.kind === 'lost' ? 'reported lost (挂失)' : 'found again (解挂)';
          return [`card ${h.number} ${what}: every online terminal holds it${pos2}`];
        });
      case 'replace':
        return this.withCard(c.old, (h) => this.replace(h, c.holder ?? h.holder));
      case 'cancel':
        return this.withHeld((h) => this.atDesk({ kind: 'cancel' }, h.name));
      case 'pin':
        return ['pin: at a desk console (onecard desk), where the PIN is typed and not shown'];
    }
  }

  /** The card named by its number (one issued here), or the card in hand when none is named. */
  private async withCard(cardNumber: number | null, run: (h: HeldCard) => Promise<string[]>): Promise<string[]> {
    if (cardNumber === null) return this.withHeld(run);
    const card = this.issued.find((c) => c.number === cardNumber);
    return card ? run(card) : [`card ${cardNumber} was not issued here (cards lists them)`];
  }

  private async withHeld(run: (h: HeldCard) => Promise<string[]>): Promise<string[]> {
    return this.held ? run(this.held) : ['no card in hand: issue NAME first'];
  }

  private async issue(
    holder: string,
    cardClass: number,
    depositCents: number,
    replaces: HeldCard | null,
  ): Promise<string[]> {
    // The desk's own range, as on a device (firmware/desk/numbering.ts); the sim's desk is terminal 100.
    const range = deskRange(DESK_ID);
    if (!range.ok) throw new Error(`bug: ${range.message}`);
    const number = range.range.first + this.issued.length;
    const today = cardDay(this.world.clock.nowMs(), 480);
    const name = this.newBlank();
    const spec = {
      ...{ holder, cardNumber: number, cardClass, expiryDay: today + CARD_VALID_DAYS, pin: null },
      ...{ depositCents, replaces: replaces?.number ?? null },
    };
    const out = await this.atDesk({ kind: 'issue', spec }, name);
    if (this.desk().state.mode !== 'idle' || !out.some((l) => l.startsWith('issued'))) return out;
    this.held = { name, number, holder };
    this.issued.push(this.held);
    return out;
  }

  /** 补卡: report lost if not yet, issue a new card replacing it, then load what the backend carried over. */
  private async replace(old: HeldCard, holder: string): Promise<string[]> {
    const out: string[] = [];
    if (!this.backend.lists.isBlacklisted(old.number)) {
      this.backend.cardLost(old.number);
      out.push(`card ${old.number} reported lost first`);
    }
    out.push(...(await this.issue(holder, STAFF_CLASS, 0, old)));
    if (this.held === old) return out;
    const carried = this.backend.replacements.of(old.number);
    if (carried)
      out.push(`backend: card ${old.number} proven at ${formatCents(carried.carriedCents)}, owed to the new card`);
    out.push(...(await this.atDesk({ kind: 'read' }, (this.held as HeldCard).name)));
    return out;
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

const HELP = [
  'issue NAME [CLASS] [DEPOSIT]  开户: a blank card issued to NAME at the desk (class 1 unless named),',
  '                       with an opening cash deposit (written with its point: 500.00)',
  'deposit AMOUNT         充值: cash on the card in hand',
  'read                   the card in hand, as the desk reads it (pending credits land first)',
  'sell pos1|pos2 AMOUNT  the holder pays at a canteen POS (pos2 is offline until "sync pos2")',
  'lost | found [CARD]    挂失 / 解挂 at the backend: the number reaches every online terminal',
  'replace [OLD] [NAME]   补卡: a new card replacing the one in hand (or OLD), carrying what the backend can prove',
  'abandon                drop the operation waiting for its card',
  'sync pos2              bring the offline POS online: its sales reach the backend (and a replacement)',
  'refund | cancel        退卡: pay the balance out in cash, wipe the card, the number is blacklisted',
  'backend                what the backend holds of the card in hand; cards: every card issued',
];
