import { sealed } from '../../core/sealed.ts';
import { TERMINAL_KEY_BYTES } from '../../../protocol/index.ts';

/**
 * The terminal's secret K_t (PROTOCOL.md §4.1), durable across power cuts:
 * the current generation and, during a rotation (§4.6), the offered one
 * beside it. The old key is forgotten only when a handshake under the new
 * one has succeeded, so a cut at any step leaves a key the backend also
 * holds. Kept as two values of the sync state file (firmware/sync/sync-state.ts,
 * mode 0600): each change is one SQLite transaction, so the two generations
 * move together or not at all.
 *
 * Key objects print as redacted through JSON.stringify, util.inspect and
 * String(); errors name generations, never key bytes.
 */
export interface KeyGeneration {
  readonly keyId: number;
  readonly key: Uint8Array;
}

export interface PendingGeneration extends KeyGeneration {
  /** The KEY_ROTATE that offered it. */
  readonly corrId: number;
  /** KEY_ROTATE_ACK was handed to the session: the backend may hold the key as pending. */
  readonly acked: boolean;
}

/** The small part of SyncState this store needs. */
export interface KeyValueFile {
  value(name: string): string | undefined;
  /** Sets (or, for null, deletes) several values in one durable transaction. */
  setValues(values: Record<string, string | null>): void;
}

const CURRENT = 'terminal-key.current';
const PENDING = 'terminal-key.pending';
const KEY_ID_MAX = 0xffff_ffff;

interface Stored {
  keyId: number;
  key: string;
  corrId?: number;
  acked?: boolean;
}

/** A generation that refuses to print its key. */
function sealedGeneration<T extends KeyGeneration>(g: T): T {
  return sealed(
    { ...g, key: new Uint8Array(g.key) },
    { keyId: g.keyId, key: '[redacted]' },
    `KeyGeneration ${g.keyId} [redacted]`,
  ) as T;
}

function checkGeneration(keyId: number, key: Uint8Array): void {
  if (!Number.isSafeInteger(keyId) || keyId < 1 || keyId > KEY_ID_MAX)
    throw new RangeError(`key generation must be 1..${KEY_ID_MAX}, got ${keyId}`);
  if (!(key instanceof Uint8Array) || key.length !== TERMINAL_KEY_BYTES)
    throw new RangeError(`a terminal key of generation ${keyId} must be ${TERMINAL_KEY_BYTES} bytes`);
}

const encode = (s: Stored): string => JSON.stringify(s);

export class SyncKeyStore {
  /** Opens the store; when it holds no key yet, `seed` (the enrolled key) becomes the current generation. */
  constructor(
    private readonly kv: KeyValueFile,
    seed: KeyGeneration,
  ) {
    if (kv.value(CURRENT) !== undefined) return;
    checkGeneration(seed.keyId, seed.key);
    kv.setValues({ [CURRENT]: encode({ keyId: seed.keyId, key: Buffer.from(seed.key).toString('hex') }) });
  }

  current(): KeyGeneration {
    const s = this.read(CURRENT);
    if (!s) throw new Error('terminal key store: no current key');
    return sealedGeneration({ keyId: s.keyId, key: new Uint8Array(Buffer.from(s.key, 'hex')) });
  }

  pending(): PendingGeneration | null {
    const s = this.read(PENDING);
    if (!s) return null;
    return sealedGeneration({
      keyId: s.keyId,
      key: new Uint8Array(Buffer.from(s.key, 'hex')),
      corrId: s.corrId ?? 0,
      acked: s.acked === true,
    });
  }

  /**
   * §4.6 step 2: stores an offered key durably beside the current one (an
   * earlier offer not yet current is replaced). Throws, storing nothing, when
   * the offer cannot be a next generation.
   */
  offer(corrId: number, keyId: number, key: Uint8Array): void {
    checkGeneration(keyId, key);
    const cur = this.current();
    if (keyId === cur.keyId) throw new RangeError(`key generation ${keyId} offered is the current one`);
    this.kv.setValues({ [PENDING]: encode({ keyId, key: Buffer.from(key).toString('hex'), corrId, acked: false }) });
  }

  /** The acknowledgement of the pending generation is on its way: dial under it next. */
  acked(keyId: number): boolean {
    const p = this.read(PENDING);
    if (!p || p.keyId !== keyId) return false;
    this.kv.setValues({ [PENDING]: encode({ ...p, acked: true }) });
    return true;
  }

  /** A handshake under the pending generation succeeded: it becomes current and the old key is forgotten, in one transaction. */
  promote(keyId: number): boolean {
    const p = this.read(PENDING);
    if (!p || p.keyId !== keyId) return false;
    this.kv.setValues({ [CURRENT]: encode({ keyId: p.keyId, key: p.key }), [PENDING]: null });
    return true;
  }

  /** Forgets the pending generation (refused by the backend, or never acknowledged). */
  dropPending(): boolean {
    if (this.kv.value(PENDING) === undefined) return false;
    this.kv.setValues({ [PENDING]: null });
    return true;
  }

  private read(name: string): Stored | null {
    const raw = this.kv.value(name);
    if (raw === undefined) return null;
    let s: Stored;
    try {
      s = JSON.parse(raw) as Stored;
    } catch {
      // JSON.parse's message quotes its input, which is key material: say only which value.
      throw new Error(`terminal key store: ${name} is not valid JSON`);
    }
    if (typeof s.key !== 'string' || !/^[0-9a-f]{64}$/.test(s.key) || !Number.isSafeInteger(s.keyId))
      throw new Error(`terminal key store: ${name} is damaged`);
    return s;
  }
}
