import { cardDay, type WireRecord } from '../protocol/index.ts';

/**
 * Realistic committed sales as a canteen terminal journals them
 * (firmware/card-tx/card-tx.ts: an IntentBody record, then its commit),
 * seeded. Shared by bench/protocol-size.ts and test/protocol/records.test.ts.
 *
 * The mix: an 8-digit card numbering over ~3M cards; meals of ¥3–25; 40%
 * of cards carry a subsidy that pays first; the card was last written by
 * this terminal half the time and by one of the canteen's other 11 otherwise;
 * 10% get a class discount; 25% are rung up from menu codes; an operator is
 * signed in; 3–40 s between sales, the commit 120–400 ms after its intent.
 */

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
}

const hex = (r: Rng, n: number) =>
  Array.from({ length: n }, () => r.int(0, 255).toString(16).padStart(2, '0')).join('');

export interface SalesOptions {
  sales: number;
  seed?: number;
  terminalId?: number;
  firstSeq?: number;
  startMs?: number;
  utcOffsetMinutes?: number;
}

export function realisticSales(opts: SalesOptions): WireRecord[] {
  const r = new Rng(opts.seed ?? 1);
  const terminalId = opts.terminalId ?? 1042;
  const offset = opts.utcOffsetMinutes ?? 480;
  const operator = 900001;
  const shift = `${terminalId}-${(opts.firstSeq ?? 1) - 1}`;
  let seq = opts.firstSeq ?? 1;
  let at = opts.startMs ?? Date.UTC(2026, 10, 23, 3, 30);
  const out: WireRecord[] = [];
  for (let i = 0; i < opts.sales; i++) {
    at += r.int(3_000, 40_000);
    const day = cardDay(at, offset);
    const cardNumber = r.int(20_000_000, 23_000_000);
    const listAmountCents = r.int(300, 2500);
    const discountAmount = r.chance(0.1) ? r.int(50, 300) : 0;
    const charged = listAmountCents - discountAmount;
    const subsidyBefore = r.chance(0.4) ? r.int(0, 30_000) : 0;
    const fromSubsidy = Math.min(subsidyBefore, charged);
    const balanceAfter = r.int(0, 80_000);
    const counterBefore = r.int(1, 3000);
    const writerBefore = r.chance(0.5) ? terminalId : r.int(1031, 1041);
    const otherWriter = r.chance(0.7) ? writerBefore : r.int(1031, 1042);
    const spentToday = charged + (r.chance(0.5) ? 0 : r.int(300, 2500));
    const body: Record<string, unknown> = {
      tx: 'sale',
      cardNumber,
      uid: hex(r, r.chance(0.8) ? 4 : 7),
      unit: 'cents',
      chargedAmount: charged,
      fromSubsidy,
      fromBalance: charged - fromSubsidy,
      listAmountCents,
      discountAmount,
      counterBefore,
      counterAfter: counterBefore + 1,
      writerBefore,
      otherSlot: { counter: counterBefore - 1, writer: otherWriter },
      next: {
        counter: counterBefore + 1,
        balance: balanceAfter,
        subsidy: subsidyBefore - fromSubsidy,
        lastCreditSeq: r.int(0, 20),
        day,
        spentToday,
        writerTerminalId: terminalId,
      },
      shift,
      operator,
    };
    if (r.chance(0.25))
      body.items = Array.from({ length: r.int(1, 3) }, () => ({ code: r.int(1, 999), qty: r.int(1, 3) }));
    const intentSeq = seq++;
    out.push({ seq: intentSeq, kind: 'card.intent', atMs: at, card: cardNumber, ref: null, body });
    at += r.int(120, 400);
    out.push({ seq: seq++, kind: 'card.commit', atMs: at, card: cardNumber, ref: intentSeq, body: { intentSeq } });
  }
  return out;
}
