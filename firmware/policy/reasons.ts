/**
 * Why a card was refused, with what the card holder reads on the display.
 * Every refusal the policy or the runtime can produce has an entry here.
 */
export type RefusalCode =
  | 'blacklisted'
  | 'expired'
  | 'frozen'
  | 'wrong-tenant'
  | 'class-not-allowed'
  | 'below-min'
  | 'above-max'
  | 'daily-limit'
  | 'pin-wrong'
  | 'pin-locked'
  | 'pin-not-set'
  | 'insufficient-balance'
  | 'balance-cap'
  | 'counter-rollback'
  | 'card-worn-out'
  | 'unreadable'
  | 'forged'
  | 'foreign-card'
  | 'operator-required'
  | 'nothing-to-undo'
  | 'credit-applied'
  | 'offline-floor'
  | 'terminal-locked'
  | 'online-declined'
  | 'undo-expired'
  | 'undo-other-card'
  | 'other-card-pending'
  | 'pin-pending';

export const REFUSAL_TEXT: Record<RefusalCode, { zh: string; en: string }> = {
  blacklisted: { zh: '此卡已挂失', en: 'Card reported lost' },
  expired: { zh: '卡已过期', en: 'Card expired' },
  frozen: { zh: '卡已冻结', en: 'Card frozen' },
  'wrong-tenant': { zh: '非本单位卡', en: 'Card of another issuer' },
  'class-not-allowed': { zh: '此卡不能在本机使用', en: 'Card not accepted here' },
  'below-min': { zh: '金额低于单笔下限', en: 'Amount below minimum' },
  'above-max': { zh: '金额超过单笔上限', en: 'Amount above maximum' },
  'daily-limit': { zh: '超过当日限额', en: 'Daily limit reached' },
  'pin-wrong': { zh: '密码错误', en: 'Wrong PIN' },
  'pin-locked': { zh: '密码错误次数过多', en: 'Too many wrong PINs' },
  'pin-not-set': { zh: '卡未设置密码,请到服务台', en: 'No PIN set on the card; see the service desk' },
  'insufficient-balance': { zh: '余额不足', en: 'Insufficient balance' },
  'balance-cap': { zh: '超过余额上限', en: 'Balance limit exceeded' },
  'counter-rollback': { zh: '卡数据异常,请到服务台', en: 'Card data rolled back; see the service desk' },
  'card-worn-out': { zh: '卡已到使用寿命,请换卡', en: 'Card worn out; please replace' },
  unreadable: { zh: '读卡失败,请重刷', en: 'Read failed, tap again' },
  forged: { zh: '卡数据无效', en: 'Card data invalid' },
  'foreign-card': { zh: '非本系统卡', en: 'Card not of this system' },
  'operator-required': { zh: '请先刷操作员卡', en: 'Operator sign-in required' },
  'nothing-to-undo': { zh: '无可撤销的交易', en: 'Nothing to undo' },
  'credit-applied': { zh: '补贴已到账', en: 'Already credited' },
  'terminal-locked': { zh: '终端已锁定', en: 'Terminal locked' },
  'offline-floor': { zh: '网络中断,超过离线限额', en: 'Offline: above the offline limit' },
  'online-declined': { zh: '账户拒绝交易', en: 'Declined by the account' },
  'undo-expired': { zh: '已超过撤销时限', en: 'Too late to undo' },
  'undo-other-card': { zh: '请刷原交易卡', en: 'Tap the card of that sale' },
  'other-card-pending': { zh: '请刷上一张卡完成交易', en: 'Tap the previous card to finish' },
  'pin-pending': { zh: '请先完成上一张卡的密码输入', en: 'Finish the PIN of the previous card first' },
};
