import { formatCents, formatPurse } from '../core/money.ts';
import { REFUSAL_TEXT, type RefusalCode } from '../policy/reasons.ts';

/**
 * What the two displays show, in Chinese and English: the cashier's (status,
 * what to do next) and the customer's (amount, balance, reason). Each screen
 * is built here so texts live in one place.
 */
export interface Text {
  zh: string;
  en: string;
}
export interface Screen {
  cashier: Text;
  customer: Text;
}

export type Beep = 'ok' | 'error' | 'retry' | 'key';

const t = (zh: string, en: string): Text => ({ zh, en });

export const screens = {
  idle: (operator: string | null): Screen => ({
    cashier: operator ? t(`请输入金额 (操作员 ${operator})`, `Enter amount (operator ${operator})`) : t('请输入金额', 'Enter amount'),
    customer: t('欢迎', 'Welcome'),
  }),
  entry: (buffer: string, label: Text): Screen => ({ cashier: t(`${label.zh}: ${buffer}`, `${label.en}: ${buffer}`), customer: t(buffer, buffer) }),
  awaitCard: (amountCents: number, topup: boolean): Screen =>
    topup
      ? { cashier: t(`充值 ${formatCents(amountCents)},请刷卡`, `Top-up ${formatCents(amountCents)}, tap card`), customer: t(`充值 ${formatCents(amountCents)} 元`, `Top-up ${formatCents(amountCents)}`) }
      : { cashier: t(`应收 ${formatCents(amountCents)},请刷卡`, `Due ${formatCents(amountCents)}, tap card`), customer: t(`请付 ${formatCents(amountCents)} 元`, `Please pay ${formatCents(amountCents)}`) },
  paid: (charged: number, balance: number, unit: 'cents' | 'uses'): Screen =>
    unit === 'uses'
      ? { cashier: t(`扣次成功,余 ${balance} 次`, `1 use taken, ${balance} left`), customer: t(`扣 ${charged} 次 余 ${balance} 次`, `Used ${charged}, ${balance} left`) }
      : {
          cashier: t(`收款成功 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`),
          customer: t(`扣款 ${formatCents(charged)} 余额 ${formatCents(balance)}`, `Paid ${formatCents(charged)} balance ${formatCents(balance)}`),
        },
  paidOnline: (charged: number, balance: number | null, offline: boolean): Screen => ({
    cashier: offline ? t(`离线收款 ${formatCents(charged)}`, `Paid ${formatCents(charged)} (offline)`) : t(`收款成功 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`),
    customer:
      balance === null
        ? t(`扣款 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`)
        : t(`扣款 ${formatCents(charged)} 余额 ${formatCents(balance)}`, `Paid ${formatCents(charged)} balance ${formatCents(balance)}`),
  }),
  toppedUp: (amount: number, balance: number): Screen => ({
    cashier: t(`充值成功 ${formatCents(amount)}`, `Topped up ${formatCents(amount)}`),
    customer: t(`充值 ${formatCents(amount)} 余额 ${formatCents(balance)}`, `Top-up ${formatCents(amount)} balance ${formatCents(balance)}`),
  }),
  refunded: (amount: number, balance: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`已撤销 ${formatPurse(amount, unit)}`, `Undone ${formatPurse(amount, unit)}`),
    customer: t(`退回 ${formatPurse(amount, unit)} 余额 ${formatPurse(balance, unit)}`, `Refunded ${formatPurse(amount, unit)} balance ${formatPurse(balance, unit)}`),
  }),
  credited: (amount: number, balance: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`补贴到账 ${formatPurse(amount, unit)}`, `Credit applied ${formatPurse(amount, unit)}`),
    customer: t(`到账 ${formatPurse(amount, unit)} 余额 ${formatPurse(balance, unit)}`, `Credited ${formatPurse(amount, unit)} balance ${formatPurse(balance, unit)}`),
  }),
  balance: (balance: number, subsidy: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t('余额查询', 'Balance query'),
    customer:
      unit === 'uses'
        ? t(`剩余 ${balance} 次`, `${balance} uses left`)
        : t(`余额 ${formatCents(balance)} 补贴 ${formatCents(subsidy)}`, `Balance ${formatCents(balance)} subsidy ${formatCents(subsidy)}`),
  }),
  refused: (reason: RefusalCode): Screen => ({
    cashier: t(`拒绝: ${REFUSAL_TEXT[reason].zh}`, `Refused: ${REFUSAL_TEXT[reason].en}`),
    customer: REFUSAL_TEXT[reason],
  }),
  tapAgain: (): Screen => ({ cashier: t('写卡中断,请重刷同一张卡', 'Write interrupted: tap the same card again'), customer: t('请重新刷卡', 'Please tap again') }),
  enterPin: (digits: number, why: 'daily-limit' | 'card-pin'): Screen => ({
    cashier: t('等待输入密码', 'Waiting for PIN'),
    customer: why === 'daily-limit' ? t(`超过当日限额,请输入密码 ${'*'.repeat(digits)}`, `Over daily limit, enter PIN ${'*'.repeat(digits)}`) : t(`请输入密码 ${'*'.repeat(digits)}`, `Enter PIN ${'*'.repeat(digits)}`),
  }),
  pinAccepted: (): Screen => ({ cashier: t('密码正确,请刷卡', 'PIN accepted, tap card'), customer: t('请再次刷卡', 'Tap card again') }),
  awaitUndoCard: (amount: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`撤销 ${formatPurse(amount, unit)},请刷原卡`, `Undo ${formatPurse(amount, unit)}: tap the card`),
    customer: t('请刷卡退款', 'Tap card for refund'),
  }),
  signedIn: (name: string): Screen => ({ cashier: t(`操作员 ${name} 已签到`, `Operator ${name} signed in`), customer: t('欢迎', 'Welcome') }),
  signedOut: (name: string, count: number, cents: number): Screen => ({
    cashier: t(`操作员 ${name} 签退: ${count} 笔 ${formatCents(cents)}`, `Operator ${name} signed out: ${count} sales ${formatCents(cents)}`),
    customer: t('暂停服务', 'Closed'),
  }),
  totals: (day: { count: number; amountCents: number }, shift: { count: number; amountCents: number } | null): Screen => ({
    cashier: t(
      `今日 ${day.count} 笔 ${formatCents(day.amountCents)}` + (shift ? `;本班 ${shift.count} 笔 ${formatCents(shift.amountCents)}` : ''),
      `Today ${day.count} sales ${formatCents(day.amountCents)}` + (shift ? `; shift ${shift.count} sales ${formatCents(shift.amountCents)}` : ''),
    ),
    customer: t('欢迎', 'Welcome'),
  }),
  message: (text: Text, customer: Text = t('欢迎', 'Welcome')): Screen => ({ cashier: text, customer }),
};
