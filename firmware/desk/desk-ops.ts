import type { CardImage } from '../card/app.ts';
import { U32_MAX, type PurseState } from '../card/layout.ts';
import type { Decision, PolicyRules } from '../policy/policy.ts';

/**
 * What the card office does with the card on its reader (docs/cards.md):
 * issue (开户; 补卡 when it replaces a lost card), take a cash deposit (充值),
 * read the card's whole state for the holder, and cancel (销户/退卡: pay the
 * balance out, wipe the card, the number is blacklisted). Pure: the checks and
 * the purse each operation writes; DeskApp (desk.ts) performs them.
 */
export interface IssueSpec {
  holder: string;
  cardNumber: number;
  cardClass: number;
  /** Card day through which the card is valid. */
  expiryDay: number;
  /** 4–6 digits, or null for a card without a PIN. Never journaled. */
  pin: string | null;
  /** Cash taken with the issue, written as a top-up right after it; 0 for none. */
  depositCents: number;
  /** 补卡: the lost card this one replaces (the backend carries its balance over), else null. */
  replaces: number | null;
}

export type DeskOp =
  | { kind: 'issue'; spec: IssueSpec }
  | { kind: 'deposit'; amountCents: number }
  | { kind: 'read' }
  | { kind: 'cancel' }
  /** Set or change the card's PIN (null: remove it). Typed at the console, never journaled or logged. */
  | { kind: 'pin'; pin: string | null };

/** The holder's name or staff id: kept at the backend, so bounded like any text that travels. */
export const HOLDER_CHARS_MAX = 64;
/** The card's PIN verifier takes 4 to 6 digits (firmware/card/layout.ts pinVerifier). */
export const PIN_PATTERN = /^\d{4,6}$/;
const PIN_PROBLEM = 'PIN must be 4 to 6 digits';

/** Why the office cannot ask for this operation (a clear message, nothing changes), or null. */
export function opProblem(
  op: DeskOp,
  rules: PolicyRules,
  today: number,
  listed: (cardNumber: number) => boolean,
): string | null {
  if (op.kind === 'deposit') return amountProblem(op.amountCents, rules, 'deposit');
  if (op.kind === 'pin') return op.pin !== null && !PIN_PATTERN.test(op.pin) ? PIN_PROBLEM : null;
  if (op.kind !== 'issue') return null;
  const s = op.spec;
  if (s.holder.trim().length === 0 || s.holder.length > HOLDER_CHARS_MAX)
    return `holder must be 1..${HOLDER_CHARS_MAX} characters`;
  if (!Number.isInteger(s.cardNumber) || s.cardNumber < 1 || s.cardNumber > U32_MAX)
    return `card number must be 1..${U32_MAX}`;
  // A listed number is refused at every terminal: a card issued under it would be useless.
  if (listed(s.cardNumber)) return `card number ${s.cardNumber} is listed (lost, replaced or cancelled): use another`;
  if (!rules.classes.has(s.cardClass)) return `card class ${s.cardClass} is not in this terminal's config`;
  if (!Number.isInteger(s.expiryDay) || s.expiryDay <= today) return 'expiry must be a day after today';
  if (s.pin !== null && !PIN_PATTERN.test(s.pin)) return PIN_PROBLEM;
  if (s.replaces === s.cardNumber) return 'a card cannot replace itself';
  if (s.depositCents !== 0) return amountProblem(s.depositCents, rules, 'opening deposit');
  return null;
}

function amountProblem(cents: number, rules: PolicyRules, what: string): string | null {
  if (!Number.isSafeInteger(cents) || cents <= 0) return `${what} must be a positive amount`;
  if (cents > rules.balanceCapCents) return `${what} is above the balance cap`;
  return null;
}

/** The purse a new card starts with: empty; money goes on through card.intent writes the ledger sees. */
export function issuedPurse(today: number, terminalId: number): PurseState {
  return {
    counter: 0,
    balance: 0,
    subsidy: 0,
    lastCreditSeq: 0,
    day: today,
    spentToday: 0,
    writerTerminalId: terminalId,
  };
}

/**
 * 退卡's payout: the whole purse leaves the card in one write. The balance is
 * handed over in cash; the subsidy was the employer's money and is forfeited.
 * A card listed lost or replaced is refused: the holder unlosses it first, or
 * the replacement already carries its money.
 */
export function decidePayout(
  card: CardImage,
  blacklisted: boolean,
  terminalId: number,
): Extract<Decision, { kind: 'approve' }> | { kind: 'refuse'; detail: string } {
  if (blacklisted) return { kind: 'refuse', detail: 'the card is listed lost or replaced: unloss it first' };
  if (card.identity.flags.countPurse)
    return { kind: 'refuse', detail: 'a count card holds uses, not money to pay out' };
  const p = card.purse;
  const next: PurseState = { ...p, counter: p.counter + 1, balance: 0, subsidy: 0, writerTerminalId: terminalId };
  return {
    kind: 'approve',
    next,
    chargedAmount: p.balance + p.subsidy,
    fromSubsidy: p.subsidy,
    fromBalance: p.balance,
    discountAmount: 0,
  };
}
