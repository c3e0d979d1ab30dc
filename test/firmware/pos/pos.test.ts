import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimWorld } from '../../../simulator/world.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { kinds, posWorld, press, READERS, total } from './pos-world.ts';

/** Each test runs on the virtual-reader shortcut and through the MFRC522 driver on the chip emulator. */
let reader: (typeof READERS)[number] = 'virtual';
const setup = (pos: Record<string, unknown> = {}): Promise<SimWorld> => posWorld(reader, pos);

for (const r of READERS)
  test(`${r}: free entry: amount, sale, bilingual screens for cashier and customer, receipt`, async () => {
    reader = r;
    const w = await setup();
    try {
      assert.equal(press(w, '12.5').screen.cashier.en, 'Amount: 12.5');
      const due = press(w, 'confirm');
      assert.deepEqual(due.screen.customer, { zh: '请付 12.50 元', en: 'Please pay 12.50' });
      const paid = await w.tap('pos1', 'alice');
      assert.deepEqual(paid.screen.customer, { zh: '扣款 12.50 余额 192.50', en: 'Paid 12.50 balance 192.50' });
      assert.deepEqual(paid.beeps, ['ok']);
      assert.equal(paid.receipts.length, 1);
      assert.ok(paid.receipts[0].lines.includes('实收 Paid 12.50'));
      assert.equal(await total(w, 'alice'), 20_500 - 1_250);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: wrong keypad entries get a message and change nothing`, async () => {
    reader = r;
    const w = await setup();
    try {
      press(w, '12.5');
      const bad = press(w, '.');
      assert.deepEqual(bad.beeps, ['error']);
      assert.equal(bad.screen.cashier.en, 'Invalid amount');
      assert.equal(press(w, '0').screen.cashier.en, 'Amount: 12.50', 'the buffer survived the bad key');
      assert.equal(press(w, '1').screen.cashier.en, 'Invalid amount', 'no third decimal');
      press(w, 'cancel');
      assert.equal(press(w, 'confirm').screen.cashier.en, 'Enter an amount');
      assert.deepEqual(kinds(w), [], 'nothing journaled');
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: item codes with portions; an unknown code is refused`, async () => {
    reader = r;
    const w = await setup({ entryMode: 'item' });
    try {
      assert.equal(press(w, '99 confirm').screen.cashier.en, 'No item 99');
      press(w, 'cancel');
      const due = press(w, '12*2+1+3*3 confirm'); // 2 × 15.00 + 0.50 + 3 × 4.00
      assert.equal(due.screen.customer.en, 'Please pay 42.50');
      const paid = await w.tap('pos1', 'alice');
      assert.ok(paid.receipts[0].lines.some((l) => l.startsWith('牛肉面 Beef noodles x2  30.00')));
      const intent = [...scanJournal(w.terminal('pos1').terminal.journal)][0];
      assert.deepEqual((intent.body as { items: unknown }).items, [
        { code: 12, qty: 2 },
        { code: 1, qty: 1 },
        { code: 3, qty: 3 },
      ]);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: simple keypad: one key is one price (1–9 = 0.10–0.90, . = 1, + = 2, confirm = 5)`, async () => {
    reader = r;
    const w = await setup({ entryMode: 'simple' });
    try {
      const expected: [string, string][] = [
        ['3', '0.30'],
        ['.', '1.00'],
        ['+', '2.00'],
        ['confirm', '5.00'],
        ['9', '0.90'],
      ];
      for (const [key, price] of expected) {
        press(w, 'cancel');
        assert.equal(w.key('pos1', key).screen.customer.en, `Please pay ${price}`, `key ${key}`);
      }
      await w.tap('pos1', 'bob'); // 0.90 less 10 % student discount = 0.81
      assert.equal(await total(w, 'bob'), 5_000 - 81);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: fixed price: every tap pays the fixed price with no keys`, async () => {
    reader = r;
    const w = await setup({ entryMode: 'fixed', fixedPriceCents: 800 });
    try {
      await w.tap('pos1', 'alice');
      await w.tap('pos1', 'alice');
      assert.equal(await total(w, 'alice'), 20_500 - 1_600);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: count card pays one use; display shows uses; refused when none are left`, async () => {
    reader = r;
    const w = await setup();
    try {
      press(w, '15 confirm');
      assert.equal((await w.tap('pos1', 'carol')).screen.customer.en, 'Used 1, 1 left');
      press(w, '15 confirm');
      await w.tap('pos1', 'carol');
      press(w, '15 confirm');
      assert.equal((await w.tap('pos1', 'carol')).screen.customer.en, 'Insufficient balance');
      assert.equal((await w.inspect('carol')).purse.balance, 0);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: above the daily limit the PIN is asked; a wrong PIN changes nothing; the right one completes`, async () => {
    reader = r;
    const w = await setup();
    try {
      press(w, '150 confirm'); // staff limit 100.00
      const ask = await w.tap('pos1', 'alice');
      assert.equal(ask.screen.customer.en, 'Over daily limit, enter PIN ');
      const before = w.card('alice').card.dump();
      press(w, '9999');
      assert.equal(press(w, 'confirm').screen.customer.en, 'Wrong PIN');
      assert.deepEqual(w.card('alice').card.dump(), before);
      press(w, '1234');
      assert.equal(press(w, 'confirm').screen.customer.en, 'Tap card again');
      assert.deepEqual((await w.tap('pos1', 'alice')).beeps, ['ok']);
      assert.equal(await total(w, 'alice'), 20_500 - 15_000);
      const journalText = JSON.stringify([...scanJournal(w.terminal('pos1').terminal.journal)]);
      assert.ok(!journalText.includes('1234') && !journalText.includes('9999'), 'PINs never reach the journal');
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: three wrong PINs cancel the sale`, async () => {
    reader = r;
    const w = await setup();
    try {
      press(w, '150 confirm');
      await w.tap('pos1', 'alice');
      press(w, '0000 confirm');
      press(w, '0000 confirm');
      const locked = press(w, '0000 confirm');
      assert.equal(locked.screen.customer.en, 'Too many wrong PINs');
      assert.equal(w.terminal('pos1').terminal.pos.mode, 'idle');
      assert.equal(await total(w, 'alice'), 20_500);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: undo: within the window, same card, once, as a compensating record`, async () => {
    reader = r;
    const w = await setup();
    try {
      assert.equal(press(w, 'undo').screen.customer.en, 'Nothing to undo');
      press(w, '8 confirm');
      await w.tap('pos1', 'alice');
      press(w, 'undo');
      assert.equal((await w.tap('pos1', 'bob')).screen.customer.en, 'Tap the card of that sale');
      const back = await w.tap('pos1', 'alice');
      assert.equal(back.screen.customer.en, 'Refunded 8.00 balance 205.00');
      assert.equal(await total(w, 'alice'), 20_500);
      assert.equal(press(w, 'undo').screen.customer.en, 'Nothing to undo', 'one undo per sale');
      assert.deepEqual(
        kinds(w),
        [KIND.intent, KIND.commit, KIND.intent, KIND.commit],
        'the sale stays; the undo is its own record',
      );
      const undo = [...scanJournal(w.terminal('pos1').terminal.journal)][2].body as {
        tx: string;
        undoOf: number;
        chargedAmount: number;
      };
      assert.deepEqual([undo.tx, undo.undoOf, undo.chargedAmount], ['undo', 1, -800]);
      press(w, '3 confirm');
      await w.tap('pos1', 'alice');
      w.clock.advance(120_001);
      assert.equal(press(w, 'undo').screen.customer.en, 'Too late to undo');
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: operator sign-in, shift and day totals, sign-out; sales can require an operator`, async () => {
    reader = r;
    const w = await setup({ requireOperator: true });
    try {
      assert.equal(press(w, '5 confirm').screen.customer.en, 'Operator sign-in required');
      assert.equal((await w.tap('pos1', 'op')).screen.cashier.en, 'Operator #9001 signed in');
      press(w, '5 confirm');
      await w.tap('pos1', 'alice');
      press(w, '10 confirm');
      await w.tap('pos1', 'bob'); // 9.00 after discount
      assert.equal(press(w, 'totals').screen.cashier.en, 'Today 2 sales 14.00; shift 2 sales 14.00');
      w.restart('pos1');
      assert.equal(
        press(w, 'totals').screen.cashier.en,
        'Today 2 sales 14.00; shift 2 sales 14.00',
        'the shift survives a restart',
      );
      assert.equal((await w.tap('pos1', 'op')).screen.cashier.en, 'Operator #9001 signed out: 2 sales 14.00');
      assert.equal(press(w, 'totals').screen.cashier.en, 'Today 2 sales 14.00');
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: a tap with nothing due is a balance query and writes nothing`, async () => {
    reader = r;
    const w = await setup();
    try {
      const before = w.card('alice').card.bytesWritten;
      const q = await w.tap('pos1', 'alice');
      assert.equal(q.screen.customer.en, 'Balance 200.00 subsidy 5.00');
      assert.equal(w.card('alice').card.bytesWritten, before);
      assert.deepEqual(kinds(w), []);
    } finally {
      w.close();
    }
  });

for (const r of READERS)
  test(`${r}: top-up needs an operator and respects the balance cap`, async () => {
    reader = r;
    const w = await setup({ balanceCapCents: 29_999 });
    try {
      assert.equal(press(w, 'topup').screen.customer.en, 'Operator sign-in required');
      await w.tap('pos1', 'op');
      press(w, 'topup 100 confirm');
      assert.equal((await w.tap('pos1', 'alice')).screen.customer.en, 'Balance limit exceeded');
      press(w, 'cancel topup 50 confirm');
      assert.equal((await w.tap('pos1', 'alice')).screen.customer.en, 'Top-up 50.00 balance 255.00');
    } finally {
      w.close();
    }
  });
