import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultWorld } from '../../simulator/cli/default-world.ts';

/** `onecard sim --backend`: list versions and credit numbers are the backend's, never seeded by the sim. */
test('the demo world seeds its own lists offline only; against a backend it starts at version 0', async () => {
  const offline = await defaultWorld(1);
  const online = await defaultWorld(1, 'virtual', { backend: true });
  try {
    const a = offline.terminal('pos1').terminal;
    const b = online.terminal('pos1').terminal;
    assert.equal(a.blacklist.version(), 1);
    assert.ok(a.blacklist.has(3003));
    assert.equal(b.blacklist.version(), 0, "a seeded version 1 would hide the backend's version 1");
    assert.ok(!b.blacklist.has(3003));
    assert.equal(b.credits.forCard(1002, 0).length, 0);
    assert.equal(a.credits.forCard(1002, 0).length, 1);
  } finally {
    offline.close();
    online.close();
  }
});
