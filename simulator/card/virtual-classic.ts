import { sameBytes } from '../../protocol/keys.ts';
import {
  ACCESS_BITS_BYTES,
  ACCESS_BITS_OFFSET,
  dataBlockPermits,
  decodeAccessBits,
  keyBReadable,
  trailerPermits,
  type AccessConditions,
} from '../../firmware/card/access-bits.ts';
import {
  BLOCK_BYTES,
  CardError,
  KEY_BYTES,
  sectorOfBlock,
  trailerBlockOf,
  type KeyType,
} from '../../firmware/card/session.ts';
import {
  blankImage,
  CARD_1K_BYTES,
  checkBlock,
  checkUid,
  isTrailer,
  KEY_B_OFFSET,
  SAK_CLASSIC_1K,
  TRAILER_RANGES,
} from './classic-image.ts';

export { CARD_1K_BYTES, SAK_CLASSIC_1K } from './classic-image.ts';

/**
 * What a torn block holds after the cut. 'prefix': the old bytes; 'erased':
 * 0x00, as if the block was erased before programming stopped.
 */
export type TearFill = 'prefix' | 'erased';

/**
 * A MIFARE Classic 1K card held in memory, at PICC level (select, auth, read,
 * write, halt), so both the virtual reader and a register-level MFRC522
 * emulator can drive it. It enforces the access bits like a real card and can
 * be told to leave the field mid-write (tearing) or before an operation.
 */
export class VirtualClassicCard {
  private readonly memory: Uint8Array;
  private readonly uidBytes: Uint8Array;
  private auth: { sector: number; keyType: KeyType } | null = null;
  private present = true;
  private halted = false;
  /** A failed authentication sends a real card to IDLE: it answers nothing but a re-select (wake). */
  private idle = false;
  private selections = 0;
  private tear: { remainingBytes: number; fill: TearFill } | null = null;
  private removalInOps: number | null = null;
  private written = 0;
  private ops = 0;

  private constructor(uid: Uint8Array, memory: Uint8Array) {
    this.uidBytes = uid.slice();
    this.memory = memory;
  }

  /** A factory-fresh card: manufacturer block 0, every trailer in transport state. */
  static blank(uid: Uint8Array): VirtualClassicCard {
    return new VirtualClassicCard(uid, blankImage(uid));
  }

  /** A card with exactly these 1024 bytes (e.g. a dump taken earlier, or a clone). */
  static fromDump(uid: Uint8Array, bytes: Uint8Array): VirtualClassicCard {
    checkUid(uid);
    if (bytes.length !== CARD_1K_BYTES)
      throw new RangeError(`dump must be ${CARD_1K_BYTES} bytes, got ${bytes.length}`);
    return new VirtualClassicCard(uid, bytes.slice());
  }

  get uid(): Uint8Array {
    return this.uidBytes.slice();
  }
  /** ATQA as sent on the wire (LSB first): 04 00 for a 4-byte UID, 44 00 for 7. */
  get atqa(): Uint8Array {
    return this.uidBytes.length === 4 ? Uint8Array.of(0x04, 0x00) : Uint8Array.of(0x44, 0x00);
  }
  get sak(): number {
    return SAK_CLASSIC_1K;
  }
  get inField(): boolean {
    return this.present;
  }
  get isHalted(): boolean {
    return this.halted;
  }
  /** Changes on every select or re-entry, so a reader can tell its session is stale. */
  get selectionCount(): number {
    return this.selections;
  }
  /** Data bytes persisted by `write` since creation (a torn write counts what landed). */
  get bytesWritten(): number {
    return this.written;
  }
  /** Authenticate/read/write operations the card started since creation. */
  get opsCount(): number {
    return this.ops;
  }
  /** The sector and key of the current authentication, as the card holds it. */
  get authenticated(): { sector: number; keyType: KeyType } | null {
    return this.auth === null ? null : { ...this.auth };
  }

  get authenticatedSector(): number | null {
    return this.auth?.sector ?? null;
  }

  /** A copy of all 1024 bytes, keys included (the simulator's view, not a reader's). */
  dump(): Uint8Array {
    return this.memory.slice();
  }

  /** The card is pulled away: power lost, so authentication and HALT are gone. */
  leaveField(): void {
    this.reset(false);
  }

  /** The card comes (back) into a field: a fresh power-up, nothing authenticated. */
  returnToField(): void {
    this.reset(true);
  }

  /** WUPA + anticollision + select: wakes a halted card and drops authentication. */
  select(): void {
    if (!this.present) throw new CardError('removed', 'card is not in the field');
    this.reset(true);
  }

  /**
   * WUPA + anticollision + select of this same card by the reader that holds it, after it dropped to
   * IDLE (a failed authentication): it answers again, nothing authenticated. The reader's session goes
   * on (the MFRC522 driver's does the same), so the selection count is kept.
   */
  wake(): void {
    if (!this.present) throw new CardError('removed', 'card is not in the field');
    this.auth = null;
    this.halted = false;
    this.idle = false;
  }

  /** HLTA: the card stops answering until selected again. A card not in the field ignores it. */
  halt(): void {
    this.auth = null;
    if (this.present) this.halted = true;
  }

  /**
   * The card leaves the field once `afterBytes` more data bytes have been
   * persisted by `write` (16 per block, counted across writes).
   *
   * Why the prefix model (the torn block keeps its first k new bytes, then old
   * bytes): it is deterministic, so tests can enumerate every cut point; it
   * covers old (k=0), new (k=16 with the ACK lost) and mixed blocks. Real
   * EEPROM tearing can leave undefined bytes; our card layout treats any
   * mixture alike because a slot's validity is decided by a MAC over the whole
   * slot. `fill: 'erased'` (0x00 after the cut) lets tests show that too.
   */
  armTear(afterBytes: number, fill: TearFill = 'prefix'): void {
    if (!Number.isInteger(afterBytes) || afterBytes < 0)
      throw new RangeError(`afterBytes must be a whole number >= 0, got ${afterBytes}`);
    this.tear = { remainingBytes: afterBytes, fill };
  }

  /** The card leaves the field just before the n-th next auth/read/write starts (0 = the next one). */
  armRemovalBeforeOp(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number >= 0, got ${n}`);
    this.removalInOps = n;
  }

  disarm(): void {
    this.tear = null;
    this.removalInOps = null;
  }

  /**
   * Auth (60/61) against the trailer of `block`'s sector. On failure the card
   * drops any authentication and goes to IDLE, as a real card does: it answers
   * nothing more until it is woken (wake) or selected again.
   */
  authenticate(block: number, keyType: KeyType, key: Uint8Array): boolean {
    checkBlock(block);
    this.beginOp();
    this.auth = null;
    const sector = sectorOfBlock(block);
    const trailer = this.blockView(trailerBlockOf(sector));
    const conditions = this.conditionsOf(sector);
    const stored = keyType === 'A' ? trailer.subarray(0, KEY_BYTES) : trailer.subarray(KEY_B_OFFSET, BLOCK_BYTES);
    // A sector with broken access bits is locked; a readable Key B is data, not a key.
    const opens = conditions !== null && !(keyType === 'B' && keyBReadable(conditions[3])) && sameBytes(stored, key);
    if (!opens) {
      this.idle = true;
      return false;
    }
    this.auth = { sector, keyType };
    return true;
  }

  read(block: number): Uint8Array {
    checkBlock(block);
    this.beginOp();
    const { keyType, conditions } = this.accessFor(block);
    if (!isTrailer(block)) {
      const bReadable = keyBReadable(conditions[3]);
      if (!dataBlockPermits(conditions[block % 4]!, 'read', keyType, bReadable))
        this.nak('access-denied', `block ${block} is not readable with key ${keyType}`);
      return this.blockView(block).slice();
    }
    // Trailer: parts the key may not read come back as zeros (Key A never reads).
    const out = new Uint8Array(BLOCK_BYTES);
    const trailer = this.blockView(block);
    for (const [part, from, to] of TRAILER_RANGES) {
      if (trailerPermits(conditions[3], part, 'read', keyType)) out.set(trailer.subarray(from, to), from);
    }
    return out;
  }

  /**
   * Write (A0). Block 0 is read-only. A trailer write is refused entirely
   * unless the key may write every part (key A, access bits + user byte,
   * key B) whose bytes it would change. Real cards are said to write the
   * permitted parts and silently skip the rest; refusing instead means a
   * caller never believes a change happened that did not.
   */
  write(block: number, data: Uint8Array): void {
    checkBlock(block);
    if (data.length !== BLOCK_BYTES)
      throw new CardError('bad-block', `write needs ${BLOCK_BYTES} bytes, got ${data.length}`);
    this.beginOp();
    const { keyType, conditions } = this.accessFor(block);
    if (block === 0) this.nak('access-denied', 'block 0 is read-only');
    if (isTrailer(block)) {
      const current = this.blockView(block);
      for (const [part, from, to] of TRAILER_RANGES) {
        if (sameBytes(current.subarray(from, to), data.subarray(from, to))) continue;
        if (!trailerPermits(conditions[3], part, 'write', keyType))
          this.nak('access-denied', `trailer ${block}: key ${keyType} may not change ${part}`);
      }
    } else if (!dataBlockPermits(conditions[block % 4]!, 'write', keyType, keyBReadable(conditions[3]))) {
      this.nak('access-denied', `block ${block} is not writable with key ${keyType}`);
    }
    this.persist(block, data);
  }

  private reset(present: boolean): void {
    this.present = present;
    this.auth = null;
    this.halted = false;
    this.idle = false;
    if (present) this.selections++;
  }

  /** Stores a block, honouring an armed tear (see armTear). */
  private persist(block: number, data: Uint8Array): void {
    const target = this.blockView(block);
    const tear = this.tear;
    const cut = tear !== null && tear.remainingBytes <= BLOCK_BYTES;
    const landedBytes = cut ? tear.remainingBytes : BLOCK_BYTES;
    target.set(data.subarray(0, landedBytes));
    this.written += landedBytes;
    if (!cut) {
      if (tear !== null) tear.remainingBytes -= BLOCK_BYTES;
      return;
    }
    if (tear.fill === 'erased') target.fill(0x00, landedBytes);
    this.tear = null;
    this.leaveField();
    throw new CardError('removed', `card left the field while writing block ${block}`);
  }

  /** Every op starts here: a card out of the field or halted never answers. */
  private beginOp(): void {
    if (!this.present) throw new CardError('removed', 'card is not in the field');
    if (this.halted) throw new CardError('removed', 'card is halted');
    // What a reader sees of an IDLE card: silence, as if it had gone (the driver re-selects to tell).
    if (this.idle) throw new CardError('removed', 'card is idle after a failed authentication: it needs a re-select');
    if (this.removalInOps === 0) {
      this.removalInOps = null;
      this.leaveField();
      throw new CardError('removed', 'card left the field');
    }
    if (this.removalInOps !== null) this.removalInOps--;
    this.ops++;
  }

  /** Authentication in force for `block`, and its sector's conditions; NAKs otherwise. */
  private accessFor(block: number): { keyType: KeyType; conditions: AccessConditions } {
    const auth = this.auth;
    if (auth === null || auth.sector !== sectorOfBlock(block)) {
      this.nak('not-authenticated', `block ${block} is outside the authenticated sector`);
    }
    const conditions = this.conditionsOf(auth.sector);
    if (conditions === null) this.nak('access-denied', `sector ${auth.sector} has invalid access bits`);
    return { keyType: auth.keyType, conditions };
  }

  private conditionsOf(sector: number): AccessConditions | null {
    const at = trailerBlockOf(sector) * BLOCK_BYTES + ACCESS_BITS_OFFSET;
    return decodeAccessBits(this.memory.subarray(at, at + ACCESS_BITS_BYTES));
  }

  /** A refused command: a real card answers NAK and drops back to IDLE/HALT, losing authentication. */
  private nak(code: 'access-denied' | 'not-authenticated', message: string): never {
    this.auth = null;
    throw new CardError(code, message);
  }

  private blockView(block: number): Uint8Array {
    return this.memory.subarray(block * BLOCK_BYTES, (block + 1) * BLOCK_BYTES);
  }
}
