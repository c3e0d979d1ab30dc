import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import {
  decidePunch,
  DUPLICATE_WINDOW_MS_DEFAULT,
  type LastPunch,
  type PunchFacts,
  type PunchType,
  type PunchVerdict,
  punchTypeForKey,
} from '../../../firmware/attendance/punch.ts';
import { PunchStore } from '../../../firmware/attendance/punch-store.ts';
import type { Credential } from '../../../firmware/policy/credential.ts';
import { Journal } from '../../../firmware/store/journal/journal.ts';
import { cardRules, identity, localMs, LOST_CARD, OFFSET_MIN } from '../door/fixtures.ts';

const NAMES = new Map([[1001, '张伟']]);
const card = (cardNumber = 1001): Credential => ({ kind: 'card', identity: identity({ cardNumber }) });
const uid = (cardNumber: number): Credential => ({ kind: 'uid', cardNumber });

function facts(nowMs: number, last: Map<number, LastPunch> = new Map()): PunchFacts {
  return {
    cardRules,
    blacklisted: (n) => n === LOST_CARD,
    nameOf: (n) => NAMES.get(n) ?? null,
    lastPunch: (n) => last.get(n) ?? null,
    duplicateWindowMs: DUPLICATE_WINDOW_MS_DEFAULT,
    utcOffsetMinutes: OFFSET_MIN,
    nowMs,
  };
}

/** Punches a sequence at offsets (ms) from 08:30, keeping the last punch as a store would. */
function run(taps: [number, PunchType][], credential: Credential = card()): string[] {
  const last = new Map<number, LastPunch>();
  const start = localMs('2026-12-07', 8, 30);
  return taps.map(([atMs, type]) => {
    const v = decidePunch(credential, type, 'key', facts(start + atMs, last));
    if (v.kind === 'punch') last.set(v.body.cardNumber, { type, atMs: start + atMs });
    return v.kind === 'refuse' ? `refuse:${v.reason}` : `${v.kind}:${type}`;
  });
}

test("a second tap of the same type inside the window is suppressed; at the window's end it counts", () => {
  const W = DUPLICATE_WINDOW_MS_DEFAULT;
  assert.deepEqual(
    run([
      [0, 'in'],
      [2_000, 'in'],
      [W - 1, 'in'],
      [W, 'in'],
    ]),
    ['punch:in', 'duplicate:in', 'duplicate:in', 'punch:in'],
  );
});

test('a different type inside the window is a correction and counts', () => {
  assert.deepEqual(
    run([
      [0, 'in'],
      [5_000, 'out'],
      [6_000, 'out'],
      [7_000, 'break'],
    ]),
    ['punch:in', 'punch:out', 'duplicate:out', 'punch:break'],
  );
});

test('a clock stepped back is no duplicate: a punch is never dropped for it', () => {
  assert.deepEqual(
    run([
      [60_000, 'in'],
      [1_000, 'in'],
    ]),
    ['punch:in', 'punch:in'],
  );
});

test('UID-only cards and Wiegand numbers punch; a lost one is refused offline, as is a lost card application', () => {
  const v = decidePunch(uid(7007), 'in', 'reader', facts(localMs('2026-12-07', 8)));
  assert.ok(v.kind === 'punch');
  assert.deepEqual(v.body, { cardNumber: 7007, type: 'in', via: 'reader', uidOnly: true, day: v.body.day });
  assert.equal(v.name, null, 'not on the names list');
  const refused = (c: Credential) =>
    (decidePunch(c, 'in', 'key', facts(localMs('2026-12-07', 8))) as PunchVerdict).kind;
  assert.equal(refused(uid(LOST_CARD)), 'refuse');
  assert.equal(refused(card(LOST_CARD)), 'refuse');
  const frozen = identity({ flags: { frozen: true, pinRequired: false, countPurse: false } });
  assert.equal(refused({ kind: 'card', identity: frozen }), 'refuse');
});

test("the names list gives the display the holder's name; the punch day is the local date", () => {
  // 23:30 on 7 Dec at UTC+8 is 15:30 UTC: still the 7th locally, as the report wants it.
  const v = decidePunch(card(), 'out', 'key', facts(localMs('2026-12-07', 23, 30)));
  assert.ok(v.kind === 'punch');
  assert.equal(v.name, '张伟');
  const early = decidePunch(card(), 'in', 'key', facts(localMs('2026-12-08', 0, 30)));
  assert.ok(early.kind === 'punch' && early.body.day === v.body.day + 1);
});

test('keys choose the punch type; a wrong key names the right ones', () => {
  assert.deepEqual(punchTypeForKey('f2'), { ok: true, type: 'out' });
  const wrong = punchTypeForKey('7');
  assert.ok(!wrong.ok && /F1 in, F2 out, F3 break/.test(wrong.message));
});

test('the punch store is the journal: punches survive a restart and so does the duplicate window', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-punch-'));
  const path = join(dir, 'journal.db');
  const clock = new ManualClock(localMs('2026-12-07', 8, 30));
  try {
    let journal = Journal.open({ path, clock, log: silentLogger });
    let store = new PunchStore(journal);
    const tap = (type: PunchType) => {
      const v = decidePunch(card(), type, 'key', { ...facts(clock.nowMs()), lastPunch: (n) => store.lastPunch(n) });
      if (v.kind === 'punch') store.append(v.body);
      return v.kind;
    };
    assert.equal(tap('in'), 'punch');
    journal.close(); // the terminal restarts: what is on disk is all there is
    clock.advance(10_000);
    journal = Journal.open({ path, clock, log: silentLogger });
    store = new PunchStore(journal);
    assert.deepEqual(store.lastPunch(1001), { type: 'in', atMs: localMs('2026-12-07', 8, 30) });
    assert.equal(tap('in'), 'duplicate', 'the window holds across the restart');
    assert.equal(tap('out'), 'punch');
    assert.equal(store.lastPunch(1001)?.type, 'out');
    assert.equal(store.lastPunch(2002), null);
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
