import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRotation } from '../../protocol/rotation.ts';
import { Session } from '../../protocol/index.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import { runAdmin } from '../../backend/admin.ts';
import { virtualLinkPair } from '../../simulator/net/virtual-link.ts';
import { KeyRig, TERMINAL, derived, hex } from './key-rig.ts';

/** Key rotation end to end (PROTOCOL.md §4.6): terminal sync client, reference backend, admin command. */

test('rotation of an online terminal completes; the next session uses the new generation and the old key is refused', async () => {
  const r = new KeyRig(41);
  try {
    assert.ok(await r.net.until(() => r.client.connected, 10_000));
    assert.equal(runAdmin(r.net.b, ['key', String(TERMINAL)]).lines[0], hex(derived(1)));
    const out = runAdmin(r.net.b, ['key', 'rotate', String(TERMINAL)]);
    assert.deepEqual(out, {
      code: 0,
      lines: [
        `terminal ${TERMINAL}: key generation 2 offered; it becomes current when the terminal's handshake under it succeeds`,
      ],
    });
    await r.settledAt(2, 10_000);
    r.assertRotatedTo(2, [derived(1), derived(2)]);
    assert.equal(
      hex(r.keys().current().key),
      hex(derived(2)),
      'the new key of a derived terminal is K_t(MK, id, keyId+1)',
    );
    assert.equal(runAdmin(r.net.b, ['key', String(TERMINAL)]).lines[0], `2:${hex(derived(2))}`);
    assert.deepEqual(runAdmin(r.net.b, ['key', 'show', String(TERMINAL)]).lines, [
      `terminal ${TERMINAL}: key generation 2`,
    ]);
    assert.deepEqual(r.opened(), [1, 2]);
    assert.equal(r.net.logged('sync.key-rotated').length, 1);

    // The next session after a lost link dials under generation 2 again.
    for (const l of r.net.links) l.cut('switch reboot');
    await r.net.run(1);
    assert.ok(await r.net.until(() => r.client.connected, 60_000));
    assert.deepEqual(r.opened(), [1, 2, 2]);
    // And after a power cut, whatever key the client is constructed with.
    r.powerCut();
    r.boot();
    assert.ok(await r.net.until(() => r.client.connected, 60_000));
    assert.deepEqual(r.opened(), [1, 2, 2, 2]);
    r.assertNoSecrets([derived(1), derived(2)]);
  } finally {
    r.close();
  }
});

test('a rotation asked for while the terminal is offline is offered at its next session; an enrolled terminal gets a random key', async () => {
  const r = new KeyRig(42, { enrol: true, connect: false });
  try {
    const k1 = r.net.b.keyFor(TERMINAL, 1) as Uint8Array;
    assert.notEqual(hex(k1), hex(derived(1)));
    assert.deepEqual(runAdmin(r.net.b, ['key', 'rotate', String(TERMINAL)]).lines, [
      `terminal ${TERMINAL}: key rotation queued (the terminal is offline); offered at its next session`,
    ]);
    assert.deepEqual(runAdmin(r.net.b, ['key', 'show', String(TERMINAL)]).lines, [
      `terminal ${TERMINAL}: key generation 1, rotation queued for its next session`,
    ]);
    r.boot();
    await r.settledAt(2, 20_000);
    const k2 = r.net.b.keyFor(TERMINAL, 2) as Uint8Array;
    assert.notEqual(hex(k2), hex(derived(2)), 'random, as the enrolled key was');
    r.assertRotatedTo(2, [k1, k2]);
    const rows = r.net.b.db.prepare('SELECT key_id FROM terminal_keys WHERE terminal = ?').pluck().all(TERMINAL);
    assert.deepEqual(rows, [2], 'the old enrolled key is dropped once the new one opened a session');
    assert.deepEqual(r.opened(), [1, 2]);

    // A second rotation goes on from there.
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    await r.settledAt(3, 20_000);
    const k3 = r.net.b.keyFor(TERMINAL, 3) as Uint8Array;
    r.assertRotatedTo(3, [k1, k2, k3]);
    assert.deepEqual(r.opened(), [1, 2, 3]);
  } finally {
    r.close();
  }
});

test('an acknowledgement with a wrong key check is rejected: the rotation is abandoned and the terminal falls back to its old key', async (t) => {
  const r = new KeyRig(43);
  try {
    // A terminal that stored something other than what it was sent.
    const confirm = KeyRotation.prototype.confirm;
    t.mock.method(KeyRotation.prototype, 'confirm', function (this: KeyRotation, corrId: number) {
      const ack = confirm.call(this, corrId);
      return ack ? { ...ack, check: ack.check.map((b) => b ^ 0xff) } : ack;
    });
    assert.ok(await r.net.until(() => r.client.connected, 10_000));
    assert.equal(r.net.b.rotateKey(TERMINAL), true);
    assert.ok(await r.net.until(() => r.net.logged('sync.key-fallback').length === 1, 30_000));
    await r.settledAt(1, 30_000);
    assert.deepEqual(r.net.b.keys.describe(TERMINAL), {
      current: 1,
      pending: null,
      confirmed: false,
      requested: false,
    });
    assert.equal(r.net.b.keyFor(TERMINAL, 2), null);
    assert.deepEqual(
      r.net.b.alerts().map((a) => [a.kind, a.terminal]),
      [['key-check', TERMINAL]],
    );
    assert.equal(r.net.logged('backend.rejected').filter((l) => l.reason === 'key-check').length, 1);
    // It stays on generation 1: nothing is offered again until an admin asks.
    await r.net.run(120_000);
    assert.ok(r.client.connected);
    assert.deepEqual(r.opened(), [1, 1]);
    assert.equal(r.net.logged('backend.key-offered').length, 1);
    r.assertNoSecrets([derived(1), derived(2)]);
  } finally {
    r.close();
  }
});

test('a terminal that cannot rotate keeps the request queued; a HELLO under a generation not offered is refused', async () => {
  const r = new KeyRig(44, { connect: false });
  try {
    const b = r.net.b;
    const rng = new SeededRandom(5);
    const clock = r.net.clock;
    const dialAs = (keyId: number, caps?: number) => {
      const pair = virtualLinkPair(r.net.sched);
      b.accept(pair.server);
      const s = Session.terminal({
        nowMs: () => clock.nowMs(),
        randomBytes: (n) => rng.bytes(n),
        terminalId: TERMINAL,
        keyId,
        key: derived(keyId),
        ...(caps !== undefined ? { caps } : {}),
      });
      pair.client.onData((bytes) => {
        s.receiveData(bytes);
        for (const f of s.takeOutbound()) pair.client.send(f);
      });
      s.connect();
      for (const f of s.takeOutbound()) pair.client.send(f);
      return { s, link: pair.client };
    };
    const old = dialAs(1, 0x07f);
    await r.net.run(50);
    assert.equal(old.s.state, 'open');
    assert.equal(b.rotateKey(TERMINAL), false, 'no keyRotation capability: not offered');
    assert.deepEqual(b.keys.describe(TERMINAL), { current: 1, pending: null, confirmed: false, requested: true });
    assert.equal(r.net.logged('backend.key-rotate-unsupported').length, 1);
    // Generation 2 was never offered, let alone confirmed: refused, although the backend could derive it.
    const early = dialAs(2);
    await r.net.run(50);
    assert.ok(early.link.closed && early.s.state !== 'open');
    assert.equal(b.keyFor(TERMINAL, 2), null);
    assert.equal(hex(b.keyFor(TERMINAL, 1) as Uint8Array), hex(derived(1)));
  } finally {
    r.close();
  }
});
