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
  return new DiversifiedKeys(master, uid);
}

/**
 * One card's keys for one tap: the MAC key at once, each sector key on first
 * use, then kept. Sector-indexed arrays and methods on the prototype, not Maps
 * and closures: one of these is made at every tap.
 */
class DiversifiedKeys implements CardKeys {
  readonly mac: Uint8Array;
  readonly #master: MasterKeys;
  readonly #uid: Uint8Array;
  readonly #keysA: (Uint8Array | undefined)[] = [];
  readonly #keysB: (Uint8Array | undefined)[] = [];

  constructor(master: MasterKeys, uid: Uint8Array) {
    this.#master = master;
    this.#uid = uid;
    this.mac = diversifyAn10922(master.cardMac, diversificationInput(uid, PURPOSE_MAC, 0xff));
  }

  keyA(sector: number): Uint8Array {
    this.#keysA[sector] ??= this.#sectorKey(this.#master.cardKeyA, PURPOSE_KEY_A, sector);
    return this.#keysA[sector];
  }

  keyB(sector: number): Uint8Array {
    this.#keysB[sector] ??= this.#sectorKey(this.#master.cardKeyB, PURPOSE_KEY_B, sector);
    return this.#keysB[sector];
  }

  #sectorKey(masterKey: Uint8Array, purpose: number, sector: number): Uint8Array {
    return diversifyAn10922(masterKey, diversificationInput(this.#uid, purpose, sector)).slice(0, KEY_BYTES);
  }

  /** Keys must never reach a log, even by accident. */
  toJSON(): string {
    return '[card keys redacted]';
  }
}
