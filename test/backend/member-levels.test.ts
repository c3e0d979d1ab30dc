import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdmin } from '../../backend/admin.ts';
import { Backend } from '../../backend/backend.ts';
import { memberLevelsToTell, withMemberLevels } from '../../backend/member-levels.ts';

/**
 * Issue 11: the backend tells terminals `points.memberLevels` (member-levels.ts): true once the site
 * gives levels, once per change per terminal; false only to one told true, and never once a level
 * credit was issued (a card that holds a level keeps it); a whole config pushed without the setting
 * gets the site's value. The session path (a terminal told when it connects) is test/e2e.
 */
const NOW_MS = Date.parse('2026-12-05T10:00:00+08:00');

function withBackend(run: (b: Backend) => void) {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'onecard-member-levels-'));
    const b = Backend.open({ dbPath: join(dir, 'backend.db'), clock: { nowMs: () => NOW_MS } });
    try {
      run(b);
    } finally {
      b.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The set-config commands queued so far, oldest first, as `terminal key value`. */
const told = (b: Backend) =>
  b.commands
    .recent(null, 100)
    .reverse()
    .map((c) => {
      const a = JSON.parse(c.command) as { command: string; key?: string; value?: string };
      return `${c.terminal} ${a.command} ${a.key} ${a.value}`;
    });

test('what a terminal is told, given what it was told last', () => {
  assert.equal(memberLevelsToTell(true, null), true);
  assert.equal(memberLevelsToTell(true, false), true);
  assert.equal(memberLevelsToTell(true, true), null, 'told already: not again');
  assert.equal(memberLevelsToTell(false, true), false);
  assert.equal(memberLevelsToTell(false, false), null);
  assert.equal(memberLevelsToTell(false, null), null, 'never told, no levels: its default says so');
});

test(
  'levels defined: every known terminal told true once; removed before any card held one: told false',
  withBackend((b) => {
    b.journal.touch(101);
    b.journal.touch(102);
    assert.deepEqual(runAdmin(b, ['points', 'levels', '30=7']).lines, [
      '30 points → class 7',
      'points.memberLevels true queued for 2 terminal(s)',
    ]);
    assert.deepEqual(runAdmin(b, ['points', 'levels', '30=7,90=8']).lines, [
      '30 points → class 7, 90 points → class 8',
    ]);
    assert.deepEqual(told(b), ['101 set-config points.memberLevels true', '102 set-config points.memberLevels true']);
    assert.equal(b.memberLevels.tell(101), null, 'a reconnect tells nothing new');
    runAdmin(b, ['points', 'levels', '-']);
    assert.deepEqual(told(b).slice(2), [
      '101 set-config points.memberLevels false',
      '102 set-config points.memberLevels false',
    ]);
    b.journal.touch(103);
    assert.equal(b.memberLevels.tell(103), null, 'a terminal never told: nothing to say');
  }),
);

test(
  'once a level credit was issued, levels stay on even with the ladder removed',
  withBackend((b) => {
    b.journal.touch(101);
    runAdmin(b, ['points', 'levels', '30=7']);
    b.credit(1001, 7, 'balance', 'level');
    assert.deepEqual(runAdmin(b, ['points', 'levels', '-']).lines, ['no levels']);
    assert.deepEqual(told(b), ['101 set-config points.memberLevels true'], 'no false: card 1001 holds gold');
    assert.equal(b.memberLevels.gives(), true);
  }),
);

test(
  'a whole config pushed at a levelled site carries points.memberLevels; one the admin set stands',
  withBackend((b) => {
    const body = (corrId: number) =>
      JSON.parse(
        b.db.prepare<[number], string>('SELECT body FROM configs WHERE corr_id = ?').pluck().get(corrId) as string,
      ) as { points?: Record<string, unknown> };
    const before = b.pushConfig(101, JSON.stringify({ terminal: { id: 101 } }));
    assert.equal(body(before.corrId).points, undefined, 'no levels: the document as given');
    runAdmin(b, ['points', 'levels', '30=7']);
    const filled = b.pushConfig(101, JSON.stringify({ terminal: { id: 101 }, points: { saleCentsPerPoint: 100 } }));
    assert.deepEqual(body(filled.corrId).points, { saleCentsPerPoint: 100, memberLevels: true });
    const chosen = b.pushConfig(101, JSON.stringify({ points: { memberLevels: false } }));
    assert.deepEqual(body(chosen.corrId).points, { memberLevels: false });
    assert.equal(withMemberLevels('{"points": ', true), '{"points": ', 'not JSON: left for the terminal to refuse');
    assert.equal(withMemberLevels('[1]', true), '[1]');
  }),
);

test(
  'a level credit from a path other than points (no ladder set) tells every known terminal at once, once',
  withBackend((b) => {
    b.journal.touch(101);
    b.journal.touch(102);
    b.credit(1001, 500, 'subsidy', 'subsidy');
    assert.deepEqual(told(b), [], 'money credits say nothing of levels');
    b.credit(1001, 7, 'balance', 'level'); // ListStore.issueCredits: every credit, whatever its path, passes there
    assert.deepEqual(told(b), ['101 set-config points.memberLevels true', '102 set-config points.memberLevels true']);
    b.credit(1002, 7, 'balance', 'level');
    assert.equal(told(b).length, 2, 'told already: not again');
  }),
);
