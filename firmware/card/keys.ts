import { diversifyAn10922 } from '../crypto/cmac.ts';
import { KEY_BYTES } from './session.ts';

/** The three AES master keys a terminal may hold (firmware/store/keys/keyfile.ts loads them). */
export interface MasterKeys {
  readonly cardKeyA: Uint8Array;
  readonly cardKeyB: Uint8Array;
  readonly cardMac: Uint8Array;
}

/**
 * Keys of one card, diversified from the master keys and its UID (AN10922), so
 * a key cracked out of one card opens that card only. Sector keys are the first
 * 6 bytes of the diversified AES block (libfreefare practice for 48-bit keys).
 */
export interface CardKeys {
  keyA(sector: number): Uint8Array;
  keyB(sector: number): Uint8Array;
  /** AES key for the data MACs of this card. */
  readonly mac: Uint8Array;
}

/** System identifier in every diversification input: keeps our keys apart from any other application's. */
const SYSTEM_ID = new TextEncoder().encode('onecard1');
const PURPOSE_KEY_A = 0x0a;
const PURPOSE_KEY_B = 0x0b;
const PURPOSE_MAC = 0x4d;

function diversificationInput(uid: Uint8Array, purpose: number, sector: number): Uint8Array {
  const m = new Uint8Array(uid.length + 2 + SYSTEM_ID.length);
  m.set(uid, 0);
  m[uid.length] = purpose;
  m[uid.length + 1] = sector;
  m.set(SYSTEM_ID, uid.length + 2);
  return m;
}

export function deriveCardKeys(master: MasterKeys, uid: Uint8Array): CardKeys {
  if (uid.length !== 4 && uid.length !== 7) throw new Error(`UID must be 4 or 7 bytes, got ${uid.length}`);
  const cacheA = new Map<number, Uint8Array>();
  const cacheB = new Map<number, Uint8Array>();
  const sectorKey = (cache: Map<number, Uint8Array>, masterKey: Uint8Array, purpose: number, sector: number) => {
    let k = cache.get(sector);
    if (!k) {
      k = diversifyAn10922(masterKey, diversificationInput(uid, purpose, sector)).slice(0, KEY_BYTES);
      cache.set(sector, k);
    }
    return k;
  };
  const mac = diversifyAn10922(master.cardMac, diversificationInput(uid, PURPOSE_MAC, 0xff));
  const keys: CardKeys = {
    keyA: (sector) => sectorKey(cacheA, master.cardKeyA, PURPOSE_KEY_A, sector),
    keyB: (sector) => sectorKey(cacheB, master.cardKeyB, PURPOSE_KEY_B, sector),
    mac,
  };
  // Keys must never reach a log, even by accident.
  Object.defineProperty(keys, 'toJSON', { value: () => '[card keys redacted]' });
  return keys;
}
