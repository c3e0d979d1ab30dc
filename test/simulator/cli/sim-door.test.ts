import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../base/log.ts';
import { DOOR_PINS, DoorSim } from '../../../simulator/cli/sim-door.ts';
import { simMain } from '../../../simulator/cli/sim.ts';

test('sim --role door: a person sees the relay click on a valid tap and stay shut on a lost card', async () => {
  const sim = await DoorSim.open(1, silentLogger);
  try {
    const released = 'relay: *click* line 5 → 1 (released)';
    assert.deepEqual(await sim.exec('tap alice'), ['door 0: open (schedule)', released]);
    assert.deepEqual(await sim.exec('wait 4000'), ['door 0 is locked', 'relay: *click* line 5 → 0 (held)']);
    const lost = (await sim.exec('tap lost')) ?? [];
    assert.equal(lost[0], 'door 0: shut — card 4004 is on the blacklist');
    assert.equal(lost[1], 'relay: no change (latch held)');
    assert.deepEqual(
      sim.pins.changes(DOOR_PINS.relay).map(([, level]) => level),
      [0, 1, 0],
      'claimed held, one release, held again: nothing for the lost card',
    );
    const forged = (await sim.exec('tap forged')) ?? [];
    assert.match(forged[0] ?? '', /^door 0: shut — card not read \(auth-failed\)/);
    assert.deepEqual(sim.pins.changes(DOOR_PINS.relay).length, 3, 'the forged card moved nothing either');
    assert.deepEqual(await sim.exec('tap nobody'), ['no card "nobody" (alice, carol, lost, forged)']);
  } finally {
    sim.close();
  }
});

test('sim --role door takes no options of the POS world, and names the roles it knows', async () => {
  const err: string[] = [];
  assert.equal(
    await simMain(
      ['--role', 'door', '--scenario', 'x.json'],
      () => {},
      (l) => err.push(l),
    ),
    2,
  );
  assert.equal(
    await simMain(
      ['--role', 'gate'],
      () => {},
      (l) => err.push(l),
    ),
    2,
  );
  assert.match(err.join('\n'), /--scenario do not apply[\s\S]*must be one of pos, door/);
});
