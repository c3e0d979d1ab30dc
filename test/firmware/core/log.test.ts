import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonLogger, MemorySink } from '../../../firmware/core/log.ts';
import { deriveCardKeys } from '../../../firmware/card/keys.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';

test('logs are JSON lines with the event and fields; secrets are redacted whatever their shape', () => {
  const sink = new MemorySink();
  const log = new JsonLogger(sink, () => 1_700_000_000_000).child({ terminal: 101 });
  const master = deriveSimMasterKeys(1);
  const card = deriveCardKeys(master, new Uint8Array([4, 1, 2, 3]));
  log.info('test.event', {
    cardNumber: 1001,
    pin: '1234',
    keyB: 'a1b2',
    masterKeys: master,
    nested: { secret: 'x', uid: new Uint8Array([1, 2]) },
    card,
  });
  const rec = JSON.parse(sink.lines[0]);
  assert.equal(rec.event, 'test.event');
  assert.equal(rec.terminal, 101);
  assert.equal(rec.cardNumber, 1001);
  assert.equal(rec.pin, '[redacted]');
  assert.equal(rec.keyB, '[redacted]');
  assert.equal(rec.masterKeys, '[redacted]');
  assert.equal(rec.nested.secret, '[redacted]');
  assert.equal(rec.nested.uid, '[2 bytes]');
  const text = sink.lines[0];
  for (const k of [master.cardKeyA, master.cardKeyB, master.cardMac, card.mac, card.keyA(1)]) {
    assert.ok(!text.includes(Buffer.from(k).toString('hex')), 'no key bytes in the line');
  }
  assert.ok(!text.includes('1234'));
});

test('card keys never serialise', () => {
  const card = deriveCardKeys(deriveSimMasterKeys(1), new Uint8Array([4, 1, 2, 3]));
  assert.equal(JSON.stringify({ card }), '{"card":"[card keys redacted]"}');
});
