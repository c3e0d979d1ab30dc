import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { silentLogger } from '../../../base/log.ts';
import { DeskSim } from '../../../simulator/cli/sim-desk.ts';

/** `onecard sim --role desk` (docs/cards.md): the card office, the reference backend in-process. */
test('sim --role desk runs its demo with stdin closed: issue, loss, replacement carrying the balance, late sale, refund', () => {
  const r = spawnSync('node', ['bin/onecard.js', 'sim', '--role', 'desk', '--quiet'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /issued card 10000001 to Wang Fang/);
  assert.match(r.stdout, /pos1: Card reported lost/);
  assert.match(r.stdout, /card 10000002 [^\n]*\n[^\n]*\nbalance 587\.50/, 'the replacement carries the proven balance');
  assert.match(
    r.stdout,
    /balance 579\.50, subsidy 0\.00/,
    "the old card's late offline sale is settled onto the new card",
  );
  assert.match(r.stdout, /10000001 → 10000002: carried 587\.50, corrected -8\.00 since/);
  assert.match(r.stdout, /card 10000002 cancelled: pay out 579\.50 in cash\ncard wiped back to transport keys/);
});

test('desk sim: wrong input is answered with what to type, and changes nothing', async () => {
  const s = await DeskSim.open(2, silentLogger);
  try {
    const noCard = ['read: place the card on the reader', 'no card in hand: issue NAME first', 'abandoned'];
    assert.deepEqual(await s.exec('read'), noCard);
    assert.deepEqual(await s.exec('issue'), ['issue NAME [CLASS] [DEPOSIT]: whose card?']);
    assert.match(
      (await s.exec('issue Li Ming 9999999.00'))!.join('\n'),
      /refused: opening deposit is above the balance cap/,
    );
    assert.deepEqual(await s.exec('issue Li Ming 99999999.00'), [
      'issue NAME [CLASS] [DEPOSIT]: deposit "99999999.00": above 21474836.47',
    ]);
    assert.deepEqual(await s.exec('read'), noCard, 'the refused issue gave out no card');
    assert.match((await s.exec('issue Li Ming'))!.join('\n'), /issued card 10000001 to Li Ming/);
    assert.deepEqual(await s.exec('deposit ten'), ['deposit AMOUNT: an amount like 100.00']);
    assert.deepEqual(await s.exec('sell pos9 1'), ['sell pos1|pos2 AMOUNT']);
    assert.deepEqual(await s.exec('frobnicate'), ['unknown command "frobnicate" (help)']);
    assert.match((await s.exec('read'))!.join('\n'), /total 0\.00/);
    // The desk's commands are the device console's (one dispatch): the same answers, the PIN typed apart.
    assert.deepEqual(await s.exec('lost'), ['lost|found [CARD]: which card number?']);
    assert.deepEqual(await s.exec('pin'), ['new PIN (4 to 6 digits; not shown):']);
    assert.deepEqual(await s.exec('1234'), ['the same PIN again:']);
    assert.deepEqual(await s.exec('sell'), ['the two PINs differ: nothing changed'], 'a PIN line, not a sale');
    await s.exec('pin');
    await s.exec('4321');
    assert.deepEqual(await s.exec('4321'), ['pin: place the card on the reader', 'card 10000001: new PIN set']);
    assert.match((await s.exec('read'))!.join('\n'), /PIN set/);
    assert.equal(await s.exec('quit'), null);
  } finally {
    s.close();
  }
});
