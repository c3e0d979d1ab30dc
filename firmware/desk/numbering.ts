/**
 * The numbers a desk gives new cards: its own range (protocol/desk-range.ts, the rule both ends hold),
 * each number spent on disk before its card is written (app/desk/card-numbers.ts). docs/cards.md says why.
 */
export interface CardNumbers {
  /** The number the next issue gets; null when none may be given (`whyNone` says why). */
  next(): number | null;
  /** Why `next()` is null; absent: the range is used up. */
  whyNone?(): string;
  /** The issue under `n` went ahead: `n` is never given again, even after a crash. */
  used(n: number): void;
}
