import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from './fuzz-engine.ts';
import { connected, Prng } from './helpers.ts';

/**
 * Fuzzing in the normal suite (docs/architecture.md, code habits): one million random and
 * mutated frames through the frame decoder and the message decoders, seeded
 * so a failure replays. `npm run fuzz -- --frames 50000000 --seed N` runs the
 * same engine for longer.
 */
const FRAMES = 1_000_000;
const SEED = 20261123;

test(`fuzz: ${FRAMES.toLocaleString('en')} random and mutated frames, no throw, no hang, bounded buffer`, () => {
  const s = runFuzz({ frames: FRAMES, seed: SEED });
  assert.deepEqual(s.failures, [], `seed ${SEED}`);
  assert.equal(s.frames, FRAMES);
  assert.ok(s.maxBufferedBytes <= s.capacityBytes);
  // The mutations must reach the message decoders, both to succeed and to fail, or the run proves little.
  assert.ok(s.messagesOk > FRAMES / 10, `only ${s.messagesOk} payloads decoded`);
  assert.ok(s.messagesRejected > FRAMES / 10, `only ${s.messagesRejected} payloads refused`);
  assert.ok(s.frameErrors > FRAMES / 10);
});

test('fuzz: an open session fed mutated secured frames rejects them and stays usable', () => {
  const p = connected(3);
  const rng = new Prng(77);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 300; i++) {
    p.terminal.send({ type: 'note', text: `n${i}` });
    frames.push(...p.terminal.takeOutbound());
  }
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const f = frames[rng.int(frames.length)].slice();
    const flips = rng.int(3);
    for (let k = 0; k < flips; k++) f[rng.int(f.length)] ^= 1 << rng.int(8);
    const chunk = rng.int(4) === 0 ? f.subarray(0, rng.int(f.length)) : f;
    for (const e of p.backend.receiveData(chunk)) if (e.type === 'message') accepted++;
    if (p.backend.state !== 'open') break;
  }
  // Only untouched frames, each once, can get through; a forgery would need the MAC.
  assert.ok(accepted <= frames.length, `${accepted} accepted of ${frames.length} genuine`);
});
