import { keyCheck, sameBytes, unwrapKey, wrapKey } from './keys.ts';
import type { KeyRotate, KeyRotateAck } from './messages/control.ts';

/**
 * Key rotation inside an authenticated session (PROTOCOL.md §3.6), OSDP
 * KEYSET-style: the backend offers a new terminal key wrapped under this
 * session's wrap key; the terminal stores it and proves it holds it; the new
 * key becomes current only when a fresh handshake under it succeeds, so a
 * rotation interrupted at any point leaves a key both sides still share.
 */
export class KeyRotation {
  private readonly offered = new Map<number, { keyId: number; key: Uint8Array }>();

  /** Backend: the KEY_ROTATE message for `key`, remembered until acknowledged. */
  offer(wrap: Uint8Array, corrId: number, keyId: number, key: Uint8Array): KeyRotate {
    this.offered.set(corrId, { keyId, key: key.slice() });
    return { type: 'keyRotate', corrId, keyId, wrappedKey: wrapKey(wrap, corrId, keyId, key) };
  }

  /** Terminal: unwraps an offered key and remembers it for confirm(). */
  received(wrap: Uint8Array, m: KeyRotate): Uint8Array {
    const key = unwrapKey(wrap, m.corrId, m.keyId, m.wrappedKey);
    this.offered.set(m.corrId, { keyId: m.keyId, key });
    return key;
  }

  /** Terminal: the acknowledgement proving it holds the key offered under corrId, or null. */
  confirm(corrId: number): KeyRotateAck | null {
    const o = this.offered.get(corrId);
    if (!o) return null;
    this.offered.delete(corrId);
    return { type: 'keyRotateAck', corrId, keyId: o.keyId, check: keyCheck(o.key, o.keyId) };
  }

  /** Backend: whether the acknowledgement matches the key offered under its corrId. */
  acknowledged(m: KeyRotateAck): boolean {
    const o = this.offered.get(m.corrId);
    if (!o || o.keyId !== m.keyId || !sameBytes(keyCheck(o.key, o.keyId), m.check)) return false;
    this.offered.delete(m.corrId);
    return true;
  }
}
