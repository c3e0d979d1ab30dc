import type { TerminalConfig } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { Journal } from '../store/journal/journal.ts';
import { KIND } from '../card-tx/records.ts';
import { screens, type Screen } from './screen.ts';

export interface Operator {
  cardNumber: number;
  name: string;
  /** Shift id: terminal id and the journal seq of the sign-in, unique for ever. */
  shift: string;
  signInSeq: number;
}

/**
 * Operator sign-in with an operator-class card. The shift lives in the journal
 * (sign-in, sign-out referencing it), so a restart resumes the open shift.
 */
export class OperatorDesk {
  private op: Operator | null;

  constructor(
    private readonly journal: Journal,
    private readonly config: TerminalConfig,
    private readonly clock: Clock,
  ) {
    const open = journal.open(KIND.signIn, [KIND.signOut]).at(-1);
    this.op = open ? open.body : null;
  }

  get current(): Operator | null {
    return this.op;
  }

  /** The operator's tap: signs in, signs out, or hands over to another operator. */
  toggle(cardNumber: number): Screen {
    const previous = this.op;
    if (previous) {
      const totals = this.journal.totals('sales-shift', previous.shift);
      this.journal.append(
        KIND.signOut,
        {
          cardNumber: previous.cardNumber,
          shift: previous.shift,
          count: totals.count,
          amountCents: totals.amountCents,
        },
        { card: previous.cardNumber, ref: previous.signInSeq },
      );
      this.op = null;
      if (previous.cardNumber === cardNumber) return screens.signedOut(previous.name, totals.count, totals.amountCents);
    }
    const seq = this.journal.lastSeq() + 1;
    const op: Operator = {
      cardNumber,
      name: `#${cardNumber}`,
      shift: `${this.config.terminal.id}-${seq}`,
      signInSeq: seq,
    };
    const rec = this.journal.append(KIND.signIn, { ...op, atMs: this.clock.nowMs() }, { card: cardNumber });
    // Pair assertion: the shift id names the record that opened it.
    if (rec.seq !== seq) throw new Error(`bug: sign-in got seq ${rec.seq}, expected ${seq}`);
    this.op = op;
    return screens.signedIn(op.name);
  }
}
