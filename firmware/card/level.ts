import { aesCmac, equalBytes } from '../crypto/cmac.ts';
import { LAYOUT_VERSION, type DecodeResult } from './layout.ts';
import { BLOCK_BYTES } from './session.ts';

/**
 * The member level (会员等级) on the card: the class the backend's points
 * gave it, over the identity's issue class. Two one-block slots, like the
 * purse's two slots: block 10 (sector 2) and block 14 (sector 3), unused by
 * v1 (issued as zeros, so a card without a level reads "none"). A change is
 * written into the slot that is not current, so a tear can only spoil that
 * slot and the card keeps its old level; the current slot is the valid one
 * with the higher changeSeq (LAYOUT.md §7).
 *
 * Block: version 01 ‖ cardClass u8 ‖ changeSeq u32 LE (the card's
 * lastCreditSeq after the write that set it) ‖ 00 00 ‖ MAC8, the MAC over
 * 4C ‖ UID ‖ bytes 0..8 under the card's MAC key.
 */
export const LEVEL_SLOTS = [
  { sector: 2, block: 10 },
  { sector: 3, block: 14 },
] as const;
const DOMAIN_LEVEL = 0x4c; // 'L'
const MAC_BYTES = 8;

export interface LevelState {
  cardClass: number;
  changeSeq: number;
}

function levelMac(macKey: Uint8Array, uid: Uint8Array, data: Uint8Array): Uint8Array {
  const msg = new Uint8Array(1 + uid.length + 8);
  msg[0] = DOMAIN_LEVEL;
  msg.set(uid, 1);
  msg.set(data.subarray(0, 8), 1 + uid.length);
  return aesCmac(macKey, msg).slice(0, MAC_BYTES);
}

export function encodeLevel(level: LevelState, uid: Uint8Array, macKey: Uint8Array): Uint8Array {
  const b = new Uint8Array(BLOCK_BYTES);
  if (!Number.isInteger(level.cardClass) || level.cardClass < 0 || level.cardClass > 0xff)
    throw new RangeError(`cardClass out of range for 1 byte: ${level.cardClass}`);
  if (!Number.isInteger(level.changeSeq) || level.changeSeq < 0 || level.changeSeq > 0xffff_ffff)
    throw new RangeError(`changeSeq out of range for 4 bytes: ${level.changeSeq}`);
  b[0] = LAYOUT_VERSION;
  b[1] = level.cardClass;
  new DataView(b.buffer).setUint32(2, level.changeSeq, true);
  b.set(levelMac(macKey, uid, b), 8);
  return b;
}

/** `empty` (all zeros: never written) is no level; anything else that fails is a spoilt slot, ignored. */
export function decodeLevel(b: Uint8Array, uid: Uint8Array, macKey: Uint8Array): DecodeResult<LevelState> {
  if (b.every((x) => x === 0)) return { ok: false, problem: 'empty' };
  if (b[0] !== LAYOUT_VERSION) return { ok: false, problem: `unknown level format ${b[0]}` };
  if (!equalBytes(levelMac(macKey, uid, b), b.subarray(8, 16))) return { ok: false, problem: 'level MAC mismatch' };
  return { ok: true, value: { cardClass: b[1], changeSeq: new DataView(b.buffer, b.byteOffset).getUint32(2, true) } };
}

export type LevelSlots = readonly [DecodeResult<LevelState>, DecodeResult<LevelState>];

/** The current level slot: the valid one with the higher changeSeq (slot 0 on a tie); null when neither is valid. */
export function currentLevelSlot(slots: LevelSlots): 0 | 1 | null {
  const [s0, s1] = slots;
  if (s0.ok && s1.ok) return s1.value.changeSeq > s0.value.changeSeq ? 1 : 0;
  if (s0.ok) return 0;
  if (s1.ok) return 1;
  return null;
}

export function currentLevel(slots: LevelSlots): LevelState | null {
  const at = currentLevelSlot(slots);
  return at === null ? null : (slots[at] as { ok: true; value: LevelState }).value;
}
