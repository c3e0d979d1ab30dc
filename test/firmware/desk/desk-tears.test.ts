import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardDay } from '../../../firmware/core/clock.ts';
import type { DeskApp } from '../../../firmware/desk/desk.ts';
import { KIND, type IntentBody } from '../../../firmware/card-tx/records.ts';
import { isRecordOf, type Journal, type JournalRecord } from '../../../firmware/store/journal/journal.ts';
import { SimWorld } from '../../../simulator/world.ts';

/**
 * The desk's writes cut at every byte: an issue with its opening deposit (12
 * blocks, then the top-up's 2), and a cancellation (the payout's 2, then the
 * wipe's 12). The same card comes back once; every cash amount is on the
 * card exactly once, or the desk says it was not taken. A cut inside a
 * trailer's access bits locks a MIFARE sector for good (a real card does the
 * same): the desk says so, and no money is on such a card.
 */
const START = Date.parse('2026-11-23T09:00:00+08:00');
const ISSUE_BYTES = 12 * 16 + 2 * 16;
/** The payout's two blocks, then the wipe's 12 (sectors 3, 2, 1). */
const CANCEL_BYTES = 2 * 16 + 12 * 16;
const DEPOSIT_CENTS = 3_000;

function deskOf(w: SimWorld): DeskApp {
  const role = w.terminal('desk').terminal.role;
  if (role.role !== 'desk') throw new Error('not a desk');
  return role.desk;
}

/** Money the journal says landed on the card: committed or settled-landed intents, by tx. */
function landed(journal: Journal, card: number): IntentBody[] {
  const out: IntentBody[] = [];
  const recs: JournalRecord[] = [];
  for (let page = journal.after(0, 1_000); page.length; page = journal.after(page.at(-1)!.seq, 1_000))
    recs.push(...page);
  const closed = new Set(
    recs
      .filter(
        (r) =>
          r.kind === KIND.commit || (r.kind === KIND.settle && (r.body as { outcome: string }).outcome === 'landed'),
      )
      .map((r) => r.ref),
  );
  for (const r of recs) if (isRecordOf(r, KIND.intent) && r.card === card && closed.has(r.seq)) out.push(r.body);
  return out;
}

/** Cuts that land 6, 7 or 8 bytes of a trailer (its access bits half written), sectors 1..n from byte `from`. */
function accessBitCuts(from: number, sectors: number): number[] {
  return Array.from({ length: sectors }, (_, i) => [54, 55, 56].map((b) => from + i * 64 + b)).flat();
}

const uidOf = (i: number) => `04${(0x100000 + i).toString(16).slice(1)}`.padEnd(8, '0');

test('an issue with its opening deposit, cut at every byte, lands the deposit at most once', async () => {
  const w = new SimWorld({ seed: 41, startMs: START });
  try {
    w.addTerminal({ name: 'desk', id: 100, desk: true });
    const desk = deskOf(w);
    const journal = w.terminal('desk').terminal.journal;
    const today = cardDay(w.clock.nowMs(), 480);
    const locked: number[] = [];
    for (let k = 0; k <= ISSUE_BYTES; k++) {
      const name = `c${k}`;
      const cardNumber = 7_000 + k;
      w.addBlankCard(name, uidOf(k));
      desk.request({
        kind: 'issue',
        spec: {
          holder: 'Zhao',
          cardNumber,
          cardClass: 1,
          expiryDay: today + 30,
          pin: null,
          depositCents: DEPOSIT_CENTS,
          replaces: null,
        },
      });
      const first = await w.deskTap('desk', name, { tearAfterBytes: k });
      const second = desk.state.mode === 'retap' ? await w.deskTap('desk', name) : first;
      const text = [...first, ...second].join('\n');
      const topups = landed(journal, cardNumber).filter((b) => b.tx === 'topup');
      assert.ok(topups.length <= 1, `cut at ${k}: the deposit landed ${topups.length} times`);
      if (desk.state.mode === 'idle' && /deposit 30\.00 taken|earlier deposit landed/.test(text)) {
        const card = await w.inspect(name);
        assert.equal(card.purse.balance, DEPOSIT_CENTS, `cut at ${k}: ${text}`);
        assert.equal(card.identity.cardNumber, cardNumber);
        assert.equal(topups.length, 1, `cut at ${k}: one deposit`);
      } else {
        // The sector is locked for good: no deposit was taken, the operator is told, and gives up on this card.
        assert.equal(topups.length, 0, `cut at ${k}: ${text}`);
        locked.push(k);
        desk.abandon();
      }
    }
    assert.deepEqual(locked, accessBitCuts(0, 3), "only a cut inside a trailer's access bits locks the card");
  } finally {
    w.close();
  }
});

test('a cancellation cut at every byte pays out once, journals it once, and ends wiped', async () => {
  const w = new SimWorld({ seed: 42, startMs: START });
  try {
    w.addTerminal({ name: 'desk', id: 100, desk: true });
    const desk = deskOf(w);
    const journal = w.terminal('desk').terminal.journal;
    const today = cardDay(w.clock.nowMs(), 480);
    const locked: number[] = [];
    for (let k = 0; k <= CANCEL_BYTES; k++) {
      const name = `c${k}`;
      const cardNumber = 8_000 + k;
      w.addBlankCard(name, uidOf(1_000 + k));
      desk.request({
        kind: 'issue',
        spec: {
          holder: 'Qian',
          cardNumber,
          cardClass: 1,
          expiryDay: today + 30,
          pin: null,
          depositCents: DEPOSIT_CENTS,
          replaces: null,
        },
      });
      await w.deskTap('desk', name);
      desk.request({ kind: 'cancel' });
      const shown = [...(await w.deskTap('desk', name, { tearAfterBytes: k }))];
      for (let again = 0; again < 3 && desk.state.mode !== 'idle'; again++)
        shown.push(...(await w.deskTap('desk', name)));
      const text = shown.join('\n');
      const payouts = landed(journal, cardNumber).filter((b) => b.tx === 'payout');
      const cancels = recordsOf(journal, KIND.deskCancel, cardNumber);
      assert.equal(payouts.length, 1, `cut at ${k}: one payout (${text})`);
      assert.equal(payouts[0]?.chargedAmount, DEPOSIT_CENTS);
      assert.deepEqual(
        cancels.map((r) => (r.body as { paidOutCents: number }).paidOutCents),
        [DEPOSIT_CENTS],
        `cut at ${k}: one desk.cancel, saying what was paid out`,
      );
      if (desk.state.mode === 'idle') assert.match(text, /wiped back to transport keys/, `cut at ${k}`);
      else {
        locked.push(k);
        desk.abandon();
      }
    }
    // Wiping, a trailer goes from our access bits to transport's: some half-written mixes still decode.
    const mayLock = accessBitCuts(32, 3);
    assert.deepEqual(
      locked.filter((k) => !mayLock.includes(k)),
      [],
      `only access-bit cuts lock the card (locked at ${locked.join(', ')})`,
    );
  } finally {
    w.close();
  }
});

function recordsOf(journal: Journal, kind: string, card: number): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (let page = journal.after(0, 1_000); page.length; page = journal.after(page.at(-1)!.seq, 1_000))
    out.push(...page.filter((r) => r.kind === kind && r.card === card));
  return out;
}

test('a deposit cut, then the card used twice elsewhere: the desk takes no cash again and says why', async () => {
  const w = new SimWorld({ seed: 43, startMs: START });
  try {
    w.addTerminal({ name: 'desk', id: 100, desk: true });
    w.addTerminal({ name: 'pos1', id: 101 });
    const desk = deskOf(w);
    const journal = w.terminal('desk').terminal.journal;
    const today = cardDay(w.clock.nowMs(), 480);
    w.addBlankCard('card', '04a7a7a7');
    const spec = { holder: 'Sun', cardNumber: 9_001, cardClass: 1, expiryDay: today + 30, pin: null, replaces: null };
    desk.request({ kind: 'issue', spec: { ...spec, depositCents: 5_000 } });
    await w.deskTap('desk', 'card');
    desk.request({ kind: 'deposit', amountCents: DEPOSIT_CENTS });
    // The whole write lands, its acknowledgement does not: uncertain at the desk.
    await w.deskTap('desk', 'card', { tearAfterBytes: 32 });
    assert.equal(desk.state.mode, 'retap');
    for (const amount of ['1', '2']) {
      for (const k of [amount, 'confirm']) w.key('pos1', k);
      assert.deepEqual((await w.tap('pos1', 'card')).beeps, ['ok']);
    }
    const back = await w.deskTap('desk', 'card');
    assert.match(back.join('\n'), /refused: the earlier write cannot be told from this card .*take no cash/);
    assert.equal(recordsOf(journal, KIND.intent, 9_001).length, 2, 'the opening deposit and the cut one: no third');
    assert.equal((await w.inspect('card')).purse.balance, 5_000 + DEPOSIT_CENTS - 300, 'the cut deposit did land');
  } finally {
    w.close();
  }
});
