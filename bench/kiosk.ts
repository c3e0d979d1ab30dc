import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogFields, Logger } from '../base/log.ts';
import { SimWorld } from '../simulator/world.ts';
import { percentile } from './blacklist.ts';

/**
 * A kiosk's bill, stacked → credit durable on the card, in-process: from the
 * poll that brings the validator's "stacked" (the kiosk journals cash.stacked,
 * ACKs, writes the top-up through CardTransactions) to the card write
 * committed. The kiosk is composed as a device is, on the CCNET emulator and
 * the printer twin through the real drivers. Baseline, same run: one raw
 * append + fsync per bill, the floor of any durable record.
 */
export interface KioskBenchResult {
  creditP50Ms: number;
  creditP99Ms: number;
  rawFsyncP50Ms: number;
  rawFsyncP99Ms: number;
  bills: number;
}

const DEFAULT_BILLS = 200;
/** ¥1 bills: 200 of them stay far under the session limit and the balance cap, so no bill is refused. */
const BILL_CENTS = 100;
const START_MS = Date.UTC(2026, 11, 7, 4);

/** Stamps the two steps of a bill's life the figure runs between (firmware/kiosk/deps.ts BillStep). */
class StepClock implements Logger {
  stackedAt = 0n;
  readonly samplesNs: number[] = [];
  private at(event: string, fields?: LogFields): void {
    if (event !== 'kiosk.bill') return;
    if (fields?.step === 'stacked') this.stackedAt = process.hrtime.bigint();
    else if (fields?.step === 'card-written' && this.stackedAt > 0n) {
      this.samplesNs.push(Number(process.hrtime.bigint() - this.stackedAt));
      this.stackedAt = 0n;
    }
  }
  debug(e: string, f?: LogFields) {
    this.at(e, f);
  }
  info(e: string, f?: LogFields) {
    this.at(e, f);
  }
  warn(e: string, f?: LogFields) {
    this.at(e, f);
  }
  error(e: string, f?: LogFields) {
    this.at(e, f);
  }
  child(): Logger {
    return this;
  }
}

export async function benchKiosk(opts: { dir: string; bills?: number }): Promise<KioskBenchResult> {
  const dir = join(opts.dir, 'bench-kiosk');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bills = opts.bills ?? DEFAULT_BILLS;
  const steps = new StepClock();
  const world = new SimWorld({ seed: 7, startMs: START_MS, dataDir: dir, log: steps });
  try {
    const kiosk = { topupMaxCents: 500_000, handOverOwed: false };
    await world.kiosks.add({ name: 'kiosk1', id: 301, kiosk, pos: { balanceCapCents: 1_000_000 } });
    await world.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 0 });
    await world.kiosks.tap('kiosk1', 'alice');
    await world.kiosks.run('kiosk1', 2);
    for (let i = 0; i < bills; i++) {
      const refused = await world.kiosks.bill('kiosk1', BILL_CENTS);
      if (refused !== null) throw new Error(`bench kiosk: bill ${i} not taken: ${refused}`);
    }
    const card = await world.inspect('alice');
    if (card.purse.balance !== bills * BILL_CENTS || steps.samplesNs.length !== bills)
      throw new Error(`bench kiosk: ${steps.samplesNs.length} credits timed, card holds ${card.purse.balance}`);
  } finally {
    world.close();
  }
  const raw = rawFsyncs(join(dir, 'raw.log'), bills);
  const credit = Float64Array.from(steps.samplesNs);
  return {
    creditP50Ms: percentile(credit, 0.5) / 1e6,
    creditP99Ms: percentile(credit, 0.99) / 1e6,
    rawFsyncP50Ms: percentile(raw, 0.5) / 1e6,
    rawFsyncP99Ms: percentile(raw, 0.99) / 1e6,
    bills,
  };
}

/** One record-sized append and fsync per bill, timed each. */
function rawFsyncs(path: string, n: number): Float64Array {
  const fd = openSync(path, 'a');
  const record = Buffer.from(`${'x'.repeat(120)}\n`);
  const out = new Float64Array(n);
  try {
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      writeSync(fd, record);
      fsyncSync(fd);
      out[i] = Number(process.hrtime.bigint() - t);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
