import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Backend } from '../../backend/backend.ts';
import { SimWorld } from '../../simulator/world.ts';
import { runAdmin } from '../../backend/admin.ts';
import { correctionCents } from '../../backend/replacements.ts';
import type { LandedWrite } from '../../backend/ledger.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from '../e2e/harness.ts';

/**
 * 补卡 (docs/cards.md, "Replacement"): a lost card is replaced while three
 * terminals still hold its offline sales; they upload afterwards in each of
 * the 6 orders. Whatever the order, the new card ends holding the proven
 * balance less exactly those sales, and the backend's corrections say the same.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const OLD = 1001;
const NEW = 2002;
const OPENING_CENTS = 10_000;
const SALES = { pos1: '5', pos2: '7.50', pos3: '11' } as const;
const SALES_CENTS = 500 + 750 + 1_100;
type Far = keyof typeof SALES;

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

async function sell(w: SimWorld, net: Net, terminal: string, card: string, amount: string): Promise<void> {
  for (const k of [...amount, 'confirm']) w.key(terminal, k);
  const out = await net.settle(w.tap(terminal, card));
  assert.deepEqual(out.beeps, ['ok'], `${terminal} sells ${amount} to ${card}`);
}

/** Until the backend holds all of the terminal's journal and the terminal holds the backend's credits list. */
async function synced(w: SimWorld, net: Net, name: string, s: Synced): Promise<void> {
  const t = w.terminal(name).terminal;
  const id = t.config.terminal.id;
  const done = () =>
    net.b.journal.highWater(id) >= t.journal.lastSeq() &&
    s.state.listVersion('credits') === net.b.lists.version('credits') &&
    t.blacklist.version() === net.b.lists.version('blacklist');
  assert.ok(await net.until(done, 30_000), `${name} in step with the backend`);
}

/** Stops every sync link, then the world and the network (each test's teardown). */
function closeAll(w: SimWorld, net: Net, links: readonly Synced[]): void {
  for (const s of links) {
    s.client.stop();
    s.state.close();
  }
  w.close();
  net.close();
}

async function purseCents(w: SimWorld, card: string): Promise<number> {
  const c = await w.inspect(card);
  return c.purse.balance + c.purse.subsidy;
}

for (const order of permutations<Far>(['pos1', 'pos2', 'pos3'])) {
  test(`replacement: the old card's offline sales arriving ${order.join(' → ')} leave the holder's money right`, async () => {
    const w = new SimWorld({ seed: 15, startMs: START });
    const net = new Net(w.clock, 15, { log: false });
    const links: Synced[] = [];
    try {
      const desk = authorizerFor(net);
      w.addTerminal({ name: 'desk', id: 100, authorizer: desk });
      const deskSync = syncTerminal(w, 'desk', net, desk);
      links.push(deskSync);
      for (const [i, name] of (['pos1', 'pos2', 'pos3'] as const).entries()) w.addTerminal({ name, id: 101 + i });
      await w.addCard({ name: 'old', uid: '04a1b2c3', number: OLD, cardClass: 1 });
      await w.addCard({ name: 'new', uid: '04d1d2d3', number: NEW, cardClass: 1 });

      // The opening money, owed by the backend and landed on the old card at the desk: the backend has seen it land.
      net.b.cards.register([OLD, NEW], 'test', w.clock.nowMs());
      net.b.credit(OLD, OPENING_CENTS, 'balance', 'topup');
      await synced(w, net, 'desk', deskSync);
      await net.settle(w.tap('desk', 'old'));
      await synced(w, net, 'desk', deskSync);
      assert.equal(net.b.cardReport(OLD).counter, 1);

      // Offline sales at three terminals that have not synced since.
      for (const name of ['pos1', 'pos2', 'pos3'] as const) await sell(w, net, name, 'old', SALES[name]);
      assert.equal(await purseCents(w, 'old'), OPENING_CENTS - SALES_CENTS);

      // Reported lost and replaced: the backend can prove 100.00 (counter 1); the new card gets it.
      const r = net.b.cardReplace(OLD, NEW);
      assert.ok(r.ok, r.ok ? '' : r.problem);
      assert.equal(r.replacement.carriedCents, OPENING_CENTS);
      assert.equal(r.replacement.provenCounter, 1);
      assert.equal(net.b.cardReplace(OLD, NEW).ok, false, 'a second replacement is refused');
      await synced(w, net, 'desk', deskSync);
      await net.settle(w.tap('desk', 'new'));
      assert.equal(await purseCents(w, 'new'), OPENING_CENTS, 'the proven balance is carried');

      // The far terminals come online one by one; the new card taps after each upload (and spends a little).
      let spentNewCents = 0;
      for (const name of order) {
        const auth = authorizerFor(net);
        const s = syncTerminal(w, name, net, auth);
        links.push(s);
        await synced(w, net, name, s);
        await synced(w, net, 'desk', deskSync);
        await net.settle(w.tap('desk', 'new'));
        await sell(w, net, 'desk', 'new', '1');
        spentNewCents += 100;
      }
      await synced(w, net, 'desk', deskSync);
      await net.settle(w.tap('desk', 'new'));
      assert.equal(await purseCents(w, 'new'), OPENING_CENTS - SALES_CENTS - spentNewCents);
      const after = net.b.replacements.of(OLD);
      assert.equal(after?.correctedCents, -SALES_CENTS, "the corrections are the old card's late sales, once each");
      assert.ok(w.terminal('pos1').terminal.blacklist.has(OLD), 'the old number is listed everywhere');
    } finally {
      closeAll(w, net, links);
    }
  });
}

test("correctionCents counts the old card's landed writes above the proven counter, credits left out", () => {
  const purse = { counter: 0, balance: 0, subsidy: 0, lastCreditSeq: 0, day: 0, spentToday: 0, writerTerminalId: 0 };
  const w = (counterAfter: number, tx: string, chargedCents: number): LandedWrite => ({
    terminal: 1,
    seq: counterAfter,
    tx,
    counterAfter,
    chargedCents,
    purse,
  });
  const landed = [
    w(1, 'topup', -5_000),
    w(2, 'sale', 300),
    w(3, 'credit', -1_000),
    w(4, 'sale', 200),
    w(5, 'undo', -200),
  ];
  assert.equal(correctionCents(landed, 1), -300);
  assert.equal(correctionCents(landed, 3), 0);
  assert.equal(correctionCents(landed, 5), 0);
});

test('card replace by hand: refused for unknown cards and twice; a replaced card cannot be found again', async () => {
  const w = new SimWorld({ seed: 16, startMs: START });
  const net = new Net(w.clock, 16, { log: false });
  try {
    assert.match(runAdmin(net.b, ['card', 'replace', '1001']).lines.join(), /usage|card replace <old> <new>/);
    assert.equal(runAdmin(net.b, ['card', 'replace', '1001', '2002']).code, 1, 'unknown cards');
    net.b.cards.register([OLD, NEW], 'test', w.clock.nowMs());
    const r = runAdmin(net.b, ['card', 'replace', '1001', '2002']);
    assert.equal(r.code, 0, r.lines.join('\n'));
    assert.match(r.lines[0], /card 1001 replaced by 2002: 1001 listed, 2002 owed 0\.00/);
    assert.match(runAdmin(net.b, ['card', 'replace', '1001', '2002']).lines[0], /replaced already; nothing changed/);
    const found = runAdmin(net.b, ['card', 'found', '1001']);
    assert.equal(found.code, 1);
    assert.match(found.lines[0], /replaced by 2002: it stays listed/);
    const credit = runAdmin(net.b, ['credit', '1001', '5.00']);
    assert.equal(credit.code, 1);
    assert.match(credit.lines[0], /replaced by 2002: credit 2002 instead; nothing changed/);
    assert.ok(net.b.lists.isBlacklisted(OLD));
    for (const card of ['1001', '2002'])
      assert.match(
        runAdmin(net.b, ['card', 'show', card]).lines.join('\n'),
        /补卡 1001 → 2002: carried 0\.00 \(counter 0\)/,
      );
  } finally {
    w.close();
    net.close();
  }
});

test('replacement: a credit the old card applied offline after the proven counter is not paid twice', async () => {
  const w = new SimWorld({ seed: 17, startMs: START });
  const net = new Net(w.clock, 17, { log: false });
  const links: Synced[] = [];
  try {
    const deskAuth = authorizerFor(net);
    w.addTerminal({ name: 'desk', id: 100, authorizer: deskAuth });
    const desk = syncTerminal(w, 'desk', net, deskAuth);
    links.push(desk);
    const posAuth = authorizerFor(net);
    w.addTerminal({ name: 'pos1', id: 101, authorizer: posAuth });
    let pos = syncTerminal(w, 'pos1', net, posAuth);
    await w.addCard({ name: 'old', uid: '04a1b2c3', number: OLD, cardClass: 1 });
    await w.addCard({ name: 'new', uid: '04d1d2d3', number: NEW, cardClass: 1 });
    net.b.cards.register([OLD, NEW], 'test', w.clock.nowMs());
    net.b.credit(OLD, OPENING_CENTS, 'balance', 'topup');
    await synced(w, net, 'desk', desk);
    await net.settle(w.tap('desk', 'old'));
    // A subsidy is owed; pos1 holds it, then goes offline and lands it on the old card with a sale.
    net.b.credit(OLD, 2_000, 'subsidy', 'subsidy');
    await synced(w, net, 'desk', desk);
    await synced(w, net, 'pos1', pos);
    pos.client.stop();
    pos.state.close();
    await sell(w, net, 'pos1', 'old', '3');
    assert.equal(await purseCents(w, 'old'), OPENING_CENTS + 2_000 - 300, 'the credit landed offline, then the sale');

    const r = net.b.cardReplace(OLD, NEW);
    assert.ok(r.ok && r.replacement.carriedCents === OPENING_CENTS + 2_000, 'the owed subsidy is carried');
    pos = syncTerminal(w, 'pos1', net, posAuth);
    links.push(pos);
    await synced(w, net, 'pos1', pos);
    await synced(w, net, 'desk', desk);
    await net.settle(w.tap('desk', 'new'));
    assert.equal(await purseCents(w, 'new'), OPENING_CENTS + 2_000 - 300, 'the sale taken back, the credit not again');
    assert.equal(net.b.replacements.of(OLD)?.correctedCents, -300);
  } finally {
    closeAll(w, net, links);
  }
});

test("replacement: a late sale the old card paid from its subsidy is taken back from the new card's subsidy", async () => {
  const w = new SimWorld({ seed: 18, startMs: START });
  const net = new Net(w.clock, 18, { log: false });
  const links: Synced[] = [];
  try {
    const deskAuth = authorizerFor(net);
    w.addTerminal({ name: 'desk', id: 100, authorizer: deskAuth });
    const desk = syncTerminal(w, 'desk', net, deskAuth);
    links.push(desk);
    w.addTerminal({ name: 'pos1', id: 101 });
    await w.addCard({ name: 'old', uid: '04a1b2c3', number: OLD, cardClass: 1 });
    await w.addCard({ name: 'new', uid: '04d1d2d3', number: NEW, cardClass: 1 });
    net.b.cards.register([OLD, NEW], 'test', w.clock.nowMs());
    net.b.credit(OLD, OPENING_CENTS, 'balance', 'topup');
    net.b.credit(OLD, 2_000, 'subsidy', 'subsidy');
    await synced(w, net, 'desk', desk);
    await net.settle(w.tap('desk', 'old'));
    await synced(w, net, 'desk', desk);
    // pos1 has never synced: its sale is late, paid from the subsidy wallet first.
    await sell(w, net, 'pos1', 'old', '3');
    const old = (await w.inspect('old')).purse;
    assert.deepEqual([old.balance, old.subsidy], [OPENING_CENTS, 1_700], 'the sale came from the subsidy');

    assert.ok(net.b.cardReplace(OLD, NEW).ok);
    const auth = authorizerFor(net);
    const pos = syncTerminal(w, 'pos1', net, auth);
    links.push(pos);
    await synced(w, net, 'pos1', pos);
    await synced(w, net, 'desk', desk);
    await net.settle(w.tap('desk', 'new'));
    const now = (await w.inspect('new')).purse;
    assert.deepEqual([now.balance, now.subsidy], [OPENING_CENTS, 1_700], 'each wallet as the old card left it');
    const corrections = net.b.lists.creditsOf(NEW).filter((c) => c.amount < 0);
    assert.deepEqual(
      corrections.map((c) => [c.amount, c.purse]),
      [[-300, 'subsidy']],
    );
    assert.equal(net.b.replacements.of(OLD)?.correctedCents, -300);
    // The holder's money to the cent: the ledger's purse of the new card is what the card holds.
    await synced(w, net, 'desk', desk);
    const report = net.b.cardReport(NEW);
    assert.deepEqual([report.purse?.balance, report.purse?.subsidy], [OPENING_CENTS, 1_700]);
  } finally {
    closeAll(w, net, links);
  }
});

test('a database from before corrections by wallet gains the column, and its replacements go on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-replacements-'));
  try {
    const dbPath = join(dir, 'backend.db');
    const clock = { nowMs: () => START };
    const first = Backend.open({ dbPath, clock });
    first.cards.register([OLD, NEW], 'test', START);
    first.stop();
    const raw = new Database(dbPath);
    raw.exec('ALTER TABLE replacements DROP COLUMN corrected_subsidy_cents');
    raw.close();
    const b = Backend.open({ dbPath, clock });
    try {
      assert.ok(b.cardReplace(OLD, NEW).ok);
      assert.equal(b.replacements.of(OLD)?.correctedCents, 0);
      assert.equal(b.replacements.settle(OLD, START), false, 'nothing late: nothing issued');
    } finally {
      b.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
