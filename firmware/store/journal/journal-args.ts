/**
 * Checks on the journal's non-body arguments. Each throws a RangeError that
 * names the argument and the bad value; nothing has been written when it does.
 */

export interface TotalsDelta {
  /** What the counter groups by, e.g. 'day' or 'shift'. */
  scope: string;
  /** Which group, e.g. '2026-11-23' or a shift id. */
  key: string;
  /** Signed: an undo subtracts what the sale added. */
  count: number;
  amountCents: number;
}

export interface AppendOptions {
  card?: number;
  /** seq of an earlier record this one closes, reverses or completes. */
  ref?: number;
  /** Counters to move in the same transaction as the record. */
  totals?: TotalsDelta[];
  /** A purse counter seen on `card`: kept as the card's highest, in the same transaction (rollback detection). */
  cardCounter?: number;
}

/** Kinds are short machine words ('sale', 'sale.undo'); `|` must never appear (CRC framing). */
const KIND_PATTERN = /^[a-z][a-z0-9._-]{0,31}$/;
/** Card numbers are unsigned 32-bit on the card and in the protocol. */
export const CARD_NUMBER_LIMIT = 2 ** 32;
/** A sale touches day, shift and operator totals; more than 8 counters in one record is a bug. */
export const TOTALS_PER_APPEND_MAX = 8;
/** Scope and key are ids and dates, not prose. */
const TOTALS_NAME_MAX_CHARS = 64;
/** One read returns at most this many records: bodies are ≤ 4 KiB, so ≤ 4 MiB per call. */
export const READ_RECORDS_MAX = 1000;

/** Purse counters are 24-bit on the card. */
export function checkCounter(counter: unknown): number {
  if (typeof counter !== 'number' || !Number.isInteger(counter) || counter < 0 || counter > 0xff_ffff) {
    throw new RangeError(`card counter must be an integer in 0..16777215, got ${String(counter)}`);
  }
  return counter;
}

export function checkKind(kind: unknown): string {
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind)) {
    throw new RangeError(
      `journal kind must match ${KIND_PATTERN} (lowercase word, ≤ 32 chars), got ${JSON.stringify(kind)}`,
    );
  }
  return kind;
}

export function checkCard(card: unknown): number {
  if (typeof card !== 'number' || !Number.isInteger(card) || card < 0 || card >= CARD_NUMBER_LIMIT) {
    throw new RangeError(`card number must be an integer in 0..${CARD_NUMBER_LIMIT - 1}, got ${String(card)}`);
  }
  return card;
}

export function checkSeq(seq: unknown, what: string): number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`${what} must be a non-negative integer seq, got ${String(seq)}`);
  }
  return seq;
}

export function checkLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > READ_RECORDS_MAX) {
    throw new RangeError(`limit must be an integer in 1..${READ_RECORDS_MAX}, got ${String(limit)}`);
  }
  return limit;
}

export function checkTotals(totals: readonly TotalsDelta[] | undefined): readonly TotalsDelta[] {
  if (totals === undefined) return [];
  if (!Array.isArray(totals) || totals.length > TOTALS_PER_APPEND_MAX) {
    throw new RangeError(`totals must be an array of at most ${TOTALS_PER_APPEND_MAX} deltas`);
  }
  for (const t of totals) {
    for (const name of ['scope', 'key'] as const) {
      const v = t[name];
      if (typeof v !== 'string' || v.length === 0 || v.length > TOTALS_NAME_MAX_CHARS) {
        throw new RangeError(
          `totals ${name} must be a string of 1..${TOTALS_NAME_MAX_CHARS} chars, got ${JSON.stringify(v)}`,
        );
      }
    }
    for (const name of ['count', 'amountCents'] as const) {
      if (!Number.isSafeInteger(t[name])) {
        throw new RangeError(`totals ${t.scope}/${t.key} ${name} must be an integer, got ${String(t[name])}`);
      }
    }
  }
  return totals;
}
