import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultWorld } from '../../../simulator/cli/default-world.ts';
import { SimShell } from '../../../simulator/cli/shell.ts';

/**
 * The shell presses keys one by one; a key the POS refuses stops the line
 * with a message. Pressing on turned refused input into other input:
 * `topup 500` with nobody signed in became a 500.00 sale.
 */
async function shell() {
  const world = await defaultWorld(1);
  return { world, sh: new SimShell(world, 'pos1'), mode: () => world.terminal('pos1').terminal.pos.mode };
}

test('topup with no operator signed in is refused, and does not become a sale', async () => {
  const { world, sh, mode } = await shell();
  try {
    const out = (await sh.exec('topup 500'))!.join('\n');
    assert.doesNotMatch(out, /Due|500\.00/);
    assert.match(out, /refused : key "topup"; not pressed: 5 0 0 confirm/);
    assert.notEqual(mode(), 'await-card');
  } finally {
    world.close();
  }
});

test('a key the free-amount mode does not take stops the line: 12*2+1 is not 1221.00', async () => {
  const { world, sh, mode } = await shell();
  try {
    await sh.exec('tap op'); // an operator signed in: only the keys are wrong here
    const out = (await sh.exec('keys 12*2+1 confirm'))!.join('\n');
    assert.doesNotMatch(out, /Due/);
    assert.match(out, /Invalid key/);
    assert.match(out, /refused : key "\*"; not pressed: 2 \+ 1 confirm/);
    assert.notEqual(mode(), 'await-card');
    // A line the POS takes whole still goes through.
    assert.match((await sh.exec('12.50'))!.join('\n'), /12\.50/);
    assert.equal(mode(), 'await-card');
  } finally {
    world.close();
  }
});

test('an amount line the one amount rule refuses says why and presses nothing', async () => {
  const { world, sh, mode } = await shell();
  try {
    await sh.exec('tap op');
    const before = mode();
    assert.deepEqual(await sh.exec('1.005'), ['  "1.005": at most two decimals (cents)']);
    assert.deepEqual(await sh.exec('1,000'), ['  "1,000": no thousands separators: write 1234.50']);
    assert.deepEqual(await sh.exec('-5'), ['  "-5": must not be negative']);
    assert.equal(mode(), before);
  } finally {
    world.close();
  }
});
