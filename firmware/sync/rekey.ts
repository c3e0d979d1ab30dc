import type { Logger } from '../core/log.ts';
import type { KeyGeneration, SyncKeyStore } from '../store/keys/sync-key.ts';
import type { CloseReason, SendResult } from '../../protocol/index.ts';

/**
 * The terminal's side of key rotation (PROTOCOL.md §4.6), over the durable
 * SyncKeyStore. The Connection asks it which generation to say HELLO with on
 * each dial, and tells it how each handshake ended and when a key is offered.
 *
 *   KEY_ROTATE   → store the key beside the old one (durable) → KEY_ROTATE_ACK
 *                → mark it acknowledged → BYE rekey → HELLO under the new key
 *   opened under the new key  → it becomes current, the old one is forgotten
 *   opened under the old key  → the backend never made the new one current: forget it
 *   refused under the new key → forget it, dial under the old one
 *
 * The rule that makes every cut safe: the terminal forgets a generation only
 * when a handshake under another one has succeeded (or the backend said it
 * does not hold it), and the backend forgets the old one only when a
 * handshake under the new one has succeeded. So the terminal always holds
 * the key the backend has. While it holds two, a dial that fails without a
 * refusal is followed by a dial under the other one: the link may have
 * dropped after the backend made the new key current and forgot the old one
 * (before the WELCOME got through), or the backend's ERROR may have been
 * lost with the link. Whichever key the backend holds opens within two dials.
 *
 * A key stored but not yet acknowledged is dropped at the next dial: the
 * backend cannot hold it as pending, and it offers the rotation again.
 */

/** What a Connection needs of the terminal key (firmware/sync/connection.ts). */
export interface DialKeys {
  /** The generation to say HELLO with on this dial. */
  forDial(): KeyGeneration;
  /** The handshake of the last dial succeeded under this generation. */
  opened(keyId: number): void;
  /** The handshake of the last dial ended with this reason before the session opened. */
  handshakeFailed(reason: CloseReason): void;
  /** A KEY_ROTATE: stores the key and acknowledges it through `confirm`; true when the session should end with BYE rekey. */
  offered(e: { corrId: number; keyId: number; key: Uint8Array }, confirm: (corrId: number) => SendResult): boolean;
}

/** Handshake endings that mean "the backend does not hold this key" (a wrong proof, or its ERROR auth-failed). */
const KEY_REFUSED: ReadonlySet<CloseReason> = new Set(['auth-failed', 'refused']);

export class TerminalRekey implements DialKeys {
  /** The last dial that has not opened (null after an open): its generation, and whether it was the new one. */
  private dialed: { keyId: number; pending: boolean } | null = null;

  constructor(
    private readonly store: SyncKeyStore,
    private readonly log: Logger,
  ) {}

  /** The generation in use (for the CLI and the tests). */
  get generation(): number {
    return this.store.current().keyId;
  }

  forDial(): KeyGeneration {
    let p = this.store.pending();
    if (p && !p.acked) {
      this.store.dropPending();
      this.log.info('sync.key-unacked-dropped', { generation: p.keyId });
      p = null;
    }
    // The new key first; after a dial under it that did not open, the old one, and so on in turn.
    const usePending = p !== null && (this.dialed === null || !this.dialed.pending);
    const g = usePending && p ? p : this.store.current();
    this.dialed = { keyId: g.keyId, pending: usePending };
    return g;
  }

  opened(keyId: number): void {
    const d = this.dialed;
    this.dialed = null;
    if (d?.pending && d.keyId === keyId) {
      if (this.store.promote(keyId)) this.log.info('sync.key-rotated', { generation: keyId });
      return;
    }
    const p = this.store.pending();
    // Opened under the old key: the backend still holds it, so it has not made the new one current.
    if (p?.acked) this.fallBack(p.keyId, 'the old generation opened a session');
  }

  handshakeFailed(reason: CloseReason): void {
    const d = this.dialed;
    if (d?.pending && KEY_REFUSED.has(reason)) this.fallBack(d.keyId, reason);
  }

  offered(e: { corrId: number; keyId: number; key: Uint8Array }, confirm: (corrId: number) => SendResult): boolean {
    try {
      this.store.offer(e.corrId, e.keyId, e.key);
    } catch (err) {
      // Not a next generation (or the store failed): not acknowledged, so the backend keeps the old key as well.
      this.log.warn('sync.key-offer-refused', { generation: e.keyId, corrId: e.corrId, error: (err as Error).message });
      return false;
    }
    // Only now, with the key durable beside the old one, the acknowledgement (§4.6 step 2).
    const r = confirm(e.corrId);
    if (!r.ok) {
      this.log.warn('sync.key-ack-failed', { generation: e.keyId, corrId: e.corrId, error: r.error });
      return false;
    }
    this.store.acked(e.keyId);
    this.log.info('sync.key-offered', { generation: e.keyId, corrId: e.corrId });
    return true;
  }

  private fallBack(keyId: number, why: string): void {
    this.store.dropPending();
    this.dialed = null;
    this.log.warn('sync.key-fallback', { generation: keyId, why, current: this.store.current().keyId });
  }
}
