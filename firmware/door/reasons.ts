import type { CardRefusal } from '../policy/credential.ts';
import { REFUSAL_TEXT } from '../policy/reasons.ts';

/**
 * Why a door stayed shut. The card's own refusals (lost, frozen, expired,
 * another issuer, unknown class) are the policy's codes and texts; the rest
 * are the door's.
 */
export type { CardRefusal };

export type DoorRefusal =
  | CardRefusal
  /** No rule or grant names this card (class, group, card) for this door. */
  | 'no-access'
  /** A rule names the card for this door, but not at this hour or on this day. */
  | 'outside-schedule'
  /** Anti-passback (hard): the card is already inside, or already out. */
  | 'passback'
  /** Mantrap: the partner door is not shut. */
  | 'interlock'
  /** The backend put the site in lockdown. */
  | 'lockdown';

export const DOOR_REFUSAL_TEXT: Record<DoorRefusal, { zh: string; en: string }> = {
  blacklisted: REFUSAL_TEXT.blacklisted,
  frozen: REFUSAL_TEXT.frozen,
  expired: REFUSAL_TEXT.expired,
  'wrong-tenant': REFUSAL_TEXT['wrong-tenant'],
  'class-not-allowed': REFUSAL_TEXT['class-not-allowed'],
  'counter-rollback': REFUSAL_TEXT['counter-rollback'],
  'no-access': { zh: '无此门权限', en: 'No access to this door' },
  'outside-schedule': { zh: '不在通行时段', en: 'Not allowed at this time' },
  passback: { zh: '防潜回:请先从另一侧刷卡', en: 'Anti-passback: badge the other side first' },
  interlock: { zh: '请等待另一道门关闭', en: 'Wait for the other door to close' },
  lockdown: { zh: '门禁已封锁', en: 'Site in lockdown' },
};
