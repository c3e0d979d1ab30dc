import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { cardDay } from '../../firmware/core/clock.ts';
import { silentLogger } from '../../firmware/core/log.ts';
import type { OnlineAuthorizer } from '../../firmware/online/authorizer.ts';
import { Journal } from '../../firmware/store/journal/journal.ts';
import { ClockWatch } from '../../firmware/sync/clock-watch.ts';
import { runScenario } from '../../simulator/scenario/runner.ts';
import { registerWorldCards } from '../../simulator/cli/sim-backend.ts';
import { parseScenario } from '../../simulator/scenario/schema.ts';
import { SimWorld } from '../../simulator/world.ts';
import { KIND } from '../../protocol/index.ts';
import { deriveSimRolloverKeys } from '../../firmware/store/keys/keyfile.ts';
import { EscPosPrinter } from '../../drivers/printer/printer.ts';
import { printInvoice } from '../../firmware/receipts/invoice.ts';
import { SimPrinter } from '../../simulator/printer/sim-printer.ts';
import { simTransport } from '../../simulator/printer/transport.ts';
import { validate, type Schema } from './json-schema.ts';
import { kioskTour } from '../firmware/kiosk/tour.ts';
import { rolesTour } from '../firmware/roles/tour.ts';
import { deskTour } from '../firmware/desk/tour.ts';

/**
 * PROTOCOL.md §6.6.6: the record bodies a backend receives are published as
 * protocol/record-bodies.schema.json. This holds the firmware to it: every
 * body its own code journals while running the example scenarios, credits
 * (one forfeited), online sales (approved, declined, offline) and a clock
 * step is checked against the schema, and every kind the schema lists occurs.
 */
const schema = JSON.parse(
  readFileSync(new URL('../../protocol/record-bodies.schema.json', import.meta.url), 'utf8'),
) as Schema;
const defs = schema.$defs as Record<string, Schema>;
const START = Date.parse('2026-11-23T11:30:00+08:00');

/** Every append of every Journal while `run` runs, deferred ones too: what the firmware itself writes. */
async function journaled(run: () => Promise<void>): Promise<{ kind: string; body: unknown }[]> {
  const seen: { kind: string; body: unknown }[] = [];
  type Append = (this: Journal, ...args: Parameters<Journal['append']>) => ReturnType<Journal['append']>;
  const methods = ['append', 'appendDeferred'] as const;
  const proto = Journal.prototype as unknown as Record<(typeof methods)[number], Append>;
  const originals = methods.map((m) => proto[m]);
  methods.forEach((m, i) => {
    proto[m] = function (this: Journal, ...args) {
      const rec = originals[i].apply(this, args);
      seen.push({ kind: rec.kind, body: rec.body });
      return rec;
    };
  });
  try {
    await run();
  } finally {
    methods.forEach((m, i) => (proto[m] = originals[i]));
  }
  return seen;
}

async function scenarios(): Promise<void> {
  const dir = new URL('../../examples/', import.meta.url);
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json') && !n.startsWith('terminal-')) // terminal-*: configs, not scenarios
    .sort()) {
    await runScenario(parseScenario(JSON.parse(readFileSync(new URL(f, dir), 'utf8')), f));
  }
}

async function creditsAndClock(): Promise<void> {
  const w = new SimWorld({ seed: 9, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    const t = w.terminal('pos1');
    const today = cardDay(w.clock.nowMs(), t.terminal.config.terminal.utcOffsetMinutes);
    t.terminal.credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0 },
      { card: 1001, creditSeq: 2, balanceCents: 200, subsidyCents: 0, expiryDay: today - 1 },
    ]);
    await w.tap('pos1', 'alice');
    for (const k of ['1', 'confirm']) w.key('pos1', k);
    await w.tap('pos1', 'alice', { tearAfterBytes: 0 }); // gone before the first byte: card.abort
    // §6.2: the sync client's clock watch, writing to this terminal's journal, stepping its clock.
    new ClockWatch(t.clock, silentLogger, t.terminal.journal, t.clock).welcomed(t.clock.nowMs() - 3_600_000);
    // The simulator, standing in for the issuing desk, journals the cards of its world (sim --backend).
    registerWorldCards(w, 'pos1');
  } finally {
    w.close();
  }
}

/** A sale's print-once invoice, printed twice on the printer twin: invoice.printed, original then copy. */
async function invoice(): Promise<void> {
  const w = new SimWorld({ seed: 11, startMs: START });
  try {
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    for (const k of ['2', 'confirm']) w.key('pos1', k);
    const sale = (await w.tap('pos1', 'alice')).receipts[0]!.sale!;
    const t = w.terminal('pos1').terminal;
    const printer = new EscPosPrinter(simTransport(new SimPrinter()));
    for (let i = 0; i < 2; i++) await printInvoice(t.journal, printer, sale, t.config.pos.printer);
  } finally {
    w.close();
  }
}

/** Member points (§6.5.1): a sale and its undo with points, a top-up with a bonus, a level change applied. */
async function points(): Promise<void> {
  const w = new SimWorld({ seed: 15, startMs: START });
  try {
    const classes = [
      { id: 1, name: { zh: '员工', en: 'Staff' } },
      { id: 7, name: { zh: '金卡', en: 'Gold' } },
    ];
    const rules = { saleCentsPerPoint: 100, topupBonuses: [{ minTopupCents: 1_000, bonusSubsidyCents: 100 }] };
    w.addTerminal({
      name: 'pos1',
      id: 101,
      points: rules,
      cardClasses: [...classes, { id: 9, operator: true, name: classes[0].name }],
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    await w.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
    w.terminal('pos1').terminal.credits.add([
      { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 0, expiryDay: 0, cardClass: 7 },
    ]);
    await w.tap('pos1', 'op');
    for (const keys of [['5', 'confirm'], ['undo'], ['topup', '1', '0', 'confirm']]) {
      for (const k of keys) w.key('pos1', k);
      await w.tap('pos1', 'alice');
    }
  } finally {
    w.close();
  }
}

async function online(): Promise<void> {
  let up = true;
  const authorizer: OnlineAuthorizer = {
    async authorize(req) {
      if (!up) return { kind: 'unavailable', why: 'timeout' };
      return req.amountCents > 2_000
        ? { kind: 'declined', reason: 'insufficient-balance' }
        : { kind: 'approved', authCode: `A${req.stan}`, balanceCents: 1_000 };
    },
  };
  const w = new SimWorld({ seed: 4, startMs: START });
  try {
    w.addTerminal({
      name: 'pos1',
      id: 101,
      authorizer,
      pos: { online: { deadlineMs: 1_500, offlineFloorPerSaleCents: 1_500, offlineFloorPerCardDayCents: 2_500 } },
    });
    await w.addCard({ name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 });
    for (const amount of ['12', '30']) {
      for (const k of [...amount, 'confirm']) w.key('pos1', k);
      await w.tap('pos1', 'dave');
    }
    up = false;
    for (const k of ['5', 'confirm']) w.key('pos1', k);
    await w.tap('pos1', 'dave');
  } finally {
    w.close();
  }
}

/** A card on the previous key version tapped at a POS during a rollover: card.rekeyed before the sale. */
async function rekeyAtTap(): Promise<void> {
  const w = new SimWorld({ seed: 12, startMs: START });
  try {
    const next = deriveSimRolloverKeys(13, w.masterKeys);
    const keyRing = { current: { keyVersion: 2, keys: next }, previous: { keyVersion: 1, keys: w.masterKeys } };
    w.addTerminal({ name: 'pos1', id: 101, keyRing });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    for (const k of ['2', 'confirm']) w.key('pos1', k);
    await w.tap('pos1', 'alice');
  } finally {
    w.close();
  }
}

test('every body the firmware journals matches the published schema of its kind, and every kind occurs', async () => {
  const seen = await journaled(async () => {
    await scenarios();
    await creditsAndClock();
    await online();
    await kioskTour();
    await rolesTour();
    await invoice();
    await points();
    await deskTour();
    await rekeyAtTap();
  });
  const problems = seen.flatMap((r) =>
    defs[r.kind] ? validate(defs[r.kind], r.body, schema, r.kind) : [`${r.kind}: not in the schema`],
  );
  assert.deepEqual(problems, []);
  const kinds = new Set(seen.map((r) => r.kind));
  assert.deepEqual(
    Object.keys(defs).filter((k) => !kinds.has(k)),
    [],
    'each kind of the schema written at least once',
  );
  assert.ok(
    seen.some((r) => r.kind === KIND.intent && (r.body as { forfeitedSeqs?: number[] }).forfeitedSeqs),
    'a credit with a forfeited seq',
  );
  const intents = seen
    .filter((r) => r.kind === KIND.intent)
    .map((r) => r.body as { points?: number; cardClass?: number });
  assert.ok(intents.some((b) => (b.points ?? 0) > 0) && intents.some((b) => (b.points ?? 0) < 0), 'points both ways');
  assert.ok(
    intents.some((b) => b.cardClass === 7),
    'a level change applied',
  );
  assert.ok(
    seen.some((r) => r.kind === KIND.intent && (r.body as { otherSlot: unknown }).otherSlot === null),
    'a fresh card: otherSlot null',
  );
});

test('the schema refuses what it should: a wrong type, a missing field, an unknown field, an uppercase uid', () => {
  const intent = { kind: 'card.commit', body: { intentSeq: 3 } };
  assert.deepEqual(validate(defs[intent.kind], intent.body, schema), []);
  assert.notDeepEqual(validate(defs['card.commit'], { intentSeq: '3' }, schema), []);
  assert.notDeepEqual(validate(defs['card.abort'], { intentSeq: 3 }, schema), []);
  assert.notDeepEqual(validate(defs['card.commit'], { intentSeq: 3, extra: 1 }, schema), []);
  assert.notDeepEqual(
    validate(defs['tap.refused'], { cardNumber: null, uid: '04A1', reason: 'x', detail: '' }, schema),
    [],
  );
});

test('the schema lists exactly the record kinds protocol/ defines (KIND)', () => {
  assert.deepEqual(Object.keys(defs).sort(), Object.values(KIND).sort());
});

test('the golden journal vectors carry bodies the schema accepts (journal-cases.json)', () => {
  const cases = JSON.parse(
    readFileSync(new URL('../vectors/protocol/journal-cases.json', import.meta.url), 'utf8'),
  ) as { cases: { records: { kind: string; body: unknown }[] }[] };
  const records = cases.cases.flatMap((c) => c.records);
  assert.ok(records.some((r) => r.kind === KIND.doorAlarm) && records.some((r) => r.kind === KIND.parkingExit));
  const problems = records.flatMap((r) =>
    defs[r.kind] ? validate(defs[r.kind], r.body, schema, r.kind) : [`${r.kind}: not in the schema`],
  );
  assert.deepEqual(problems, []);
});
