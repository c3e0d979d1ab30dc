import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../firmware/core/random.ts';
import { SyncKeyStore } from '../../firmware/store/keys/sync-key.ts';
import { KeyRotations, type RekeySession } from '../../backend/key-rotation.ts';
import { drawFaults } from '../../simulator/net/virtual-link.ts';
import { KeyRig, TERMINAL, derived, hex } from './key-rig.ts';

/**
 * Key rotation cut at each step (PROTOCOL.md §4.6): the terminal's power, the
 * link, the backend process. After each, the two sides still share a key at
 * every step (KeyRig.untilShared) and the rotation completes.
 */

const cutLinks = (r: KeyRig, why: string) => {
  for (const l of r.net.links) l.cut(why);
};

test('power cut after the terminal stored the key, before the ack: it dials under the old key and the backend offers again', async (t) => {
  const r = new KeyRig(51);
  try {
    const offer = SyncKeyStore.prototype.offer;
    let cut = false;
    t.mock.method(
      SyncKeyStore.prototype,
      'offer',
      function (this: SyncKeyStore, corrId: number, keyId: number, key: Uint8Array) {
        offer.call(this, corrId, keyId, key);
        if (cut) return;
        cut = true;
        throw new Error('power cut');
      },
    );
    assert.ok(await r.untilShared(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    assert.ok(await r.untilShared(() => cut, 5_000));
    r.powerCut();
    r.boot();
    assert.deepEqual(
      [r.keys().current().keyId, r.keys().pending()?.keyId, r.keys().pending()?.acked],
      [1, 2, false],
      'stored durably, never acknowledged',
    );
    assert.deepEqual(r.net.b.keys.describe(TERMINAL), { current: 1, pending: 2, confirmed: false, requested: true });
    await r.settledAt(2, 60_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.deepEqual(r.opened(), [1, 1, 2]);
    assert.equal(r.net.logged('sync.key-unacked-dropped').length, 1);
    assert.deepEqual(
      r.net.logged('backend.key-offered').map((l) => l.generation),
      [2, 2],
      'the same generation offered again',
    );
  } finally {
    r.close();
  }
});

test('link cut after the ack was handed over, before it left: the new key is refused, the terminal falls back, the rotation is offered again', async (t) => {
  const r = new KeyRig(52);
  try {
    const acked = SyncKeyStore.prototype.acked;
    let cut = false;
    t.mock.method(SyncKeyStore.prototype, 'acked', function (this: SyncKeyStore, keyId: number) {
      const ok = acked.call(this, keyId);
      if (!cut) cutLinks(r, 'cut after the ack');
      cut = true;
      return ok;
    });
    assert.ok(await r.untilShared(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    await r.settledAt(2, 60_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.equal(r.net.logged('sync.key-fallback').length, 1, 'the first attempt under generation 2 was not accepted');
    assert.equal(r.net.logged('backend.key-confirmed').length, 1, 'only the second acknowledgement arrived');
    assert.deepEqual(r.opened(), [1, 1, 2]);
  } finally {
    r.close();
  }
});

test('ack delivered, then the link is cut and the backend restarts before the rekey handshake: the rotation still completes', async (t) => {
  const r = new KeyRig(53);
  try {
    const confirmed = KeyRotations.prototype.confirmed;
    let cut = false;
    t.mock.method(
      KeyRotations.prototype,
      'confirmed',
      function (this: KeyRotations, terminal: number, corrId: number, keyId: number) {
        confirmed.call(this, terminal, corrId, keyId);
        if (cut) return;
        cut = true;
        cutLinks(r, 'cut after the ack arrived');
        r.net.sched.after(0, () => {
          r.net.stopBackend();
          r.net.startBackend();
        });
      },
    );
    assert.ok(await r.untilShared(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    assert.ok(await r.untilShared(() => cut, 5_000));
    assert.deepEqual(r.net.b.keys.describe(TERMINAL), { current: 1, pending: 2, confirmed: true, requested: true });
    await r.settledAt(2, 60_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.equal(r.opened().at(-1), 2);
  } finally {
    r.close();
  }
});

test('backend restart after it stored the offer, before the terminal got it: offered again at the next session', async () => {
  const r = new KeyRig(54);
  try {
    assert.ok(await r.untilShared(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    cutLinks(r, 'backend process killed'); // the KEY_ROTATE in flight is lost with it
    r.net.stopBackend();
    r.net.startBackend();
    assert.deepEqual(r.net.b.keys.describe(TERMINAL), { current: 1, pending: 2, confirmed: false, requested: true });
    await r.settledAt(2, 60_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.deepEqual(r.opened(), [1, 1, 2]);
    assert.deepEqual(
      r.net.logged('backend.key-offered').map((l) => l.corrId),
      [1, 2],
    );
  } finally {
    r.close();
  }
});

test('cut after the backend made the new key current, before the terminal heard WELCOME: the terminal keeps the new key', async (t) => {
  const r = new KeyRig(55);
  try {
    const opened = KeyRotations.prototype.opened;
    let cut = false;
    t.mock.method(KeyRotations.prototype, 'opened', function (this: KeyRotations, s: RekeySession) {
      opened.call(this, s);
      if (cut || this.describe(TERMINAL).current !== 2) return;
      cut = true;
      cutLinks(r, 'cut before WELCOME');
    });
    assert.ok(await r.untilShared(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    assert.ok(await r.untilShared(() => cut, 5_000));
    assert.deepEqual(
      [r.keys().current().keyId, r.keys().pending()?.keyId],
      [1, 2],
      'the terminal has not heard it succeed',
    );
    assert.equal(r.net.b.keyFor(TERMINAL, 1), null, 'the backend has forgotten the old key');
    await r.settledAt(2, 60_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.equal(r.net.logged('sync.key-fallback').length, 0);
  } finally {
    r.close();
  }
});

test('swarm: rotations over faulty links and backend restarts always share a key and complete', async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = new KeyRig(600 + seed);
    try {
      const rng = new SeededRandom(seed);
      // Within a session a lost frame is a lost link on TCP: every plan disconnects now and then.
      r.net.plan = { ...drawFaults(rng), disconnectPerMille: 10 + rng.int(40) };
      for (let gen = 2; gen <= 3; gen++) {
        assert.ok(await r.untilShared(() => r.client.connected, 300_000), `seed ${seed}: connected`);
        r.net.b.rotateKey(TERMINAL);
        if (rng.int(3) === 0) {
          await r.untilShared(() => false, rng.int(200));
          r.net.stopBackend();
          r.net.startBackend();
        }
        await r.settledAt(gen, 1_800_000);
        assert.deepEqual(r.net.b.keys.describe(TERMINAL).current, gen, `seed ${seed}`);
      }
      assert.equal(hex(r.keys().current().key), hex(derived(3)));
      r.assertNoSecrets([derived(1), derived(2), derived(3)]);
    } finally {
      r.close();
    }
  }
});
