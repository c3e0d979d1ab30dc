import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decidePunch, DUPLICATE_WINDOW_MS_DEFAULT } from '../../../firmware/attendance/punch.ts';
import { PunchStore } from '../../../firmware/attendance/punch-store.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { journalDoorRecord } from '../../../firmware/door/door-journal.ts';
import { decideGate, type ParkingFacts } from '../../../firmware/parking/gate.ts';
import { journalGateVerdict } from '../../../firmware/parking/gate-journal.ts';
import { Journal } from '../../../firmware/store/journal/journal.ts';
import { cardRules, LOST_CARD, OFFSET_MIN } from '../door/fixtures.ts';
import { RATES } from '../parking/rates.ts';
import { doorRig } from '../door/rig.ts';

/**
 * A run of the door, the punch clock and the car park that journals every
 * record kind they have (door.granted, door.refused, door.alarm on and off,
 * punch, parking.entry, parking.exit). The protocol's schema test runs it to
 * see each kind's body as the firmware writes it.
 */
export async function rolesTour(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-roles-'));
  const rig = doorRig();
  const journal = Journal.open({ path: join(dir, 'journal.db'), clock: rig.clock, log: silentLogger });
  try {
    rig.controller.tap(0, rig.card(1001));
    await rig.run(5_000);
    rig.controller.tap(0, rig.card(LOST_CARD));
    rig.setContact(0, true); // opened with the latch holding: forced
    await rig.run(100);
    rig.setContact(0, false);
    await rig.run(100);
    for (const r of rig.records) journalDoorRecord(journal, r);

    const punches = new PunchStore(journal);
    const verdict = decidePunch(rig.card(1001), 'in', 'key', {
      cardRules,
      blacklisted: (n) => n === LOST_CARD,
      nameOf: () => null,
      lastPunch: (n) => punches.lastPunch(n),
      duplicateWindowMs: DUPLICATE_WINDOW_MS_DEFAULT,
      utcOffsetMinutes: OFFSET_MIN,
      nowMs: rig.clock.nowMs(),
    });
    if (verdict.kind === 'punch') punches.append(verdict.body);

    const entryAtMs = rig.clock.nowMs();
    const parking = (inside: boolean): ParkingFacts => ({
      cardRules,
      blacklisted: (n) => n === LOST_CARD,
      entryOf: () => (inside ? entryAtMs : null),
      passOf: () => null,
      passClasses: [],
      rates: RATES,
      utcOffsetMinutes: OFFSET_MIN,
      nowMs: rig.clock.nowMs(),
    });
    journalGateVerdict(journal, decideGate({ kind: 'entry', credential: rig.card(1001) }, parking(false)));
    rig.clock.advance(2 * 3_600_000);
    journalGateVerdict(journal, decideGate({ kind: 'exit', credential: rig.card(1001) }, parking(true)));
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
