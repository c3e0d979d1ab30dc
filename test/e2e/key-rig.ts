import assert from 'node:assert/strict';
import { SyncKeyStore } from '../../firmware/store/keys/sync-key.ts';
import type { SessionAuthorizer } from '../../firmware/sync/authorizer.ts';
import { deriveTerminalKey } from '../../protocol/index.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/**
 * One POS terminal (id 101) synced with the net's backend, for the key
 * rotation tests (PROTOCOL.md §4.6): its key store, a reboot that keeps its
 * files (a power cut), and what each side believes the key generation is.
 */
export const START = Date.parse('2026-11-23T11:30:00+08:00');
export const TERMINAL = 101;
/** The master key the harness's backend is created with. */
export const MK = new Uint8Array(32).fill(7);
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const derived = (keyId: number) => deriveTerminalKey(MK, TERMINAL, keyId);

export class KeyRig {
  readonly w: SimWorld;
  readonly net: Net;
  private synced: Synced | null = null;
  private readonly auth: SessionAuthorizer;

  constructor(seed: number, opts: { enrol?: boolean; connect?: boolean } = {}) {
    this.w = new SimWorld({ seed, startMs: START });
    this.net = new Net(this.w.clock, seed);
    this.auth = authorizerFor(this.net);
    this.w.addTerminal({ name: 'pos1', id: TERMINAL, authorizer: this.auth });
    if (opts.enrol) this.net.b.enrol(TERMINAL);
    if (opts.connect !== false) this.boot();
  }

  /** Starts the sync client (seeded with the backend's generation-1 key, used only while its store is empty). */
  boot(): void {
    this.synced = syncTerminal(this.w, 'pos1', this.net, this.auth);
  }

  /** A power cut: the client is gone without a word, its state file stays. */
  powerCut(): void {
    const s = this.synced as Synced;
    s.client.stop();
    s.state.close();
    this.synced = null;
  }

  get client() {
    return (this.synced as Synced).client;
  }

  /** The terminal's key store, read from its state file (the seed is ignored: the store holds a key). */
  keys(): SyncKeyStore {
    return new SyncKeyStore((this.synced as Synced).state, { keyId: 99, key: new Uint8Array(32) });
  }

  /** Generations of the sessions the backend opened, in order. */
  opened(): number[] {
    return this.net.logged('backend.opened').map((l) => l.generation as number);
  }

  /** Runs until the terminal's current generation is `keyId`, with nothing pending, and it is connected. */
  async settledAt(keyId: number, maxMs = 120_000): Promise<void> {
    const ok = await this.untilShared(
      () =>
        this.synced !== null &&
        this.client.connected &&
        this.keys().current().keyId === keyId &&
        this.keys().pending() === null,
      maxMs,
    );
    assert.ok(ok, `terminal settled at key generation ${keyId}`);
  }

  /** Both sides at `keyId`, the older generations refused, and no key in any log line, alert or journal record. */
  assertRotatedTo(keyId: number, secrets: Uint8Array[]): void {
    const b = this.net.b;
    assert.deepEqual(b.keys.describe(TERMINAL), { current: keyId, pending: null, confirmed: false, requested: false });
    assert.equal(hex(this.keys().current().key), hex(b.keyFor(TERMINAL, keyId) as Uint8Array));
    for (let k = 1; k < keyId; k++)
      assert.equal(b.keyFor(TERMINAL, k), null, `generation ${k} no longer opens a session`);
    this.assertNoSecrets(secrets);
  }

  /**
   * §4.6 "a cut at any step leaves a key both sides hold": some generation the
   * terminal holds (current or pending) opens a session at the backend with
   * the same key. True while the terminal or the backend is down.
   */
  sharedKey(): boolean {
    if (!this.synced || !this.net.backend) return true;
    const k = this.keys();
    return [k.current(), k.pending()].some(
      (g) => g !== null && hex(g.key) === hex(this.net.b.keyFor(TERMINAL, g.keyId) ?? new Uint8Array()),
    );
  }

  /** Runs until `done`, checking sharedKey() at every step; fails at the first step without one. */
  async untilShared(done: () => boolean, maxMs: number): Promise<boolean> {
    let broken = false;
    const ok = await this.net.until(() => {
      if (!this.sharedKey()) broken = true;
      return broken || done();
    }, maxMs);
    assert.ok(!broken, 'a step where terminal and backend held no key in common');
    return ok;
  }

  assertNoSecrets(secrets: Uint8Array[]): void {
    const journal = JSON.stringify(this.w.terminal('pos1').terminal.journal.after(0, 1_000));
    const texts = [...this.net.logSink.lines, JSON.stringify(this.net.b.alerts()), journal];
    for (const s of secrets)
      for (const t of texts)
        assert.ok(
          !t.includes(hex(s)) && !t.includes(hex(s.subarray(0, 8))),
          'a key leaked into a log, an alert or the journal',
        );
  }

  close(): void {
    if (this.synced) this.powerCut();
    this.w.close();
    this.net.close();
  }
}
