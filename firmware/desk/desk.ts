import type { CardSession } from '../card/session.ts';
import { wipeCard } from '../card/wipe.ts';
import { hex, KIND } from '../card-tx/records.ts';
import { cardDayToIso } from '../core/clock.ts';
import { formatCents } from '../core/money.ts';
import { decide } from '../policy/policy.ts';
import { isRecordOf } from '../store/journal/journal.ts';
import { DeskCards, purseLine, type DeskDeps } from './desk-card.ts';
import { next, type DeskEvent, type DeskResult, type DeskState, type DeskStep, type Resume } from './desk-machine.ts';
import { decidePayout, issuedPurse, opProblem, type DeskOp, type IssueSpec } from './desk-ops.ts';
import { writePin } from './pin-write.ts';

export type { DeskDeps } from './desk-card.ts';

/** A cut write whose card moved on elsewhere: the backend settles it from every terminal's journal. */
const UNKNOWN_OUTCOME =
  'the earlier write cannot be told from this card (it was used elsewhere since): take no cash; the backend settles it';

/**
 * The card office (issuer role): the pure machine (desk-machine.ts) decides,
 * this performs at the edge — the card reads and writes, and the journal, whose
 * records sync to the backend like a sale's. Money moves only through the card
 * transaction path (intent → two-slot write → commit), so the backend's ledger
 * sees every cent: an issue writes an empty purse, the opening deposit is a
 * top-up after it, a cancellation's payout is a write taking the whole purse.
 */
export class DeskApp {
  private st: DeskState = { mode: 'idle' };
  private shown: string[] = [];

  private readonly cards: DeskCards;

  constructor(private readonly d: DeskDeps) {
    this.cards = new DeskCards(d);
  }

  get state(): DeskState {
    return this.st;
  }

  /** The operator asks for an operation; a bad one is refused with the reason and changes nothing. */
  request(op: DeskOp): string[] {
    const problem = opProblem(op, this.d.rules, this.cards.today(), this.d.blacklisted);
    if (problem) return [`refused: ${problem}`];
    return this.run({ kind: 'request', op });
  }

  abandon(): string[] {
    return this.run({ kind: 'abandon' });
  }

  /** A card on the desk reader: the operation asked for runs on it (a read when none was). */
  async tap(session: CardSession): Promise<string[]> {
    this.shown = [];
    const step = next(this.st, { kind: 'card', uid: hex(session.uid) });
    this.move(step);
    for (const e of step.effects) {
      if (e.kind !== 'perform') continue;
      const result = await this.perform(e.op, e.resume, session);
      this.move(next(this.st, { kind: 'result', result }));
    }
    return this.shown;
  }

  private run(event: DeskEvent): string[] {
    this.shown = [];
    this.move(next(this.st, event));
    return this.shown;
  }

  /** The one place the state is assigned, and logged when its mode changes. */
  private move(step: DeskStep): void {
    if (step.state.mode !== this.st.mode) this.d.log.info('desk.state', { from: this.st.mode, to: step.state.mode });
    this.st = step.state;
    for (const e of step.effects) if (e.kind === 'show') this.shown.push(...e.lines);
  }

  private perform(op: DeskOp, resume: Resume | null, session: CardSession): Promise<DeskResult> {
    switch (op.kind) {
      case 'issue':
        return this.issue(op.spec, resume, session);
      case 'deposit':
        return this.deposit(op.amountCents, session, resume);
      case 'read':
        return this.readOut(session);
      case 'cancel':
        return this.cancel(resume, session);
      case 'pin':
        return this.setPin(op.pin, resume, session);
    }
  }

  // ── issue (开户 / 补卡) ──────────────────────────────────────────────────

  private async issue(spec: IssueSpec, resume: Resume | null, session: CardSession): Promise<DeskResult> {
    const uid = hex(session.uid);
    if (resume?.stage === 'deposit') return this.openingDeposit(spec, session, resume);
    let issueSeq = resume?.ref ?? null;
    if (resume?.stage === 'issue' && issueSeq !== null) {
      // Cut mid-issue: wiped back to blank and issued again. Even a card that reads may hold a torn key B
      // (a card that reads but can never be written); no money is on it yet, so starting over is free.
      const wiped = await wipeCard(session, this.d.cards.keysFor(session.uid));
      if (wiped.kind !== 'wiped') return { kind: 'cut', uid, resume, problem: wiped.problem };
    } else {
      issueSeq = this.d.journal.append(
        KIND.deskIssue,
        {
          cardNumber: spec.cardNumber,
          uid,
          holder: spec.holder,
          cardClass: spec.cardClass,
          expiryDay: spec.expiryDay,
          pinSet: spec.pin !== null,
          replaces: spec.replaces,
        },
        { card: spec.cardNumber },
      ).seq;
    }
    const today = this.cards.today();
    const written = await this.d.cards.issue(
      session,
      {
        tenantId: this.d.rules.tenantId,
        cardNumber: spec.cardNumber,
        cardClass: spec.cardClass,
        expiryDay: spec.expiryDay,
        issueDay: today,
        flags: { frozen: false, pinRequired: false, countPurse: false },
      },
      issuedPurse(today, this.d.rules.terminalId),
      spec.pin ?? undefined,
    );
    // Not blank: nothing was written; the desk.issue without its card.issued says so to the backend.
    if (written.kind === 'not-written') return { kind: 'refused', detail: written.problem };
    if (written.kind === 'uncertain')
      return { kind: 'cut', uid, resume: { stage: 'issue', ref: issueSeq }, problem: written.problem };
    return this.issued(spec, issueSeq, session);
  }

  private async issued(spec: IssueSpec, issueSeq: number, session: CardSession): Promise<DeskResult> {
    this.d.journal.append(KIND.issued, { cardNumber: spec.cardNumber }, { card: spec.cardNumber, ref: issueSeq });
    this.d.log.info('desk.issued', { cardNumber: spec.cardNumber, replaces: spec.replaces });
    if (spec.depositCents === 0) return { kind: 'done', lines: this.issuedLines(spec, 0) };
    return this.openingDeposit(spec, session, null);
  }

  private async openingDeposit(spec: IssueSpec, session: CardSession, resume: Resume | null): Promise<DeskResult> {
    const r = await this.topup(spec.depositCents, session, resume);
    return r.kind === 'done' ? { kind: 'done', lines: this.issuedLines(spec, spec.depositCents) } : r;
  }

  private issuedLines(spec: IssueSpec, depositCents: number): string[] {
    const carried =
      spec.replaces === null ? [] : [`replaces card ${spec.replaces}: its balance comes once the backend answers`];
    return [
      `issued card ${spec.cardNumber} to ${spec.holder}, class ${spec.cardClass}, valid through ${cardDayToIso(spec.expiryDay)}`,
      ...(depositCents > 0 ? [`deposit ${formatCents(depositCents)} taken`] : []),
      ...carried,
    ];
  }

  // ── deposit (充值) and read ──────────────────────────────────────────────

  private deposit(amountCents: number, session: CardSession, resume: Resume | null): Promise<DeskResult> {
    return this.topup(amountCents, session, resume);
  }

  /**
   * Cash on the card: a top-up write. Cut: the card comes back (`resume` names
   * the cut write), its read settles that write, and a landed one is the
   * deposit: never taken twice.
   */
  private async topup(amountCents: number, session: CardSession, resume: Resume | null): Promise<DeskResult> {
    const uid = hex(session.uid);
    const read = await this.cards.readAndLoad(session, resume ?? { stage: 'deposit', ref: null });
    if (!read.ok) return read.result;
    const earlier = this.cards.earlierWrite(read, resume?.ref ?? null);
    if (earlier === 'landed') return { kind: 'done', lines: [`the earlier deposit landed: ${purseLine(read.card)}`] };
    if (earlier === 'open') return { kind: 'refused', detail: UNKNOWN_OUTCOME };
    const decision = decide(this.cards.context(read.card), { kind: 'credit', amountCents });
    if (decision.kind !== 'approve')
      return { kind: 'refused', detail: decision.kind === 'refuse' ? decision.detail : 'the card asks for a PIN' };
    const out = await this.d.tx.execute(session, read.card, read.keys, decision, {
      tx: 'topup',
      listAmountCents: amountCents,
    });
    if (out.kind === 'committed')
      return {
        kind: 'done',
        lines: [`deposit ${formatCents(amountCents)} taken`, purseLine({ ...read.card, purse: decision.next })],
      };
    return { kind: 'cut', uid, resume: { stage: 'deposit', ref: out.intent.seq }, problem: out.problem };
  }

  private async readOut(session: CardSession): Promise<DeskResult> {
    const read = await this.cards.readAndLoad(session, { stage: 'deposit', ref: null });
    if (!read.ok) return read.result;
    const id = read.card.identity;
    const listed = this.d.blacklisted(id.cardNumber);
    const pinSet = read.card.identity.pinVerifier.some((b) => b !== 0);
    return {
      kind: 'done',
      lines: [
        `card ${id.cardNumber} (uid ${hex(read.card.uid)}), class ${id.cardClass}, tenant ${id.tenantId}`,
        `issued ${cardDayToIso(id.issueDay)}, valid through ${cardDayToIso(id.expiryDay)}, PIN ${pinSet ? 'set' : 'not set'}`,
        purseLine(read.card),
        `counter ${read.card.purse.counter}, credits applied up to #${read.card.purse.lastCreditSeq}`,
        listed ? 'LISTED: lost, replaced or cancelled — refused at every terminal' : 'not listed',
      ],
    };
  }

  // ── PIN (设置/修改密码) ──────────────────────────────────────────────────

  /**
   * The card's PIN set, changed or removed (the holder's identity is checked at the counter; no old PIN is
   * asked). Cut: block B may be torn, so the same card is asked for again and the write done again.
   */
  private async setPin(pin: string | null, resume: Resume | null, session: CardSession): Promise<DeskResult> {
    const uid = hex(session.uid);
    let seq = resume?.stage === 'pin' ? resume.ref : null;
    const written = await writePin(session, this.d.cards.keysFor(session.uid), pin, ({ cardNumber }) => {
      if (seq !== null) return null; // resumed: journaled and checked the first time
      if (this.d.blacklisted(cardNumber)) return `card ${cardNumber} is listed lost, replaced or cancelled`;
      seq = this.d.journal.append(KIND.deskPin, { cardNumber, uid, pinSet: pin !== null }, { card: cardNumber }).seq;
      return null;
    });
    if (written.kind === 'not-written') return { kind: 'refused', detail: `PIN not changed: ${written.problem}` };
    if (written.kind === 'uncertain')
      return { kind: 'cut', uid, resume: { stage: 'pin', ref: seq }, problem: written.problem };
    const cardNumber = written.identity.cardNumber;
    this.d.log.info('desk.pin', { cardNumber, pinSet: pin !== null });
    return { kind: 'done', lines: [`card ${cardNumber}: ${pin === null ? 'PIN removed' : 'new PIN set'}`] };
  }

  // ── cancel (销户 / 退卡) ─────────────────────────────────────────────────

  private async cancel(resume: Resume | null, session: CardSession): Promise<DeskResult> {
    const uid = hex(session.uid);
    if (resume?.stage === 'wipe') return this.wipe(session, []);
    const read = await this.cards.readAndLoad(session, { stage: 'cancel', ref: null });
    if (!read.ok) return read.result;
    const cardNumber = read.card.identity.cardNumber;
    // A payout cut earlier: settled by the read above; landed means only the cancellation's record and wipe remain.
    const payoutSeq = resume?.ref ?? null;
    const earlier = this.cards.earlierWrite(read, payoutSeq);
    const payout = payoutSeq === null ? undefined : this.d.journal.get(payoutSeq);
    if (earlier === 'open') return { kind: 'refused', detail: UNKNOWN_OUTCOME };
    if (earlier === 'landed' && payout && isRecordOf(payout, KIND.intent))
      return this.cancelled(session, cardNumber, payout.body.fromBalance, payout.body.fromSubsidy, payoutSeq);
    const decision = decidePayout(read.card, this.d.blacklisted(cardNumber), this.d.rules.terminalId);
    if (decision.kind === 'refuse') return { kind: 'refused', detail: decision.detail };
    if (decision.chargedAmount === 0) return this.cancelled(session, cardNumber, 0, 0, null);
    const out = await this.d.tx.execute(session, read.card, read.keys, decision, {
      tx: 'payout',
      listAmountCents: decision.chargedAmount,
    });
    if (out.kind === 'aborted')
      return { kind: 'refused', detail: `nothing paid out (${out.problem}): place the card again` };
    if (out.kind === 'uncertain')
      return { kind: 'cut', uid, resume: { stage: 'cancel', ref: out.intent.seq }, problem: out.problem };
    return this.cancelled(session, cardNumber, decision.fromBalance, decision.fromSubsidy, out.intent.seq);
  }

  private cancelled(
    session: CardSession,
    cardNumber: number,
    paidOutCents: number,
    forfeitedSubsidyCents: number,
    payoutSeq: number | null,
  ): Promise<DeskResult> {
    this.d.journal.append(
      KIND.deskCancel,
      { cardNumber, paidOutCents, forfeitedSubsidyCents },
      { card: cardNumber, ...(payoutSeq === null ? {} : { ref: payoutSeq }) },
    );
    const lines = [
      `card ${cardNumber} cancelled: pay out ${formatCents(paidOutCents)} in cash`,
      ...(forfeitedSubsidyCents > 0 ? [`subsidy ${formatCents(forfeitedSubsidyCents)} forfeited`] : []),
    ];
    return this.wipe(session, lines);
  }

  private async wipe(session: CardSession, lines: string[]): Promise<DeskResult> {
    const wiped = await wipeCard(session, this.d.cards.keysFor(session.uid));
    if (wiped.kind === 'wiped') return { kind: 'done', lines: [...lines, 'card wiped back to transport keys'] };
    // The money is settled and journaled; only the erase is left for the same card.
    return { kind: 'cut', uid: hex(session.uid), resume: { stage: 'wipe', ref: null }, problem: wiped.problem };
  }
}
