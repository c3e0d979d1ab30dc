import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '../../../base/log.ts';
import { CcnetDriver } from '../../../drivers/cash/ccnet/driver.ts';
import type { KioskScreenDisplay } from '../../../drivers/kiosk-screen/index.ts';
import { CardApp } from '../../../firmware/card/app.ts';
import type { CardIdentity, PurseState } from '../../../firmware/card/layout.ts';
import { CardTransactions } from '../../../firmware/card-tx/card-tx.ts';
import type { CreditSource } from '../../../firmware/card-tx/credits-at-tap.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { KioskApp } from '../../../firmware/kiosk/kiosk.ts';
import type { TopupReceipt } from '../../../firmware/kiosk/receipts.ts';
import type { PolicyRules } from '../../../firmware/policy/policy.ts';
import type { PendingCredit } from '../../../firmware/store/credits.ts';
import { Journal } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { VirtualClassicCard } from '../../../simulator/card/virtual-classic.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { type CcnetEmulator, RMB_TABLE } from '../../../simulator/cash/ccnet/emulator.ts';
import { cashboxCount, owedCents } from '../../../firmware/kiosk/owed.ts';
import { copyJournal, restoreJournal } from '../card-tx/power-cut.ts';
import { EscPosPrinter } from '../../../drivers/printer/printer.ts';
import { printedReceipts } from '../../../firmware/kiosk/printed-receipts.ts';
import type { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { simTransport } from '../../../simulator/printer/transport.ts';
import { rig as ccnetRig, VirtualTime } from '../../drivers/cash/harness.ts';

export const T = Date.parse('2026-11-23T03:30:00Z');
const UTC_OFFSET_MINUTES = 480;
export const CUSTOMER = 1001;
export const OPERATOR = 9001;
export const CAP_CENTS = 50_000;
export const TOPUP_MAX_CENTS = 20_000;
const PRINT_SETTINGS = { paperMm: 58, nativeQr: true, language: 'en' } as const;
const cardApp = new CardApp(deriveSimMasterKeys(1));
const klass = {
  name: { zh: '员工', en: 'Staff' },
  discountPercent: 0,
  dailyLimitCents: 10_000,
  account: 'purse' as const,
};
export const RULES: PolicyRules = {
  tenantId: 1,
  terminalId: 201,
  classes: new Map([
    [1, { id: 1, ...klass, operator: false }],
    [9, { id: 9, ...klass, operator: true }],
  ]),
  allowedClasses: [],
  minSaleCents: 1,
  maxSaleCents: 100_000,
  balanceCapCents: CAP_CENTS,
  usesPerSale: 1,
};
const identity = (cardNumber: number, cardClass: number): Omit<CardIdentity, 'pinVerifier'> => ({
  tenantId: 1,
  cardNumber,
  cardClass,
  expiryDay: 11322,
  issueDay: 9823,
  flags: { frozen: false, pinRequired: false, countPurse: false },
});
const purse = (balance: number): PurseState => ({
  counter: 0,
  balance,
  subsidy: 0,
  lastCreditSeq: 0,
  day: 9823,
  spentToday: 0,
  writerTerminalId: 0,
});

/** Thrown by the test's logger at the chosen step: the runtime stops there, as at a power cut. */
export class PowerCut extends Error {}

/** A logger that, at `at` (an event and a field value), copies the journal's files and throws PowerCut. */
export class CutLogger implements Logger {
  at: { event: string; field: string; value: string } | null = null;
  cutDir: string | null = null;
  readonly lines: string[] = [];
  constructor(private readonly dir: string) {}
  private hit(event: string, fields?: LogFields): void {
    this.lines.push(`${event} ${JSON.stringify(fields ?? {})}`);
    const a = this.at;
    if (!a || a.event !== event || String(fields?.[a.field]) !== a.value) return;
    this.at = null;
    this.cutDir = copyJournal(this.dir, this.dir);
    throw new PowerCut(`power cut at ${event} ${a.value}`);
  }
  debug(e: string, f?: LogFields) {
    this.hit(e, f);
  }
  info(e: string, f?: LogFields) {
    this.hit(e, f);
  }
  warn(e: string, f?: LogFields) {
    this.hit(e, f);
  }
  error(e: string, f?: LogFields) {
    this.hit(e, f);
  }
  child(): Logger {
    return this;
  }
}

/** A credit source held in memory, as the sync would fill PendingCredits. */
export class MemoryCredits implements CreditSource {
  readonly credits: PendingCredit[] = [];
  forCard(card: number, appliedUpTo: number) {
    return this.credits.filter((c) => c.card === card && c.creditSeq > appliedUpTo);
  }
  forget(card: number, appliedUpTo: number) {
    const before = this.credits.length;
    this.credits.splice(0, before, ...this.credits.filter((c) => c.card !== card || c.creditSeq > appliedUpTo));
    return before - this.credits.length;
  }
}

/**
 * A kiosk on the CCNET emulator through the real driver (virtual time), a
 * journal in a temp dir, a customer card and an operator card. restart()
 * builds a new runtime (journal as the cut left it, a fresh driver on the same
 * validator) the way a power cut and a boot would.
 */
export async function kioskRig(
  opts: {
    balanceCents?: number;
    emulator?: CcnetEmulator;
    handOverOwed?: boolean;
    printer?: SimPrinter;
    screenDisplay?: KioskScreenDisplay;
    rules?: PolicyRules;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-'));
  const clock = new ManualClock(T);
  const cv = await ccnetRig(opts.emulator);
  const reader = new VirtualReader();
  const customer = VirtualClassicCard.blank(new Uint8Array([4, 0x10, 0x01, 0x01]));
  const operator = VirtualClassicCard.blank(new Uint8Array([4, 0x90, 0x01, 0x01]));
  for (const [vcard, number, cls, cents] of [
    [customer, CUSTOMER, 1, opts.balanceCents ?? 1_000],
    [operator, OPERATOR, 9, 0],
  ] as const) {
    reader.place(vcard);
    assert.deepEqual(await cardApp.issue(reader.open()!, identity(number, cls), purse(cents)), { kind: 'written' });
    reader.remove();
  }
  const credits = new MemoryCredits();
  const receipts: TopupReceipt[] = [];
  const log = new CutLogger(dir);
  // With a printer twin: the real receipt module and ESC/POS driver; else every receipt "prints".
  const onPaper = opts.printer
    ? printedReceipts(new EscPosPrinter(simTransport(opts.printer)), PRINT_SETTINGS, {
        shopName: 'Kiosk',
        terminalId: RULES.terminalId,
        utcOffsetMinutes: UTC_OFFSET_MINUTES,
      })
    : null;

  const boot = (journal: Journal, driver: CcnetDriver) => {
    const tx = new CardTransactions(journal, cardApp, log, UTC_OFFSET_MINUTES);
    const kiosk = new KioskApp({
      journal,
      tx,
      cards: cardApp,
      acceptor: driver,
      credits,
      receipts: {
        topup: async (r) => {
          receipts.push(r);
          return onPaper ? onPaper.topup(r) : { printed: true };
        },
      },
      log,
      clock,
      utcOffsetMinutes: UTC_OFFSET_MINUTES,
      rules: opts.rules ?? RULES,
      topupMaxCents: TOPUP_MAX_CENTS,
      operatorCards: new Set([OPERATOR]),
      blacklisted: () => false,
      acceptorEnabled: true,
      handOverOwed: opts.handOverOwed ?? false,
      ...(opts.screenDisplay ? { screenDisplay: opts.screenDisplay } : {}),
    });
    kiosk.recover();
    return kiosk;
  };
  const openJournal = () => Journal.open({ path: join(dir, 'journal.db'), clock, log: silentLogger });
  const w = {
    dir,
    clock,
    log,
    reader,
    customer,
    operator,
    credits,
    receipts,
    emulator: cv.emulator,
    journal: openJournal(),
    driver: cv.driver,
    kiosk: undefined as unknown as KioskApp,
    /** Polls and lets the kiosk act on what the validator says, n times. */
    async run(n = 1): Promise<void> {
      for (let i = 0; i < n; i++) {
        await w.driver.cycle();
        await w.kiosk.pump();
      }
    },
    async tap(vcard: VirtualClassicCard): Promise<void> {
      reader.place(vcard);
      await w.kiosk.tap(reader.open()!);
    },
    async takeAway(): Promise<void> {
      reader.remove();
      await w.kiosk.cardGone();
    },
    /** The runtime boots again on the journal as the cut left it; the validator kept power unless told. */
    restart(validatorLostPower = false): void {
      w.journal.close();
      if (log.cutDir) restoreJournal(log.cutDir, dir);
      log.cutDir = null;
      reader.remove();
      if (validatorLostPower) {
        cv.emulator.powerOff();
        cv.emulator.powerOn();
      }
      w.journal = openJournal();
      const time = new VirtualTime();
      w.driver = new CcnetDriver(cv.port, { scheduler: time, clock: time, logger: log });
      w.kiosk = boot(w.journal, w.driver);
    },
    /** What the card holds, read afresh (a kiosk session on it ends: the card leaves the field). */
    async cardBalance(): Promise<number> {
      reader.remove();
      reader.place(customer);
      const read = await cardApp.read(reader.open()!);
      reader.remove();
      if (!read.ok) assert.fail(read.problem);
      return read.card.purse.balance + read.card.purse.subsidy;
    },
    close: () => {
      w.journal.close();
      return cv.close();
    },
  };
  // The rig's driver logs to the test's logger too, so a cut can fall inside a poll cycle.
  w.driver = new CcnetDriver(cv.port, { scheduler: cv.time, clock: cv.time, logger: log });
  w.kiosk = boot(w.journal, w.driver);
  return w;
}

export type KioskRig = Awaited<ReturnType<typeof kioskRig>>;

/** Booted, the customer's card on the reader, one ¥10 bill stacked and credited. */
export async function sessionWithOneBill(opts: Parameters<typeof kioskRig>[0] = {}): Promise<KioskRig> {
  const w = await kioskRig(opts);
  await w.run(6);
  await w.tap(w.customer);
  await w.run(2);
  w.emulator.insert(2);
  await w.run(8);
  return w;
}

/** No money lost: the card holds its start plus every bill in the cassette, once; nothing left owed; the box agrees. */
export async function assertNoMoneyLost(w: KioskRig, startCents = 1_000): Promise<void> {
  const cassetteCents = w.emulator.cassette.reduce(
    (n, t) => n + RMB_TABLE.find((b) => b.billType === t)!.valueCents,
    0,
  );
  assert.equal(owedCents(w.journal, CUSTOMER), 0, 'nothing left owed with the card on the reader');
  assert.equal(await w.cardBalance(), startCents + cassetteCents, 'the card holds each stacked bill once');
  assert.deepEqual(cashboxCount(w.journal), { count: w.emulator.cassette.length, amountCents: cassetteCents });
}
