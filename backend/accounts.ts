import type Database from 'better-sqlite3';
import type { AdviceAck, AuthorizeRequest, AuthorizeResponse } from '../protocol/index.ts';

/**
 * Online accounts (PROTOCOL.md §6.7): the balance of online-account cards
 * lives here. Every STAN of a terminal is booked at most once, whether it
 * comes as a request, an advice, a journal record, or all three:
 *
 *   state      charged  how it got there
 *   approved   amount   AUTHORIZE_REQUEST approved
 *   declined   0        AUTHORIZE_REQUEST declined
 *   advised    amount   ADVICE, or an online.result offline-approved in the journal, with no approval before
 *   reversed   0        REVERSAL, or online.result offline-declined/declined, of whatever was charged
 *
 * A repeated request gets the stored answer, never a second booking.
 */
interface AuthRow {
  card: number;
  amount_cents: number;
  state: 'approved' | 'declined' | 'advised' | 'reversed';
  reason: AuthorizeResponse['reason'];
  auth_code: number;
  balance_after: number;
  charged_cents: number;
}

export class Accounts {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      balance: db.prepare<[number], number>('SELECT balance_cents FROM accounts WHERE card = ?').pluck(),
      setBalance: db.prepare(
        'INSERT INTO accounts (card, balance_cents) VALUES (?, ?) ON CONFLICT (card) DO UPDATE SET balance_cents = excluded.balance_cents',
      ),
      move: db.prepare('UPDATE accounts SET balance_cents = balance_cents + ? WHERE card = ?'),
      auth: db.prepare<[number, number], AuthRow>(
        'SELECT card, amount_cents, state, reason, auth_code, balance_after, charged_cents FROM auths WHERE terminal = ? AND stan = ?',
      ),
      putAuth: db.prepare(
        `INSERT INTO auths (terminal, stan, card, amount_cents, state, reason, auth_code, balance_after, charged_cents, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (terminal, stan) DO UPDATE SET state = excluded.state, charged_cents = excluded.charged_cents, balance_after = excluded.balance_after`,
      ),
      countState: db.prepare<[string], number>('SELECT count(*) FROM auths WHERE state = ?').pluck(),
    };
  }

  balance(card: number): number | null {
    return this.q.balance.get(card) ?? null;
  }

  setBalance(card: number, cents: number): void {
    if (!Number.isSafeInteger(cents)) throw new RangeError(`balance must be whole cents, got ${cents}`);
    this.q.setBalance.run(card, cents);
  }

  /** The booking of one STAN, for reports and tests. */
  booking(terminal: number, stan: number): { state: string; chargedCents: number } | null {
    const r = this.q.auth.get(terminal, stan);
    return r ? { state: r.state, chargedCents: r.charged_cents } : null;
  }

  authorize(terminal: number, m: AuthorizeRequest, nowMs: number, blacklisted: boolean): AuthorizeResponse {
    return this.db.transaction((): AuthorizeResponse => {
      const known = this.q.auth.get(terminal, m.stan);
      if (known) return response(m.stan, known); // the same answer, booked once
      const balance = this.balance(m.cardNumber);
      let reason: AuthorizeResponse['reason'] = 'none';
      if (blacklisted) reason = 'card-lost';
      else if (balance === null) reason = 'unknown-card';
      else if (m.purpose !== 'sale') reason = 'system-error';
      else if (balance < m.amountCents) reason = 'insufficient-funds';
      const approved = reason === 'none';
      const after = approved ? (balance as number) - m.amountCents : (balance ?? 0);
      if (approved) this.q.move.run(-m.amountCents, m.cardNumber);
      const row: AuthRow = {
        card: m.cardNumber,
        amount_cents: m.amountCents,
        state: approved ? 'approved' : 'declined',
        reason,
        auth_code: approved ? authCode(terminal, m.stan) : 0,
        balance_after: after,
        charged_cents: approved ? m.amountCents : 0,
      };
      this.put(terminal, m.stan, row, nowMs);
      return response(m.stan, row);
    })();
  }

  /** An offline sale reported (ADVICE or the journal): a fact, charged once per STAN, never declined. */
  advice(terminal: number, stan: number, card: number, amountCents: number, nowMs: number): AdviceAck['status'] {
    return this.db.transaction((): AdviceAck['status'] => {
      const known = this.q.auth.get(terminal, stan);
      if (known && known.charged_cents > 0) return 'duplicate';
      if (known?.state === 'reversed') return 'duplicate'; // the terminal itself undid this STAN
      const before = this.balance(card);
      if (before === null) this.q.setBalance.run(card, 0);
      this.q.move.run(-amountCents, card);
      const after = (before ?? 0) - amountCents;
      this.put(
        terminal,
        stan,
        {
          card,
          amount_cents: amountCents,
          state: 'advised',
          reason: 'none',
          auth_code: 0,
          balance_after: after,
          charged_cents: amountCents,
        },
        nowMs,
      );
      return after < 0 ? 'overdrawn' : 'posted';
    })();
  }

  /** Undoes whatever a STAN charged (a late approval the terminal did not use); a no-op for an unknown or declined one. */
  reversal(terminal: number, stan: number, card: number, nowMs: number): boolean {
    return this.db.transaction((): boolean => {
      const known = this.q.auth.get(terminal, stan);
      if (known && known.charged_cents > 0) {
        this.q.move.run(known.charged_cents, known.card);
        this.put(
          terminal,
          stan,
          { ...known, state: 'reversed', charged_cents: 0, balance_after: this.balance(known.card) ?? 0 },
          nowMs,
        );
        return true;
      }
      // Booked as reversed, so a request with this STAN arriving later is not approved.
      if (!known)
        this.put(
          terminal,
          stan,
          {
            card,
            amount_cents: 0,
            state: 'reversed',
            reason: 'too-late',
            auth_code: 0,
            balance_after: this.balance(card) ?? 0,
            charged_cents: 0,
          },
          nowMs,
        );
      return false;
    })();
  }

  /** online.result from the journal: what the terminal finally did with the STAN. */
  fromJournal(terminal: number, stan: number, outcome: string, card: number, amountCents: number, nowMs: number): void {
    if (outcome === 'offline-approved') this.advice(terminal, stan, card, amountCents, nowMs);
    else if (outcome === 'offline-declined' || outcome === 'declined') this.reversal(terminal, stan, card, nowMs);
  }

  counts(): Record<AuthRow['state'], number> {
    const c = (s: string) => this.q.countState.get(s)!;
    return { approved: c('approved'), declined: c('declined'), advised: c('advised'), reversed: c('reversed') };
  }

  private put(terminal: number, stan: number, r: AuthRow, nowMs: number): void {
    this.q.putAuth.run(
      terminal,
      stan,
      r.card,
      r.amount_cents,
      r.state,
      r.reason,
      r.auth_code,
      r.balance_after,
      r.charged_cents,
      nowMs,
    );
  }
}

function response(stan: number, r: AuthRow): AuthorizeResponse {
  const approved = r.state === 'approved' || (r.state === 'advised' && r.auth_code !== 0);
  if (r.state === 'reversed')
    return {
      type: 'authorizeResponse',
      stan,
      result: 'declined',
      reason: 'too-late',
      approvedAmountCents: 0,
      balanceCents: r.balance_after,
      authCode: 0,
    };
  return {
    type: 'authorizeResponse',
    stan,
    result: approved ? 'approved' : 'declined',
    reason: approved ? 'none' : r.reason,
    approvedAmountCents: approved ? r.amount_cents : 0,
    balanceCents: r.balance_after,
    authCode: r.auth_code,
  };
}

/** A six-digit approval code (ISO 8583 field 38) derived from the booking, so a repeat shows the same one. */
function authCode(terminal: number, stan: number): number {
  return 100_000 + (((Math.imul(stan, 2_654_435_761) ^ Math.imul(terminal, 40_503)) >>> 0) % 900_000);
}
