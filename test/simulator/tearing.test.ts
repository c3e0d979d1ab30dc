import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../../simulator/world.ts';
import { KIND } from '../../firmware/card-tx/records.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';

const START = Date.parse('2026-11-23T11:30:00+08:00');
const SALE_WRITE_BYTES = 32; // one purse slot = two blocks
// 3 sector auths + 6 reads (no level slot: the default site gives no levels), then 2 writes + 2 read-backs:
// alice's first sale writes slot 1, in sector 3, read last with key B, so the write needs no auth of its own.
const SALE_OPS = 13;

/** Every test runs twice: on the virtual-reader shortcut, and through the MFRC522 driver on the chip emulator. */
const READERS = ['virtual', 'mfrc522'] as const;
let reader: (typeof READERS)[number] = 'virtual';

async function world(terminals = ['pos1']): Promise<SimWorld> {
  const w = new SimWorld({ seed: 7, startMs: START, reader });
  terminals.forEach((name, i) => w.addTerminal({ name, id: 101 + i }));
  await w.addCard({
    name: 'alice',
    uid: '04a1b2c3',
    number: 1001,
    cardClass: 1,
    balanceCents: 5_000,
    subsidyCents: 1_000,
  });
  return w;
}

function type(w: SimWorld, terminal: string, amount: string): void {
  for (const k of [...amount, 'confirm']) w.key(terminal, k);
}

async function assertPaidOnce(w: SimWorld, label: string): Promise<void> {
  const card = await w.inspect('alice');
  assert.equal(
    card.purse.balance + card.purse.subsidy,
    6_000 - 1_250,
    `${label}: exactly one sale of 12.50 on the card`,
  );
  assert.equal(card.purse.counter, 1, `${label}: one landed write`);
  const report = await w.reconcile();
  assert.deepEqual(report.problems, [], `${label}: money reconciles`);
  assert.equal(report.unresolved, 0, `${label}: nothing left uncertain`);
}

for (const r of READERS)
  test(`${r}: a tear after every byte of the sale write is settled by the next tap, exactly once`, async () => {
    reader = r;
    for (let k = 0; k <= SALE_WRITE_BYTES; k++) {
      const w = await world();
      try {
        type(w, 'pos1', '12.50');
        const torn = await w.tap('pos1', 'alice', { tearAfterBytes: k });
        assert.deepEqual(torn.beeps, ['retry'], `k=${k}: the cashier hears "tap again"`);
        assert.equal(torn.screen.customer.en, 'Please tap again');
        assert.equal(w.terminal('pos1').terminal.pos.mode, 'retap');
        const intents = [...scanJournal(w.terminal('pos1').terminal.journal)];
        // Up to the MAC block the terminal knows nothing landed; past it, only the card can tell.
        assert.equal(intents[1].kind, k <= 16 ? KIND.abort : KIND.uncertain, `k=${k}: outcome record`);
        const again = await w.tap('pos1', 'alice');
        assert.deepEqual(again.beeps, ['ok'], `k=${k}: second tap completes the sale`);
        assert.match(again.screen.customer.en, /Paid 12\.50 balance 47\.50/);
        await assertPaidOnce(w, `k=${k}`);
        const kinds = [...scanJournal(w.terminal('pos1').terminal.journal)].map((r) => r.kind);
        if (k === SALE_WRITE_BYTES)
          assert.deepEqual(
            kinds,
            [KIND.intent, KIND.uncertain, KIND.settle],
            'the write had landed: settled, not written again',
          );
        else if (k > 16) assert.deepEqual(kinds, [KIND.intent, KIND.uncertain, KIND.settle, KIND.intent, KIND.commit]);
        else assert.deepEqual(kinds, [KIND.intent, KIND.abort, KIND.intent, KIND.commit]);
      } finally {
        w.close();
      }
    }
  });

for (const r of READERS)
  test(`${r}: the card pulled before any command of the sale: nothing lost, next tap completes`, async () => {
    reader = r;
    for (let n = 0; n < SALE_OPS; n++) {
      const w = await world();
      try {
        type(w, 'pos1', '12.50');
        const first = await w.tap('pos1', 'alice', { removeBeforeOp: n });
        assert.notDeepEqual(first.beeps, ['ok'], `n=${n}: not reported as paid`);
        const again = await w.tap('pos1', 'alice');
        assert.deepEqual(again.beeps, ['ok'], `n=${n}`);
        await assertPaidOnce(w, `n=${n}`);
      } finally {
        w.close();
      }
    }
  });

for (const r of READERS)
  test(`${r}: a torn card settles at another terminal; the first terminal settles its record when the card returns`, async () => {
    reader = r;
    for (const k of [20, 32]) {
      const w = await world(['pos1', 'pos2']);
      try {
        type(w, 'pos1', '12.50');
        await w.tap('pos1', 'alice', { tearAfterBytes: k });
        w.key('pos1', 'cancel'); // the customer walked off to the other till
        type(w, 'pos2', '3.00');
        const other = await w.tap('pos2', 'alice');
        assert.deepEqual(other.beeps, ['ok'], `k=${k}: the card works at pos2 at once`);
        const card = await w.inspect('alice');
        const landed = k === 32;
        assert.equal(
          card.purse.balance + card.purse.subsidy,
          6_000 - 300 - (landed ? 1_250 : 0),
          `k=${k}: the card holds old-or-new, plus pos2's sale`,
        );
        // Money reconciles from the evidence pos2 recorded, before pos1 ever sees the card again.
        assert.deepEqual((await w.reconcile()).problems, [], `k=${k}`);
        await w.tap('pos1', 'alice'); // a balance query at pos1 settles its own record
        const settle = [...scanJournal(w.terminal('pos1').terminal.journal)].find((r) => r.kind === KIND.settle);
        assert.equal(
          (settle?.body as { outcome: string } | undefined)?.outcome,
          landed ? 'landed' : 'not-landed',
          `k=${k}`,
        );
      } finally {
        w.close();
      }
    }
  });

for (const r of READERS)
  test(`${r}: power cut between the intent and its outcome: start-up marks it uncertain, the card settles it`, async () => {
    reader = r;
    for (const k of [10, 32]) {
      const w = await world();
      try {
        type(w, 'pos1', '12.50');
        await w.tap('pos1', 'alice', { tearAfterBytes: k });
        // Simulate the cut: the outcome record never reached the disk.
        const t = w.terminal('pos1').terminal;
        const outcomeSeq = t.journal.lastSeq();
        const { default: Database } = await import('better-sqlite3');
        const after = w.restart('pos1', (dataDir) => {
          const db = new Database(`${dataDir}/journal.db`);
          db.prepare('DELETE FROM journal WHERE seq = ?').run(outcomeSeq);
          db.close();
        });
        const kinds = [...scanJournal(after.journal)].map((r) => r.kind);
        assert.deepEqual(
          kinds,
          [KIND.intent, KIND.uncertain],
          `k=${k}: recovery turned the open intent into uncertain`,
        );
        await w.tap('pos1', 'alice');
        const settle = [...scanJournal(after.journal)].find((r) => r.kind === KIND.settle);
        assert.equal((settle?.body as { outcome: string } | undefined)?.outcome, k === 32 ? 'landed' : 'not-landed');
        assert.deepEqual((await w.reconcile()).problems, []);
      } finally {
        w.close();
      }
    }
  });
