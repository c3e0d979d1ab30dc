import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { silentLogger } from '../../../base/log.ts';
import { KioskSim } from '../../../simulator/cli/sim-kiosk.ts';

const sim = (...args: string[]) =>
  spawnSync('node', ['bin/onecard.js', 'sim', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('sim --role kiosk runs its demo with stdin closed and exits 0: balance, receipts, a COPY after paper out', () => {
  const r = sim('--role', 'kiosk', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /> bill 10\nscreen: .*\n {8}Balance ¥20\.00 {2}inserted ¥10\.00/);
  assert.match(r.stdout, /Printer out of paper: topped up, the receipt prints later/);
  assert.match(r.stdout, /> wait 10s\n[\s\S]*TOP-UP COPY/);
  assert.match(r.stdout, /Bill jammed: please call staff/);
  assert.match(r.stdout, /Cash box removed: not accepting bills/);
  assert.match(r.stdout, /alice: card 1001 balance 190\.00/);
  assert.match(r.stdout, /Cash box 4 bills ¥180\.00/);
});

test('sim --help names the kiosk role', () => {
  const r = sim('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kiosk/);
});

test('kiosk sim: wrong bills, a shut slot and unknown commands get a message and change nothing', async () => {
  const s = await KioskSim.open(1, silentLogger);
  try {
    assert.deepEqual(await s.exec('bill 10'), ['the slot takes no bill now: the validator is disabled']);
    await s.exec('tap alice');
    assert.deepEqual(await s.exec('bill 7'), ['no 7 yuan bill: the validator takes 1, 5, 10, 20, 50 and 100']);
    assert.deepEqual(await s.exec('bill ten'), ['bill N: a whole number of yuan (1, 5, 10, 20, 50, 100)']);
    assert.match((await s.exec('tap nobody'))![0]!, /^no card "nobody"/);
    assert.match((await s.exec('cassette sideways'))![0]!, /^unknown command "cassette sideways"/);
    assert.deepEqual(await s.exec('wait soon'), ['wait: a duration like 10s, 5m, 3h; at most 1d']);
    assert.match((await s.exec('cards'))![0]!, /alice: card 1001 balance 10\.00/);
    assert.equal(await s.exec('quit'), null);
  } finally {
    s.close();
  }
});

test('sim --role kiosk --reader mfrc522: the demo through our MFRC522 driver ends as on the virtual reader', () => {
  const virtual = sim('--role', 'kiosk', '--quiet');
  const chip = sim('--role', 'kiosk', '--quiet', '--reader', 'mfrc522');
  assert.equal(chip.status, 0, chip.stderr);
  assert.equal(chip.stdout, virtual.stdout);
  const door = sim('--role', 'door', '--reader', 'mfrc522');
  assert.equal(door.status, 2);
  assert.match(door.stderr, /--role door runs on its own; --reader do not apply/);
});
