import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../firmware/config/schema.ts';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { KIND } from '../../protocol/index.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { startExample } from './start-example.ts';

/**
 * peripherals.reader2 as a Wiegand reader (a car park's exit post): its D0/D1
 * on gpio.wiegand2, decoded by the real driver from the Wiegand twin's pulses
 * on the GPIO twin, the number handed to the gate like a card's. It yields a
 * number only: a car inside its free minutes leaves, one that owes a fee
 * stays in (no card to take it from).
 */
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-parking-sim.json', import.meta.url));
const RELAY_EXIT = 12;
const WIEGAND2 = { d0: 20, d1: 21 };

function parkingConfig(peripherals: (p: Record<string, unknown>) => Record<string, unknown>) {
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  return { ...example, peripherals: peripherals(example.peripherals as Record<string, unknown>) };
}
const withWiegandExit = (p: Record<string, unknown>) => ({
  ...p,
  reader2: { kind: 'wiegand' },
  gpio: { ...(p.gpio as object), wiegand2: WIEGAND2 },
});

test('a car leaves by the exit reader on Wiegand: free minutes lift it, a fee due keeps it in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-parking-wiegand-'));
  try {
    const file = join(dir, 'parking.json');
    writeFileSync(file, JSON.stringify(parkingConfig(withWiegandExit)));
    const { t, clock, scheduler } = await startExample(file, dir, '2026-12-07T22:10:00+08:00');
    const [entry, exit, pins] = [t.peripherals.reader.twin, t.peripherals.reader2?.wiegand, t.peripherals.gpio?.twin];
    assert.ok(entry && exit && pins, 'a card reader at the entry, the Wiegand twin at the exit');
    assert.deepEqual(exit.lines, WIEGAND2, 'on the lines the config names');
    const exits = () => pins.timeline.filter((c) => c.line === RELAY_EXIT && c.level === 1).length;
    const issue = (number: number) =>
      issueSimCard(
        {
          name: `c${number}`,
          uid: `04a1b2${String(number % 100).padStart(2, '0')}`,
          number,
          cardClass: 1,
          balanceCents: 10_000,
        },
        deriveSimMasterKeys(1),
        clock,
      );

    // A car comes in on its card at the entry reader, and after `parkedMs` its number is at the exit.
    const parkThenLeave = async (number: number, parkedMs: number) => {
      entry.place(await issue(number));
      await scheduler.run(500);
      entry.remove();
      await scheduler.run(parkedMs);
      exit.present(number);
      await scheduler.run(500);
    };

    // In at 22:10, out at 22:20 (15 free minutes): the number alone lets the car out, journaled.
    await parkThenLeave(1001, 10 * 60_000);
    assert.equal(exits(), 1, 'the exit barrier lifted for the Wiegand number');
    const left = [...scanJournal(t.terminal.journal)].filter((r) => isRecordOf(r, KIND.parkingExit));
    assert.deepEqual(
      left.map((r) => (isRecordOf(r, KIND.parkingExit) ? [r.body.cardNumber, r.body.feeCents] : null)),
      [[1001, 0]],
    );

    // Another car, three hours in: a fee is due and a number carries no purse; the barrier stays down.
    await parkThenLeave(1002, 3 * 3_600_000);
    assert.equal(exits(), 1, 'no second lift');
    assert.equal(t.loop().taps, 4);
    await t.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the config check refuses a Wiegand reader2 whose lines collide or are missing, naming the field', () => {
  const said = (p: (x: Record<string, unknown>) => Record<string, unknown>): string => {
    try {
      parseConfig(parkingConfig(p), 'park.json');
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.equal(said(withWiegandExit), 'accepted');
  // D0 on the buzzer's line.
  assert.match(
    said((p) => ({ ...withWiegandExit(p), gpio: { ...(p.gpio as object), wiegand2: { d0: 18, d1: 21 } } })),
    /^park\.json: invalid field "peripherals\.gpio": line 18 is already signals\.buzzer: give wiegand2\.d0 its own/,
  );
  // D1 on the exit barrier's relay.
  assert.match(
    said((p) => ({ ...withWiegandExit(p), gpio: { ...(p.gpio as object), wiegand2: { d0: 20, d1: 12 } } })),
    /: GPIO line 12 is already wiegand2\.d1: give parking\.exitRelay its own$/,
  );
  // Both Wiegand readers on one pair.
  assert.match(
    said((p) => ({
      ...withWiegandExit(p),
      gpio: { ...(p.gpio as object), wiegand: WIEGAND2, wiegand2: WIEGAND2 },
    })),
    /line 20 is already wiegand\.d0: give wiegand2\.d0 its own line/,
  );
  const asPos = { ...parkingConfig(withWiegandExit), terminal: { id: 501, name: 'pos', tenantId: 1, roles: ['pos'] } };
  assert.throws(
    () => parseConfig(asPos, 'pos.json'),
    /invalid field "peripherals\.reader2\.kind": wiegand yields card numbers only; the pos role needs an mfrc522$/,
  );
  assert.match(
    said((p) => ({ ...p, reader2: { kind: 'wiegand' } })),
    /invalid field "peripherals\.gpio\.wiegand2": a wiegand reader2 needs its lines: d0, d1$/,
  );
});
