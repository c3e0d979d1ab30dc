import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../../firmware/core/log.ts';
import { CREDITS_PER_CARD_MAX, CREDITS_SCHEMA_VERSION, PendingCredits } from '../../../firmware/store/credits.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-credits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A credits file as the first build wrote it (schema 1: no expiry_day), made by hand. */
function schema1File(path: string): void {
  const db = new Database(path);
  db.exec(`
CREATE TABLE credits (
  card INTEGER NOT NULL,
  credit_seq INTEGER NOT NULL,
  balance_cents INTEGER NOT NULL,
  subsidy_cents INTEGER NOT NULL,
  PRIMARY KEY (card, credit_seq)
) WITHOUT ROWID;
PRAGMA user_version = 1;
INSERT INTO credits VALUES (1001, 1, 0, 2000), (1001, 2, 500, 0), (1002, 4, 300, 0);
`);
  db.close();
}

test('a schema-1 file is migrated in place: its credits kept, expiryDay 0 (none), new ones keep theirs', () => {
  const path = join(dir, 'v1.db');
  schema1File(path);
  let credits = PendingCredits.open({ path, log: silentLogger });
  assert.deepEqual(credits.forCard(1001, 0), [
    { card: 1001, creditSeq: 1, balanceCents: 0, subsidyCents: 2_000, expiryDay: 0 },
    { card: 1001, creditSeq: 2, balanceCents: 500, subsidyCents: 0, expiryDay: 0 },
  ]);
  assert.equal(credits.size(), 3);
  assert.equal(credits.add([{ card: 1002, creditSeq: 5, balanceCents: 100, subsidyCents: 0, expiryDay: 9_800 }]), 1);
  credits.close();

  // Opened again: already at the new version, nothing migrated twice, everything durable.
  credits = PendingCredits.open({ path, log: silentLogger });
  assert.deepEqual(credits.forCard(1002, 0), [
    { card: 1002, creditSeq: 4, balanceCents: 300, subsidyCents: 0, expiryDay: 0 },
    { card: 1002, creditSeq: 5, balanceCents: 100, subsidyCents: 0, expiryDay: 9_800 },
  ]);
  credits.close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), CREDITS_SCHEMA_VERSION);
  assert.equal(CREDITS_SCHEMA_VERSION, 3);
  db.close();
});

test('a new file starts at the current schema and keeps expiryDay', () => {
  const path = join(dir, 'new.db');
  const credits = PendingCredits.open({ path, log: silentLogger });
  credits.add([{ card: 7, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0xffff }]);
  assert.deepEqual(
    credits.forCard(7, 0).map((c) => c.expiryDay),
    [0xffff],
  );
  credits.close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), CREDITS_SCHEMA_VERSION);
  db.close();
});

test('a file from a newer build is refused, not guessed at', () => {
  const path = join(dir, 'future.db');
  const db = new Database(path);
  db.pragma(`user_version = ${CREDITS_SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(
    () => PendingCredits.open({ path, log: silentLogger }),
    /credits schema version 4, this build reads 1\.\.3/,
  );
});

test('expiryDay must be a card day (u16): a bad one refuses the whole batch', () => {
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  for (const expiryDay of [-1, 0x1_0000, 1.5]) {
    assert.throws(
      () =>
        credits.add([
          { card: 7, creditSeq: 1, balanceCents: 100, subsidyCents: 0, expiryDay: 0 },
          { card: 7, creditSeq: 2, balanceCents: 100, subsidyCents: 0, expiryDay },
        ]),
      /expiryDay must be a card day/,
    );
  }
  assert.equal(credits.size(), 0);
  credits.close();
});

test('a level change (version 3) is kept with its class and no money; money with a class is refused', () => {
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  credits.add([{ card: 7, creditSeq: 1, balanceCents: 0, subsidyCents: 0, expiryDay: 0, cardClass: 3 }]);
  assert.deepEqual(credits.forCard(7, 0), [
    { card: 7, creditSeq: 1, balanceCents: 0, subsidyCents: 0, expiryDay: 0, cardClass: 3 },
  ]);
  assert.throws(
    () => credits.add([{ card: 7, creditSeq: 2, balanceCents: 5, subsidyCents: 0, expiryDay: 0, cardClass: 3 }]),
    /a level change carries no money/,
  );
  credits.close();
});

test('forCard: the credits of this card above the applied seq, oldest first, at most CREDITS_PER_CARD_MAX', () => {
  const credits = PendingCredits.open({ path: join(dir, 'for-card.db'), log: silentLogger });
  const credit = (card: number, creditSeq: number) => ({
    card,
    creditSeq,
    balanceCents: creditSeq,
    subsidyCents: 0,
    expiryDay: 0,
  });
  const many = Array.from({ length: CREDITS_PER_CARD_MAX + 6 }, (_, i) => credit(1001, CREDITS_PER_CARD_MAX + 6 - i));
  credits.add([...many, credit(1000, 1), credit(1002, 9)]);
  const seqs = (card: number, appliedUpTo: number) => credits.forCard(card, appliedUpTo).map((c) => c.creditSeq);
  const expected = Array.from({ length: CREDITS_PER_CARD_MAX }, (_, i) => i + 1);
  assert.deepEqual(seqs(1001, 0), expected);
  assert.deepEqual(seqs(1001, CREDITS_PER_CARD_MAX + 3), [
    CREDITS_PER_CARD_MAX + 4,
    CREDITS_PER_CARD_MAX + 5,
    CREDITS_PER_CARD_MAX + 6,
  ]);
  assert.deepEqual(seqs(1002, 0), [9]);
  assert.deepEqual(seqs(1003, 0), []);
  assert.deepEqual(credits.forCard(1000, 0), [
    { card: 1000, creditSeq: 1, balanceCents: 1, subsidyCents: 0, expiryDay: 0 },
  ]);
  credits.close();
});
