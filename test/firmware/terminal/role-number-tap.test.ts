import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleNumberTap } from '../../../firmware/terminal/role-tap.ts';
import { SimWorld } from '../../../simulator/world.ts';

/**
 * A bare card number (a Wiegand reader) at a role terminal: a punch clock
 * punches it, a door decides it on the lists alone (no card class to match a
 * class rule), a POS takes none.
 */
const ALWAYS = { id: 1, week: Array(7).fill([{ fromMinute: 0, untilMinute: 1440 }]), holiday: [] };

test('a Wiegand number punches at a punch clock, is refused by a door without a grant, and a POS takes none', async () => {
  const w = new SimWorld({ seed: 7, startMs: Date.parse('2026-12-07T09:00:00+08:00') });
  try {
    w.addTerminal({ name: 'clock1', id: 401, attendance: { duplicateWindowMs: 60_000 } });
    w.addTerminal({
      name: 'door1',
      id: 301,
      door: {
        doors: [{ id: 0, relay: { line: 5, wiring: 'fail-secure', releaseMs: 3_000 } }],
        timeZones: [ALWAYS],
        rules: [{ cardClass: 1, doors: 1, timeZoneId: 1 }],
      },
    });
    w.addTerminal({ name: 'pos1', id: 101 });
    const role = (name: string) => w.terminal(name).terminal.role;

    assert.deepEqual(await roleNumberTap(role('clock1'), 1001, { punchType: 'in' }), {
      kind: 'accepted',
      text: 'punch in, card 1001',
    });
    assert.deepEqual(await roleNumberTap(role('door1'), 1001, {}), {
      kind: 'refused',
      text: 'no rule or grant for door 0',
    });
    assert.equal(await roleNumberTap(role('pos1'), 1001, {}), null);
  } finally {
    w.close();
  }
});
