import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../../firmware/core/log.ts';
import type { JournalRecord } from '../../../firmware/store/journal/journal.ts';
import { OwedForwarder, owedMessage } from '../../../firmware/sync/owed.ts';
import { SyncState, type Owed } from '../../../firmware/sync/sync-state.ts';
import type { WireRecord } from '../../../protocol/index.ts';
import { Accounts } from '../../../backend/accounts.ts';
import { openBackendDb } from '../../../backend/schema.ts';

/** PROTOCOL.md §6.7 "One STAN per sale": a reversal or an advice points at its sale by the request's STAN. */
const T = 1_795_000_000_000;
const request = (seq: number, amountCents: number): JournalRecord => {
  const body = { cardNumber: 5005, amountCents, listAmountCents: amountCents };
  return { seq, kind: 'online.request', atMs: T, card: 5005, ref: null, body, acked: false };
};
const result = (seq: number, stan: number, outcome: string, offlineReason?: string): WireRecord => ({
  seq,
  kind: 'online.result',
  atMs: T + 1_500,
  card: 5005,
  ref: stan,
  body: { stan, outcome, ...(offlineReason ? { offlineReason } : {}) },
});

function forwarder(journal: Map<number, JournalRecord>) {
  const owed: Owed[] = [];
  const store = { addOwed: (o: Owed) => owed.push(o) > 0, owed: () => owed, clearOwed: () => true };
  return new OwedForwarder(store, { get: (seq) => journal.get(seq) }, silentLogger);
}

test("an advice and a reversal carry the STAN of the sale's request, never one of their own", () => {
  const journal = new Map([
    [41, request(41, 500)],
    [43, request(43, 2_500)],
  ]);
  const fresh = forwarder(journal).note([
    result(42, 41, 'offline-approved', 'timeout'),
    result(44, 43, 'offline-declined', 'timeout'),
  ]);
  assert.deepEqual(fresh.map(owedMessage), [
    {
      type: 'advice',
      stan: 41,
      cardNumber: 5005,
      amountCents: 500,
      atMs: T + 1_500,
      reason: 'timeout',
      journalSeq: 42,
    },
    { type: 'reversal', stan: 43, reason: 'not-completed', amountCents: 2_500, atMs: T + 1_500 },
  ]);
});

test("the advice says why the sale went offline, from the sale's online.result (§6.7)", () => {
  const journal = new Map([41, 43, 45].map((seq) => [seq, request(seq, 500)] as const));
  const fresh = forwarder(journal).note([
    result(42, 41, 'offline-approved', 'backend-unreachable'),
    result(44, 43, 'offline-approved', 'timeout'),
    result(46, 45, 'offline-approved'), // journaled before the reason was kept
  ]);
  assert.deepEqual(
    fresh.map(owedMessage).map((m) => [m.stan, m.type === 'advice' ? m.reason : null]),
    [
      [41, 'backend-unreachable'],
      [43, 'timeout'],
      [45, 'timeout'],
    ],
  );
  assert.equal(
    forwarder(journal)
      .note([result(48, 41, 'offline-approved', 'whatever')])
      .map(owedMessage)[0].reason,
    'timeout',
    'an unknown reason is not sent on',
  );
});

test('an owed advice keeps its reason across a restart; one owed by an older state file goes as timeout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-owed-'));
  try {
    const path = join(dir, 'sync.db');
    // A version-2 state file (before the reason was kept) holding one advice, made by hand.
    let state = SyncState.open({ path, log: silentLogger });
    state.close();
    const db = new Database(path);
    db.exec('ALTER TABLE owed DROP COLUMN advice_reason; PRAGMA user_version = 2;');
    db.prepare(
      "INSERT INTO owed (stan, kind, card, amount_cents, at_ms, journal_seq) VALUES (31, 'advice', 5005, 700, ?, 32)",
    ).run(T);
    db.close();
    state = SyncState.open({ path, log: silentLogger });
    const owed = new OwedForwarder(state, { get: (seq) => (seq === 41 ? request(41, 500) : undefined) }, silentLogger);
    owed.note([result(42, 41, 'offline-approved', 'backend-unreachable')]);
    state.close();
    state = SyncState.open({ path, log: silentLogger });
    assert.deepEqual(
      state
        .owed(10)
        .map(owedMessage)
        .map((m) => [m.stan, m.type === 'advice' ? m.reason : null]),
      [
        [31, 'timeout'],
        [41, 'backend-unreachable'],
      ],
    );
    state.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the backend books a late-approved request and its advice once: the shared STAN is the match', () => {
  const db = openBackendDb(':memory:');
  try {
    const accounts = new Accounts(db);
    accounts.setBalance(5005, 10_000);
    // The request reached the backend and was approved, but the answer came after the terminal's deadline.
    const approved = accounts.authorize(
      101,
      {
        type: 'authorizeRequest',
        stan: 41,
        purpose: 'sale',
        cardNumber: 5005,
        uid: Uint8Array.of(4, 0xd4, 0xd4, 0xd4),
        amountCents: 500,
        terminalTimeMs: T,
        deadlineMs: 1_500,
      },
      T + 2_000,
      false,
    );
    assert.equal(approved.result, 'approved');
    // The terminal approved the sale offline meanwhile and advises it, under the request's STAN.
    const [advice] = forwarder(new Map([[41, request(41, 500)]]))
      .note([result(42, 41, 'offline-approved')])
      .map(owedMessage);
    assert.equal(advice.stan, 41);
    assert.equal(accounts.advice(101, advice.stan, 5005, 500, T + 3_000), 'duplicate');
    assert.equal(accounts.balance(5005), 9_500, 'charged once');
    assert.deepEqual(accounts.booking(101, 41), { state: 'approved', chargedCents: 500 });
  } finally {
    db.close();
  }
});

test("PROTOCOL.md §6.7 says the same: the advice carries the request's STAN", () => {
  const doc = readFileSync(new URL('../../../protocol/PROTOCOL.md', import.meta.url), 'utf8');
  const s67 = doc.slice(doc.indexOf('### 6.7 '), doc.indexOf('### 6.8 '));
  assert.match(s67, /\*\*ADVICE `0x44`\*\*: stan u32 \(the STAN of the sale's request/);
  assert.doesNotMatch(s67, /a new STAN/);
});
