import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../backend/backend.ts';
import { checkCardCsv } from '../../backend/card-csv.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';

/**
 * `onecard backend card register --csv FILE` (issue 15): a whole issue run registered in one transaction,
 * checked whole first (a bad row registers nothing), again harmlessly; with no server and through one.
 */
function withDir(run: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-card-csv-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const cardsText = (cards: readonly (number | string)[]) =>
  ['card,holder', ...cards.map((c) => `${c},someone`)].join('\n');

test('the check names every bad row and its line; a list without the header is refused', () => {
  assert.deepEqual(checkCardCsv(cardsText([1001, 1002])), { ok: true, cards: [1001, 1002] });
  assert.deepEqual(checkCardCsv('card\r\n\r\n7\r\n'), { ok: true, cards: [7] });
  assert.deepEqual(checkCardCsv(cardsText([1001, 'x12', 4294967296, -1])), {
    ok: false,
    refusals: [
      { line: 3, reason: 'bad card number "x12" (0..4294967295)' },
      { line: 4, reason: 'bad card number "4294967296" (0..4294967295)' },
      { line: 5, reason: 'bad card number "-1" (0..4294967295)' },
    ],
  });
  assert.deepEqual(checkCardCsv('1001\n1002'), {
    ok: false,
    refusals: [{ line: 1, reason: 'the first line must be a header: card' }],
  });
});

test(
  'register is all or none: a write failing midway leaves none of the cards registered',
  withDir((dir) => {
    const b = Backend.open({ dbPath: join(dir, 'backend.db') });
    try {
      // The third insert fails as a full disk would: the two before it must roll back with it.
      b.db.exec("CREATE TRIGGER fail3 BEFORE INSERT ON cards WHEN NEW.card = 3 BEGIN SELECT RAISE(ABORT, 'disk'); END");
      assert.throws(() => b.cards.register([1, 2, 3, 4], 'test', 0), /disk/);
      assert.equal(b.cards.known(1), false);
      assert.equal(b.cards.known(2), false);
    } finally {
      b.stop();
    }
  }),
);

test(
  'card register --csv: 4,000 cards at once, again harmlessly; a list with one bad row registers none',
  withDir(async (dir) => {
    const db = join(dir, 'backend.db');
    const out: string[] = [];
    const run = (...args: string[]) => {
      out.length = 0;
      return backendMain([...args, '--db', db], (l) => out.push(l));
    };
    assert.equal(await run('init'), 0);
    assert.equal(await run('card', '--help'), 0);
    assert.match(out.join('\n'), /card register --csv <file>/);
    assert.equal(await run('card', 'register', '--csv', join(dir, 'missing.csv')), 2);
    assert.match(out[0] ?? '', /cannot read .*missing\.csv/);
    assert.equal(await run('card', 'lost', '5', '--csv', join(dir, 'x.csv')), 2);
    assert.match(out[0] ?? '', /--csv goes with `card register` alone/);

    // Hand-registered numbers stay below 100,000, outside every desk's range.
    const cards = Array.from({ length: 4_000 }, (_, i) => 50_000 + i);
    writeFileSync(join(dir, 'bad.csv'), cardsText([...cards, 'twelve']));
    assert.equal(await run('card', 'register', '--csv', join(dir, 'bad.csv')), 1);
    assert.deepEqual(out, [
      `${join(dir, 'bad.csv')}: 1 row(s) refused; no card registered`,
      '  line 4002: bad card number "twelve" (0..4294967295)',
    ]);
    assert.equal(await run('credit', '50000', '1.00'), 1, 'nothing of the bad list was registered');

    writeFileSync(join(dir, 'run.csv'), cardsText(cards));
    assert.equal(await run('card', 'register', '--csv', join(dir, 'run.csv')), 0, out.join('\n'));
    assert.deepEqual(out, [`${join(dir, 'run.csv')}: 4000 card(s) registered, 0 known already or repeated`]);
    assert.equal(await run('credit', '53999', '1.00'), 0, 'the last card of the list is known');

    const server = await serveBackend({ dbPath: db });
    try {
      assert.equal(await run('card', 'register', '--csv', join(dir, 'run.csv')), 0, out.join('\n'));
      assert.deepEqual(out, [`${join(dir, 'run.csv')}: 0 card(s) registered, 4000 known already or repeated`]);
    } finally {
      await server.stop();
    }
  }),
);
