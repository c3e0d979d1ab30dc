import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimWorld } from '../../simulator/world.ts';

const START = Date.parse('2026-12-07T12:10:00+08:00');

test('a kiosk tap in a world of --reader mfrc522 goes through our MFRC522 driver on the chip emulator', async () => {
  const w = new SimWorld({ seed: 5, startMs: START, reader: 'mfrc522' });
  try {
    await w.kiosks.add({ name: 'kiosk1', id: 301, kiosk: { handOverOwed: false } });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 });
    await w.kiosks.tap('kiosk1', 'alice');
    const t = w.terminal('kiosk1');
    assert.equal(t.chip?.driver.counters.cardsSelected, 1, 'the driver selected the card');
    assert.equal(t.reader.card, null, 'the virtual reader was not used');
    await w.kiosks.run('kiosk1', 2); // the bill types the card may take reach the validator
    assert.equal(await w.kiosks.bill('kiosk1', 1_000), null);
    assert.equal((await w.inspect('alice')).purse.balance, 2_000, 'the ¥10 written through the driver');
    await w.kiosks.cardGone('kiosk1');
    assert.deepEqual(t.chip?.emulator.field.cards, [], 'the card left the emulated field');
  } finally {
    w.close();
  }
});
