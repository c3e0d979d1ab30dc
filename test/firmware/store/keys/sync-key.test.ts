import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { MemorySink, JsonLogger, silentLogger } from '../../../../firmware/core/log.ts';
import { SyncKeyStore } from '../../../../firmware/store/keys/sync-key.ts';
import { TerminalRekey } from '../../../../firmware/sync/rekey.ts';
import { SyncState } from '../../../../firmware/sync/sync-state.ts';

/** The terminal's durable key generations (PROTOCOL.md §4.6) and the dial choice over them. */
const K1 = new Uint8Array(32).fill(0x11);
const K2 = new Uint8Array(32).fill(0x22);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function withFile(run: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-key-'));
  try {
    run(join(dir, 'sync.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the seed becomes current once; a stored generation survives a reopen and the seed is ignored then', () => {
  withFile((path) => {
    let state = SyncState.open({ path, log: silentLogger });
    let store = new SyncKeyStore(state, { keyId: 1, key: K1 });
    assert.equal(store.current().keyId, 1);
    store.offer(7, 2, K2);
    assert.ok(store.acked(2));
    state.close();
    if (process.platform !== 'win32')
      assert.equal(statSync(path).mode & 0o077, 0, "the file holding the key is its owner's only");
    state = SyncState.open({ path, log: silentLogger });
    store = new SyncKeyStore(state, { keyId: 9, key: new Uint8Array(32) });
    assert.deepEqual([store.current().keyId, hex(store.current().key)], [1, hex(K1)]);
    const p = store.pending();
    assert.ok(p);
    assert.deepEqual([p.keyId, p.corrId, p.acked, hex(p.key)], [2, 7, true, hex(K2)]);
    assert.ok(store.promote(2));
    assert.deepEqual([store.current().keyId, hex(store.current().key), store.pending()], [2, hex(K2), null]);
    state.close();
  });
});

test('an offer of the current generation or a wrong size is refused and stores nothing', () => {
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const store = new SyncKeyStore(state, { keyId: 1, key: K1 });
  assert.throws(() => store.offer(1, 1, K2), /offered is the current one/);
  assert.throws(() => store.offer(1, 2, new Uint8Array(16)), /must be 32 bytes/);
  assert.throws(() => store.offer(1, 0, K2), /generation must be/);
  assert.equal(store.pending(), null);
  assert.equal(store.promote(2), false);
  state.close();
});

test('keys print redacted; a damaged value is reported without its content', () => {
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const store = new SyncKeyStore(state, { keyId: 1, key: K1 });
  const g = store.current();
  for (const text of [JSON.stringify(g), inspect(g), String(g), JSON.stringify({ g })])
    assert.ok(!text.includes('11'.repeat(8)), text);
  state.setValues({ 'terminal-key.pending': `{"keyId":2,"key":"${hex(K2)}` });
  assert.throws(
    () => store.pending(),
    (err: Error) => /not valid JSON/.test(err.message) && !err.message.includes('2222'),
  );
  state.close();
});

test('dial choice: an unacknowledged key is dropped; an acknowledged one is tried, in turn with the old one until one opens; a refusal forgets it', () => {
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const sink = new MemorySink();
  const store = new SyncKeyStore(state, { keyId: 1, key: K1 });
  const rekey = new TerminalRekey(store, new JsonLogger(sink, () => 0, 'debug'));
  store.offer(3, 2, K2);
  assert.equal(rekey.forDial().keyId, 1, 'stored but never acknowledged: the backend cannot hold it');
  assert.equal(store.pending(), null);

  const ok = rekey.offered({ corrId: 4, keyId: 2, key: K2 }, () => ({ ok: true, seq: 9 }));
  assert.equal(ok, true);
  assert.equal(rekey.forDial().keyId, 2);
  rekey.handshakeFailed('handshake-timeout');
  assert.equal(rekey.forDial().keyId, 1, 'a dial under the new key that did not open: the old one next');
  assert.equal(store.pending()?.keyId, 2, 'kept: the backend may have made it current already');
  assert.equal(rekey.forDial().keyId, 2, '… and the new one after that, in turn');
  rekey.handshakeFailed('refused');
  assert.equal(store.pending(), null, 'the backend does not hold it: forgotten');
  assert.equal(rekey.forDial().keyId, 1);

  assert.equal(
    rekey.offered({ corrId: 4, keyId: 2, key: K2 }, () => ({ ok: true, seq: 9 })),
    true,
  );
  assert.equal(rekey.forDial().keyId, 2);
  assert.equal(rekey.forDial().keyId, 1);
  rekey.opened(1);
  assert.equal(store.pending(), null, 'the old generation opened: the backend never made the new one current');

  assert.equal(
    rekey.offered({ corrId: 5, keyId: 2, key: K2 }, () => ({
      ok: false,
      error: 'not-open',
      detail: 'session not open',
    })),
    false,
  );
  assert.equal(store.pending()?.acked, false, 'no acknowledgement left: not marked');
  assert.equal(
    rekey.offered({ corrId: 6, keyId: 2, key: K2 }, () => ({ ok: true, seq: 10 })),
    true,
  );
  assert.equal(rekey.forDial().keyId, 2);
  rekey.opened(2);
  assert.deepEqual([rekey.generation, store.pending()], [2, null]);
  assert.equal(rekey.forDial().keyId, 2);
  for (const l of sink.lines) assert.ok(!l.includes('2222') && !l.includes('1111'), l);
  state.close();
});
