import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBody, JOURNAL_BODY_MAX_DEPTH } from '../../../../firmware/store/journal/journal-body.ts';

/** The path in the message is built only when a value fails: these hold it exact. */
test('a bad value is named by its exact path, however deep', () => {
  const cases: [unknown, string][] = [
    [{ amountCents: 1.5 }, "journal 'sale' body at amountCents: money must be an integer number of cents, got 1.5"],
    [{ items: [{ priceCents: 1 }, { code: 2, priceCents: '3' }] }, 'at items[1].priceCents: money must be'],
    [{ a: { b: [0, [1, { c: NaN }]] } }, 'at a.b[1][1].c: NaN is not representable in JSON'],
    [{ splitCents: [1, 2, 3.5] }, 'at splitCents[2]: money must be an integer number of cents, got 3.5'],
    [{ grid: [[1], [2, new Date(0)]] }, 'at grid[1][1]: a Date is not plain JSON'],
    [{ ok: 1, later: { x: undefined } }, 'at later.x: undefined is not plain JSON'],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => encodeBody('sale', body),
      (e: Error) => e.name === 'JournalBodyError' && e.message.includes(message),
      message,
    );
  }
});

test('nesting too deep is refused at the level where it goes too deep', () => {
  let body: Record<string, unknown> = { end: 1 };
  for (let i = 0; i < JOURNAL_BODY_MAX_DEPTH; i++) body = { n: body };
  assert.throws(() => encodeBody('sale', body), /at n(\.n){7}\.end: nested deeper than 8 levels/);
  assert.doesNotThrow(() => encodeBody('sale', (body as { n: Record<string, unknown> }).n));
});

test('a good body is its JSON text; holes in an array are written as null, as before', () => {
  const body = { amountCents: 250, items: [{ code: 1, qty: 2 }], note: 'x', paid: true, none: null };
  assert.equal(encodeBody('sale', body), JSON.stringify(body));
  const holey = [1, 2, 3];
  delete holey[1];
  assert.equal(encodeBody('sale', { list: holey }), '{"list":[1,null,3]}');
});
