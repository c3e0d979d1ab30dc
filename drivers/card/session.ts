/**
 * A card in the reader's field, as the card application sees it: the smallest
 * surface a MIFARE Classic reader must offer. Implemented by the MFRC522 driver
 * (drivers/card/mfrc522) and by the simulator's virtual reader.
 *
 * Contract:
 * - Every method either completes or throws a CardError; nothing is retried here.
 * - After a `removed` error the session is dead: every later call throws `removed`.
 * - After an `auth-failed` error the session has re-selected the card (a real card drops to IDLE on a
 *   failed authentication and answers nothing else): the next call works, so a caller may try several
 *   keys in a row (the re-key probe, firmware/card/rekey.ts).
 * - `writeBlock` that throws may or may not have changed the block (the card can
 *   leave mid-write): the caller must treat the block as unknown until read back.
 * - Keys are 6 bytes and are never logged or put into error messages.
 */
export type KeyType = 'A' | 'B';

export interface CardSession {
  /** 4- or 7-byte UID as selected (without cascade tags or BCC). */
  readonly uid: Uint8Array;
  /** Authenticate one sector (0..15); later reads/writes in that sector use it. */
  authenticate(sector: number, keyType: KeyType, key: Uint8Array): Promise<void>;
  /** Read one 16-byte block (0..63) of the authenticated sector. */
  readBlock(block: number): Promise<Uint8Array>;
  /** Write one 16-byte block (0..63) of the authenticated sector. */
  writeBlock(block: number, data: Uint8Array): Promise<void>;
  /**
   * The sector and key the card is authenticated with now, as far as the
   * session knows (null: none). Optional: without it a caller authenticates
   * every time. It lets the card application skip an authentication the card
   * already holds (~2 ms of card time), whoever made it.
   */
  authenticatedAs?(): { sector: number; keyType: KeyType } | null;
}

export type CardErrorCode =
  | 'removed' // card left the field (or never answered)
  | 'auth-failed' // wrong key, or the sector refuses that key
  | 'access-denied' // the access bits forbid this operation with this key
  | 'not-authenticated' // block outside the authenticated sector
  | 'bad-block' // block number out of range or data not 16 bytes
  | 'transport'; // reader-level failure (CRC, timeout, chip error)

export class CardError extends Error {
  constructor(
    readonly code: CardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CardError';
  }
}

export const BLOCK_BYTES = 16;
export const KEY_BYTES = 6;
export const SECTORS_1K = 16;
export const BLOCKS_1K = 64;

export function sectorOfBlock(block: number): number {
  return Math.floor(block / 4);
}
export function trailerBlockOf(sector: number): number {
  return sector * 4 + 3;
}
