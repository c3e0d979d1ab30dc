import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../base/log.ts';
import { parseConfig } from '../../../firmware/config/schema.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { isRecordOf } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { composedOrThrow, composeTerminal } from '../../../firmware/terminal/compose.ts';
import { KIND } from '../../../protocol/index.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';
import { identity, localMs, LOST_CARD } from '../door/fixtures.ts';

test('an attendance terminal: a key chooses the punch, a repeat is no second punch, a lost card none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-attendance-role-'));
  const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: 'clock1', id: 401 }, dir)));
  const clock = new ManualClock(localMs('2026-12-07', 8, 30));
  const terminal = composedOrThrow(
    composeTerminal({
      config: parseConfig({
        ...base,
        terminal: { ...base.terminal, roles: ['attendance'] },
        attendance: { duplicateWindowMs: 60_000 },
      }),
      masterKeys: deriveSimMasterKeys(3),
      clock,
      log: silentLogger,
    }),
  );
  try {
    if (terminal.role.role !== 'attendance') throw new Error('not an attendance terminal');
    const punches = terminal.role.punches;
    const card = (cardNumber: number) => ({ kind: 'card' as const, identity: identity({ cardNumber }) });
    terminal.blacklist.applyDelta(0, 1, [LOST_CARD], []);
    assert.equal(punches.key('7').ok, false, 'a wrong key changes nothing');
    assert.equal(punches.key('f2').ok, true);
    assert.equal(punches.tap(card(1001)).kind, 'punch');
    clock.advance(10_000);
    assert.equal(punches.key('f2').ok, true);
    assert.equal(punches.tap(card(1001)).kind, 'duplicate');
    assert.equal(punches.tap(card(LOST_CARD)).kind, 'refuse');
    const journaled = terminal.journal.byCard(1001, 8).flatMap((r) => (isRecordOf(r, KIND.punch) ? [r.body.type] : []));
    assert.deepEqual(journaled, ['out'], 'one punch, of the type the key chose');
    assert.equal(terminal.journal.byCard(LOST_CARD, 8).length, 0);
  } finally {
    terminal.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
