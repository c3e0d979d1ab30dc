import type { PanelSize, StatusFacts } from '../../drivers/display/index.ts';
import { clockStatus } from '../../drivers/display/status.ts';
import { formatCents, parseAmountText } from '../../firmware/core/money.ts';
import type { PosOutput } from '../../firmware/pos/pos.ts';
import { durationMs, NAMED_KEYS, splitKeys } from '../scenario/schema.ts';
import type { SimWorld } from '../world.ts';
import { besidePanel } from './panel-view.ts';

/**
 * The command language of `onecard sim`: what a person types to drive a
 * simulated terminal. One line in, lines of output back; no I/O here, so the
 * interactive prompt, the built-in demo and the tests share it.
 */
export const HELP = [
  'commands:',
  '  12.50                 type an amount and confirm it (free entry)',
  '  keys 12*2+1 confirm   press keys (digits . + * and confirm cancel back undo totals topup)',
  '  tap <card>            tap a card; add "tear <n>" to pull it after n bytes of writes, "remove <n>" before its n-th command',
  '  pin 1234              the card holder types a PIN and confirms',
  '  undo | totals | cancel | topup 20.00',
  '  cards                 list the cards and what they hold',
  '  journal [n]           the last n journal records (default 8)',
  '  advance 5m            move the simulated clock (ms s m h d)',
  '  restart               power-cycle the terminal (journal recovery runs)',
  '  reconcile             check the money invariant over cards and journal',
  '  help | quit',
];

export class SimShell {
  /** Journal records up to here were there before this shell (a terminal kept with --data): not news. */
  private shownSeq: number;
  constructor(
    private readonly world: SimWorld,
    private readonly terminalName: string,
    /** The cashier's panel drawn beside the text (`--panel`); null: the text alone. */
    private readonly panel: PanelSize | null = null,
    private readonly online: () => boolean = () => false,
  ) {
    this.shownSeq = this.terminal.journal.lastSeq();
  }

  private get terminal() {
    return this.world.terminal(this.terminalName).terminal;
  }

  private render(out: PosOutput | null): string[] {
    if (!out) return [];
    const text = [
      `  cashier : ${out.screen.cashier.zh}  |  ${out.screen.cashier.en}`,
      `  customer: ${out.screen.customer.zh}  |  ${out.screen.customer.en}`,
    ];
    if (out.beeps.length) text.push(`  beep    : ${out.beeps.join(' ')}`);
    const lines = this.panel ? besidePanel(out.screen, this.status(), this.panel, text) : text;
    for (const r of out.receipts) lines.push('  receipt :', ...r.lines.map((l) => `    ${l}`));
    return [...lines, ...this.newJournal()];
  }

  /** The panel's status line: the terminal's own clock; online when a sync link says so. */
  private status(): StatusFacts {
    const t = this.world.terminal(this.terminalName);
    return clockStatus(() => t.clock.nowMs(), this.terminal.config.terminal.utcOffsetMinutes, this.online)();
  }

  private newJournal(): string[] {
    const recs = this.terminal.journal.after(this.shownSeq, 50);
    if (recs.length) this.shownSeq = recs[recs.length - 1].seq;
    return recs.map((r) => `  journal : #${r.seq} ${r.kind}${r.ref !== null ? ` ->#${r.ref}` : ''} ${summary(r.body)}`);
  }

  /**
   * Presses the keys in order and stops at the first the POS refuses (an error
   * beep): pressing on would turn a refused line into another one — `topup 500`
   * with no operator into a 500.00 sale, `12*2+1` in free entry into 1221.00.
   */
  private keys(keys: string[]): string[] {
    let out: PosOutput | null = null;
    for (const [i, k] of keys.entries()) {
      out = this.terminal.pos.key(k);
      if (!out.beeps.includes('error')) continue;
      const rest = keys.slice(i + 1);
      const note = `  refused : key "${k}"${rest.length ? `; not pressed: ${rest.join(' ')}` : ''}`;
      return [...this.render(out), note];
    }
    return this.render(out);
  }

  /** Runs one command line; returns the lines to print, or null to quit. */
  async exec(line: string): Promise<string[] | null> {
    const [cmd, ...args] = line.trim().split(/\s+/);
    if (!cmd) return [];
    // A line that starts like a number is an amount, read by the one amount rule: a slip gets its reason.
    if (/^[-.]?\d/.test(cmd)) {
      const amount = parseAmountText(cmd);
      return amount.ok ? this.keys([...splitKeys(cmd), 'confirm']) : [`  ${amount.reason}`];
    }
    switch (cmd) {
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return HELP;
      case 'keys':
        return this.keys(splitKeys(args.join(' ')));
      case 'pin':
        return this.keys([...(args[0] ?? '')].concat('confirm'));
      case 'topup':
        return this.keys(['topup', ...splitKeys(args[0] ?? ''), 'confirm']);
      case 'tap':
        return this.tap(args);
      case 'cards':
        return this.cards();
      case 'journal':
        return this.terminal.journal
          .after(Math.max(0, this.terminal.journal.lastSeq() - Number(args[0] ?? 8)), 100)
          .map((r) => `  #${r.seq} ${r.kind}${r.ref !== null ? ` ->#${r.ref}` : ''} ${summary(r.body)}`);
      case 'advance':
        if (!/^\d+(ms|s|m|h|d)$/.test(args[0] ?? '')) return ['  advance takes a duration like 30s, 5m, 2h'];
        this.world.clock.advance(durationMs(args[0]));
        return [`  clock: ${new Date(this.world.clock.nowMs()).toISOString()}`];
      case 'restart':
        this.world.restart(this.terminalName);
        return ['  terminal restarted', ...this.newJournal()];
      case 'reconcile': {
        const r = await this.world.reconcile();
        return r.ok ? [`  money reconciles: ${r.landed} landed writes`] : r.problems.map((p) => `  PROBLEM ${p}`);
      }
      default:
        if (NAMED_KEYS.has(cmd)) return this.keys([cmd]);
        return [`  unknown command "${cmd}" — type help`];
    }
  }

  private async tap(args: string[]): Promise<string[]> {
    const name = args[0];
    if (!name || !this.world.cards.has(name)) return [`  tap which card? (${[...this.world.cards.keys()].join(', ')})`];
    const faults: { tearAfterBytes?: number; removeBeforeOp?: number } = {};
    for (let i = 1; i + 1 < args.length; i += 2) {
      const n = Number(args[i + 1]);
      if (!Number.isInteger(n) || n < 0) return [`  "${args[i]}" needs a whole number`];
      if (args[i] === 'tear') faults.tearAfterBytes = n;
      else if (args[i] === 'remove') faults.removeBeforeOp = n;
      else return [`  unknown tap option "${args[i]}" (tear <bytes>, remove <command>)`];
    }
    return this.render(await this.world.tap(this.terminalName, name, faults));
  }

  private async cards(): Promise<string[]> {
    const lines: string[] = [];
    for (const [name, c] of this.world.cards) {
      const img = await this.world.inspect(name);
      const unit = img.identity.flags.countPurse
        ? `${img.purse.balance} uses`
        : `balance ${formatCents(img.purse.balance)} subsidy ${formatCents(img.purse.subsidy)}`;
      lines.push(
        `  ${name.padEnd(8)} no. ${c.spec.number} class ${c.spec.cardClass}  ${unit}  counter ${img.purse.counter}`,
      );
    }
    return lines;
  }
}

function summary(body: Record<string, unknown>): string {
  const keep = [
    'tx',
    'cardNumber',
    'chargedAmount',
    'counterBefore',
    'counterAfter',
    'outcome',
    'reason',
    'problem',
    'shift',
  ];
  return keep
    .filter((k) => body[k] !== undefined)
    .map((k) => `${k}=${body[k]}`)
    .join(' ');
}
