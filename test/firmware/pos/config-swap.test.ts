import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, type TerminalConfig } from '../../../firmware/config/schema.ts';
import { SimWorld } from '../../../simulator/world.ts';

/** A pushed config reaches the POS between sales only (firmware/pos/config-swap.ts, Terminal.applyConfig). */
const START = Date.parse('2026-11-23T11:30:00+08:00');

async function setup(pos: Record<string, unknown> = {}): Promise<SimWorld> {
  const w = new SimWorld({ seed: 8, startMs: START });
  w.addTerminal({ name: 'pos1', id: 101, pos });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 20_000 });
  return w;
}

/** The terminal's config with `pos` changed, through the schema as a push would be. */
function withPos(w: SimWorld, pos: Record<string, unknown>, terminal: Record<string, unknown> = {}): TerminalConfig {
  const c = w.terminal('pos1').terminal.config;
  return parseConfig({ ...c, terminal: { ...c.terminal, ...terminal }, pos: { ...c.pos, ...pos } });
}

const press = (w: SimWorld, keys: string[]) => keys.map((k) => w.key('pos1', k)).at(-1)!;

test('a config pushed while an amount is due waits for that sale; the next sale runs under it', async () => {
  const w = await setup();
  try {
    const t = w.terminal('pos1').terminal;
    press(w, ['6', 'confirm']);
    assert.deepEqual(t.applyConfig(withPos(w, { maxSaleCents: 500 })), { restartNeeded: [] });
    assert.equal(t.config.pos.maxSaleCents, 500, 'the terminal holds it for its next start at once');
    const paid = await w.tap('pos1', 'alice');
    assert.equal(paid.screen.cashier.en, 'Paid 6.00', 'the sale in hand finished under the config it started with');
    press(w, ['6', 'confirm']);
    const refused = await w.tap('pos1', 'alice');
    assert.deepEqual(refused.beeps, ['error']);
    assert.equal((await w.inspect('alice')).purse.balance, 20_000 - 600);
  } finally {
    w.close();
  }
});

test('a config pushed during a tap is taken after it, never in the middle', async () => {
  const w = await setup({ entryMode: 'fixed', fixedPriceCents: 500 });
  try {
    const t = w.terminal('pos1').terminal;
    const tap = w.tap('pos1', 'alice');
    t.applyConfig(withPos(w, { fixedPriceCents: 700 }));
    assert.equal((await tap).screen.cashier.en, 'Paid 5.00');
    assert.equal(t.pos.screen.cashier.en, 'Due 7.00, tap card', 'resting again: the new price is shown');
    assert.equal((await w.tap('pos1', 'alice')).screen.cashier.en, 'Paid 7.00');
  } finally {
    w.close();
  }
});

test('a resting POS takes the config at once; what is read at start is named for a restart', async () => {
  const w = await setup({ entryMode: 'fixed', fixedPriceCents: 500 });
  try {
    const t = w.terminal('pos1').terminal;
    const r = t.applyConfig(
      withPos(
        w,
        {
          fixedPriceCents: 300,
          online: { deadlineMs: 2_000, offlineFloorPerSaleCents: 2_000, offlineFloorPerCardDayCents: 5_000 },
        },
        { utcOffsetMinutes: 420 },
      ),
    );
    assert.deepEqual(r.restartNeeded, ['terminal.utcOffsetMinutes', 'pos.online']);
    assert.equal(t.pos.screen.customer.en, 'Please pay 3.00');
    // A restart opens with the pushed config: nothing is waiting any more.
    const again = w.restart('pos1');
    assert.equal(again.config.terminal.utcOffsetMinutes, 420);
    assert.deepEqual(again.applyConfig(again.config).restartNeeded, []);
  } finally {
    w.close();
  }
});
