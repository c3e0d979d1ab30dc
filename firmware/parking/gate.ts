import type { ParkingEntryBody, ParkingExitBody } from '../../protocol/index.ts';
import { cardDay, localTime } from '../core/clock.ts';
import { cardNumberOf, checkCredential, type CardRefusal, type Credential } from '../policy/credential.ts';
import type { CardRules } from '../policy/policy.ts';
import { parkingFee, type RateTable } from './fee.ts';

/**
 * The car-park gate's decision, pure: entry and exit by card, monthly
 * passes, the fee, anti-passback (a car already inside cannot enter again
 * without an exit), and an operator's override (lost ticket, open anyway).
 * The verdict says what to journal and what to charge; moving money on the
 * purse is the card transaction's (firmware/card-tx), and the gate opens only
 * once that charge has committed.
 */
export type ParkingRefusal =
  | CardRefusal
  /** Anti-passback: the card's car is inside already. */
  | 'already-inside'
  /** No entry recorded for the card: the operator settles it (lost ticket). */
  | 'not-inside'
  /** The stay cannot be charged from the records (clock, rate table): the operator settles it. */
  | 'fee-problem';

/** A monthly (or longer) pass from the backend's list: parks free through `untilDay` (local card day). */
export interface ParkingPass {
  untilDay: number;
}

export interface ParkingFacts {
  cardRules: CardRules;
  blacklisted(cardNumber: number): boolean;
  /** When the card's car came in, if it is inside (the open entry); null when it is outside. */
  entryOf(cardNumber: number): number | null;
  passOf(cardNumber: number): ParkingPass | null;
  /** Card classes that park free whatever the pass list says (staff with a parking place). */
  passClasses: readonly number[];
  rates: RateTable;
  utcOffsetMinutes: number;
  nowMs: number;
}

export type GateRequest =
  | { kind: 'entry'; credential: Credential }
  | { kind: 'exit'; credential: Credential }
  /** The operator at the booth: open without a card check, or charge the lost-ticket fee at the exit. */
  | {
      kind: 'override';
      operatorCard: number;
      action: 'open-entry' | 'open-exit' | 'lost-ticket';
      cardNumber: number | null;
    };

/** parking.entry and parking.exit: the protocol's bodies, since they travel. */
export type { ParkingEntryBody, ParkingExitBody };

export type GateVerdict =
  | { kind: 'enter'; body: ParkingEntryBody }
  /** feeCents > 0: charge the purse first, open the gate once it committed. */
  | { kind: 'leave'; body: ParkingExitBody; feeCents: number }
  | { kind: 'refuse'; reason: ParkingRefusal; detail: string; cardNumber: number | null };

const refuse = (reason: ParkingRefusal, detail: string, cardNumber: number | null): GateVerdict => ({
  kind: 'refuse',
  reason,
  detail,
  cardNumber,
});

export function decideGate(req: GateRequest, f: ParkingFacts): GateVerdict {
  if (req.kind === 'override') return override(req, f);
  const { credential } = req;
  const cardNumber = cardNumberOf(credential);
  const today = cardDay(f.nowMs, f.utcOffsetMinutes);
  const barred = checkCredential(credential, { blacklisted: f.blacklisted(cardNumber), cardRules: f.cardRules, today });
  if (barred) return refuse(barred.reason, barred.detail, cardNumber);
  const pass = hasPass(credential, f, today);
  const entryMs = f.entryOf(cardNumber);
  if (req.kind === 'entry') {
    if (entryMs !== null)
      return refuse(
        'already-inside',
        `card ${cardNumber} entered at ${localTime(entryMs, f.utcOffsetMinutes)} and has not left`,
        cardNumber,
      );
    return { kind: 'enter', body: { cardNumber, pass, operator: null } };
  }
  if (entryMs === null) return refuse('not-inside', `no entry recorded for card ${cardNumber}`, cardNumber);
  let feeCents = 0;
  if (!pass) {
    const fee = parkingFee(entryMs, f.nowMs, f.rates, f.utcOffsetMinutes);
    if (!fee.ok) return refuse('fee-problem', fee.message, cardNumber);
    feeCents = fee.feeCents;
  }
  const body: ParkingExitBody = { cardNumber, entryMs, feeCents, pass, lostTicket: false, operator: null };
  return { kind: 'leave', body, feeCents };
}

/** A pass on the list valid today (through its last day), or a class that parks free. */
function hasPass(c: Credential, f: ParkingFacts, today: number): boolean {
  if (c.kind === 'card' && f.passClasses.includes(c.identity.cardClass)) return true;
  const pass = f.passOf(cardNumberOf(c));
  return pass !== null && today <= pass.untilDay;
}

function override(req: Extract<GateRequest, { kind: 'override' }>, f: ParkingFacts): GateVerdict {
  const operator = req.operatorCard;
  const { cardNumber } = req;
  // The operator's word replaces the card checks, never the records: both who and what are journaled.
  if (req.action === 'open-entry') return { kind: 'enter', body: { cardNumber, pass: false, operator } };
  const entryMs = cardNumber === null ? null : f.entryOf(cardNumber);
  const lostTicket = req.action === 'lost-ticket';
  const feeCents = lostTicket ? f.rates.lostTicketCents : 0;
  return { kind: 'leave', body: { cardNumber, entryMs, feeCents, pass: false, lostTicket, operator }, feeCents };
}
