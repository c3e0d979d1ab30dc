import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardApp } from '../../../firmware/card/app.ts';
import { recordsAdmin } from '../../../backend/admin-records.ts';
import { PAYOUT_DAY_SCOPE } from '../../../firmware/card-tx/card-tx.ts';
import { cardDay, cardDayToIso } from '../../../firmware/core/clock.ts';
import type { DeskOp, IssueSpec } from '../../../firmware/desk/desk-ops.ts';
import { SimWorld } from '../../../simulator/world.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from '../../e2e/harness.ts';

/**
 * A card's whole life at the card office (docs/cards.md), through the real
 * MFRC522 driver on the chip emulator, with the backend on the other end of the
 * sync: issue with an opening deposit, a cash deposit, a sale elsewhere, loss
 * and unloss, cancellation with the payout and the wipe. After every step the
 * card and the backend's ledger agree on the money.
 */
const START = Date.parse('2026-11-23T09:00:00+08:00');
const CARD = 3001;

interface Rig {
  w: SimWorld;
  net: Net;
  links: Map<string, Synced>;
}

async function rig(seed: number): Promise<Rig> {
  const w = new SimWorld({ seed, startMs: START, reader: 'mfrc522' });
  const net = new Net(w.clock, seed, { log: false });
  const links = new Map<string, Synced>();
  const desk = authorizerFor(net);
  w.addTerminal({ name: 'desk', id: 100, desk: true, authorizer: desk });
  links.set('desk', syncTerminal(w, 'desk', net, desk));
  const pos = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: pos });
  links.set('pos1', syncTerminal(w, 'pos1', net, pos));
  return { w, net, links };
}

function close(r: Rig): void {
  for (const s of r.links.values()) {
    s.client.stop();
    s.state.close();
  }
  r.w.close();
  r.net.close();
}

/** Until the backend holds every journal and every terminal the backend's lists. */
async function inStep(r: Rig): Promise<void> {
  const done = () =>
    [...r.links].every(([name, s]) => {
      const t = r.w.terminal(name).terminal;
      return (
        r.net.b.journal.highWater(t.config.terminal.id) >= t.journal.lastSeq() &&
        s.state.listVersion('credits') === r.net.b.lists.version('credits') &&
        t.blacklist.version() === r.net.b.lists.version('blacklist')
      );
    });
  assert.ok(await r.net.until(done, 30_000), 'terminals and backend in step');
}

function desk(r: Rig) {
  const role = r.w.terminal('desk').terminal.role;
  if (role.role !== 'desk') throw new Error('not a desk');
  return role.desk;
}

async function deskDo(r: Rig, op: DeskOp, card: string): Promise<string[]> {
  const asked = desk(r).request(op);
  assert.doesNotMatch(asked.join('\n'), /refused/, asked.join('\n'));
  return r.net.settle(r.w.deskTap('desk', card));
}

/** The card's purse (read as the issuer would) and the backend's ledger agree, and say `cents`. */
async function reconciled(r: Rig, card: string, cardNumber: number, cents: number): Promise<void> {
  await inStep(r);
  const c = await r.w.inspect(card);
  assert.equal(c.purse.balance + c.purse.subsidy, cents, 'on the card');
  const report = r.net.b.cardReport(cardNumber);
  assert.equal((report.purse?.balance ?? 0) + (report.purse?.subsidy ?? 0), cents, 'at the backend');
  assert.equal(report.open, 0, 'no write left open');
  assert.deepEqual(report.gaps, []);
}

function spec(r: Rig, s: Partial<IssueSpec>): IssueSpec {
  const today = cardDay(r.w.clock.nowMs(), 480);
  return {
    holder: 'Wang Fang',
    cardNumber: CARD,
    cardClass: 1,
    expiryDay: today + 365,
    pin: '1234',
    depositCents: 0,
    replaces: null,
    ...s,
  };
}

test('a card from issue to cancellation at the desk: the card and the backend agree at every step', async () => {
  const r = await rig(21);
  try {
    r.w.addBlankCard('card', '04c1c2c3');
    const issued = await deskDo(r, { kind: 'issue', spec: spec(r, { depositCents: 50_000 }) }, 'card');
    assert.match(issued.join('\n'), /issued card 3001 to Wang Fang/);
    assert.match(issued.join('\n'), /deposit 500\.00 taken/);
    await reconciled(r, 'card', CARD, 50_000);
    assert.ok(r.net.b.cards.known(CARD), 'the backend knows the card from its card.issued');

    await deskDo(r, { kind: 'deposit', amountCents: 10_000 }, 'card');
    await reconciled(r, 'card', CARD, 60_000);

    for (const k of ['1', '2', '.', '5', 'confirm']) r.w.key('pos1', k);
    assert.deepEqual((await r.net.settle(r.w.tap('pos1', 'card'))).beeps, ['ok']);
    await reconciled(r, 'card', CARD, 58_750);

    const read = await deskDo(r, { kind: 'read' }, 'card');
    assert.match(read.join('\n'), /total 587\.50/);
    assert.match(read.join('\n'), /PIN set/);
    assert.match(read.join('\n'), /not listed/);

    // 挂失 and 解挂: list updates that reach the terminals; the card is refused, then taken again.
    r.net.b.cardLost(CARD);
    await inStep(r);
    for (const k of ['1', 'confirm']) r.w.key('pos1', k);
    assert.equal((await r.net.settle(r.w.tap('pos1', 'card'))).screen.customer.en, 'Card reported lost');
    assert.match((await deskDo(r, { kind: 'cancel' }, 'card')).join('\n'), /refused: .*unloss it first/);
    desk(r).abandon();
    r.net.b.cardFound(CARD);
    await inStep(r);
    for (const k of ['1', 'confirm']) r.w.key('pos1', k);
    assert.deepEqual((await r.net.settle(r.w.tap('pos1', 'card'))).beeps, ['ok']);
    await reconciled(r, 'card', CARD, 58_650);

    // 退卡: the balance is paid out by a write the ledger sees, the card is wiped, the number listed.
    const cancelled = await deskDo(r, { kind: 'cancel' }, 'card');
    assert.match(cancelled.join('\n'), /card 3001 cancelled: pay out 586\.50 in cash/);
    assert.match(cancelled.join('\n'), /wiped back to transport keys/);
    await inStep(r);
    const report = r.net.b.cardReport(CARD);
    assert.equal(report.purse?.balance, 0);
    assert.equal(report.movedCents, 0, 'deposits in, sales and payout out: nothing left owed');
    // A payout is not a sale: the desk's day totals and the backend's per-terminal totals keep it apart.
    const deskJournal = r.w.terminal('desk').terminal.journal;
    const day = cardDayToIso(cardDay(r.w.clock.nowMs(), 480));
    assert.deepEqual(deskJournal.totals(PAYOUT_DAY_SCOPE, day), { count: 1, amountCents: 58_650 });
    assert.deepEqual(deskJournal.totals('sales-day', day), { count: 0, amountCents: 0 }, 'no sale at the desk');
    const byTx = new Map(r.net.b.ledger.totalsByTx(100).map((t) => [t.tx, t]));
    assert.deepEqual(byTx.get('payout'), { tx: 'payout', count: 1, cents: 58_650 });
    assert.equal(byTx.get('sale'), undefined, 'the desk sold nothing');
    assert.equal(byTx.get('topup')?.cents, -60_000);
    assert.equal(r.net.b.ledger.totalsByTx(101).find((t) => t.tx === 'sale')?.cents, 1_350, "pos1's sales alone");
    const records = recordsAdmin(r.net.b, ['100']).lines.join('\n');
    assert.match(records, /payout +1 +586\.50/);
    assert.doesNotMatch(records, /sale /);
    assert.ok(r.net.b.lists.isBlacklisted(CARD), 'the cancelled number is blacklisted');
    assert.ok(r.w.terminal('pos1').terminal.blacklist.has(CARD));
    // Blank again: the issuing station can give the card out anew.
    const reader = new VirtualReader();
    reader.place(r.w.card('card').card);
    const again = await new CardApp(r.w.masterKeys).read(reader.open()!);
    assert.equal(again.ok ? 'read' : again.reason, 'auth-failed', 'transport keys: not our card any more');
  } finally {
    close(r);
  }
});

test('补卡 at the desk: the replacement carries the balance the backend can prove', async () => {
  const r = await rig(22);
  try {
    r.w.addBlankCard('old', '04a0a0a0');
    r.w.addBlankCard('new', '04b0b0b0');
    await deskDo(r, { kind: 'issue', spec: spec(r, { depositCents: 20_000 }) }, 'old');
    for (const k of ['3', 'confirm']) r.w.key('pos1', k);
    await r.net.settle(r.w.tap('pos1', 'old'));
    await reconciled(r, 'old', CARD, 19_700);

    r.net.b.cardLost(CARD);
    const lines = await deskDo(r, { kind: 'issue', spec: spec(r, { cardNumber: 3002, replaces: CARD }) }, 'new');
    assert.match(lines.join('\n'), /replaces card 3001/);
    await inStep(r);
    assert.equal(r.net.b.replacements.of(CARD)?.carriedCents, 19_700);
    const read = await deskDo(r, { kind: 'read' }, 'new');
    assert.match(read.join('\n'), /total 197\.00/, read.join('\n'));
    await reconciled(r, 'new', 3002, 19_700);
    for (const k of ['1', 'confirm']) r.w.key('pos1', k);
    assert.equal((await r.net.settle(r.w.tap('pos1', 'old'))).screen.customer.en, 'Card reported lost');
  } finally {
    close(r);
  }
});

test('the desk refuses a bad request with the reason and changes nothing', async () => {
  const r = await rig(23);
  try {
    const d = desk(r);
    const seq = r.w.terminal('desk').terminal.journal.lastSeq();
    assert.match(d.request({ kind: 'deposit', amountCents: 0 }).join(), /refused: deposit must be a positive amount/);
    assert.match(d.request({ kind: 'issue', spec: spec(r, { pin: '12' }) }).join(), /PIN must be 4 to 6 digits/);
    assert.match(d.request({ kind: 'issue', spec: spec(r, { cardClass: 77 }) }).join(), /class 77 is not/);
    assert.match(d.request({ kind: 'issue', spec: spec(r, { holder: ' ' }) }).join(), /holder must be/);
    r.net.b.cards.register([CARD], 'test', r.w.clock.nowMs());
    r.net.b.cardLost(CARD);
    await inStep(r);
    assert.match(d.request({ kind: 'issue', spec: spec(r, {}) }).join(), /card number 3001 is listed/);
    assert.equal(d.state.mode, 'idle');
    assert.equal(r.w.terminal('desk').terminal.journal.lastSeq(), seq);
  } finally {
    close(r);
  }
});
