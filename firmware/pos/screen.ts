import type { TxType } from '../card-tx/records.ts';
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
  /** The screen's amounts as numbers, for the pole display and the voice (never parsed back from the text). */
  figure?: Figure;
}

/** What a result screen is about, in cents: due (total lamp), paid or topped up with the balance, refused, retap. */
export type Figure =
  | { kind: 'due'; amountCents: number }
  | { kind: 'paid'; amountCents: number; balanceCents: number | null }
  | { kind: 'topped-up'; amountCents: number; balanceCents: number }
  | { kind: 'balance'; balanceCents: number }
  | { kind: 'refused'; reason: RefusalCode }
  | { kind: 'tap-again' };

export type Beep = 'ok' | 'error' | 'retry' | 'key';

const t = (zh: string, en: string): Text => ({ zh, en });

/** What a card write was for, as the holder reads it: "Sale 3.00", "Top-up 50.00", "Undo 8.00". */
export type TxLabel = { tx: TxType; amount: number; unit: 'cents' | 'uses' };
const TX_WORD: Record<TxType, Text> = {
  sale: t('消费', 'sale'),
  topup: t('充值', 'top-up'),
  undo: t('撤销', 'undo'),
  credit: t('补贴', 'credit'),
  // A desk's cut payout, settled when the card is next seen here.
  payout: t('退卡', 'payout'),
};
const txText = (l: TxLabel): Text =>
  t(`${TX_WORD[l.tx].zh} ${formatPurse(l.amount, l.unit)}`, `${TX_WORD[l.tx].en} ${formatPurse(l.amount, l.unit)}`);
const capital = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1);
const pinPrompt = (digits: number, why: PinReason): Text => {
  const stars = '*'.repeat(digits);
  return why === 'daily-limit'
    ? t(`超过当日限额,请输入密码 ${stars}`, `Over daily limit, enter PIN ${stars}`)
    : t(`请输入密码 ${stars}`, `Enter PIN ${stars}`);
};
export type PinReason = 'daily-limit' | 'card-pin';
/** A result line with the points the write earned ("积分 +12" / "+12 pts"); unchanged when none. */
const withPoints = (line: Text, points: number | undefined): Text =>
  points ? t(`${line.zh} 积分 +${points}`, `${line.en} +${points} pts`) : line;

export const screens = {
  idle: (operator: string | null): Screen => ({
    cashier: operator
      ? t(`请输入金额 (操作员 ${operator})`, `Enter amount (operator ${operator})`)
      : t('请输入金额', 'Enter amount'),
    customer: t('欢迎', 'Welcome'),
  }),
  entry: (buffer: string, label: Text): Screen => ({
    cashier: t(`${label.zh}: ${buffer}`, `${label.en}: ${buffer}`),
    customer: t(buffer, buffer),
  }),
  /**
   * Item mode: the codes keyed so far, and the item the code being keyed names with its price. The price
   * leads in English: a 16×2 panel has one row for it, and a long name must not push the price off.
   */
  itemEntry: (buffer: string, item: { name: Text; priceCents: number } | null): Screen => ({
    cashier: t(`菜品: ${buffer}`, `Item: ${buffer}`),
    customer: item
      ? t(`${item.name.zh} ${formatCents(item.priceCents)}元`, `${formatCents(item.priceCents)} ${item.name.en}`)
      : t(buffer, buffer),
  }),
  awaitCard: (amountCents: number, topup: boolean): Screen =>
    topup
      ? {
          cashier: t(`充值 ${formatCents(amountCents)},请刷卡`, `Top-up ${formatCents(amountCents)}, tap card`),
          customer: t(`充值 ${formatCents(amountCents)} 元`, `Top-up ${formatCents(amountCents)}`),
          figure: { kind: 'due', amountCents },
        }
      : {
          cashier: t(`应收 ${formatCents(amountCents)},请刷卡`, `Due ${formatCents(amountCents)}, tap card`),
          customer: t(`请付 ${formatCents(amountCents)} 元`, `Please pay ${formatCents(amountCents)}`),
          figure: { kind: 'due', amountCents },
        },
  paid: (charged: number, balance: number, unit: 'cents' | 'uses', points?: number): Screen =>
    unit === 'uses'
      ? {
          cashier: t(`扣次成功,余 ${balance} 次`, `1 use taken, ${balance} left`),
          customer: t(`扣 ${charged} 次 余 ${balance} 次`, `Used ${charged}, ${balance} left`),
        }
      : {
          cashier: t(`收款成功 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`),
          customer: withPoints(
            t(
              `扣款 ${formatCents(charged)} 余额 ${formatCents(balance)}`,
              `Paid ${formatCents(charged)} balance ${formatCents(balance)}`,
            ),
            points,
          ),
          figure: { kind: 'paid', amountCents: charged, balanceCents: balance },
        },
  paidOnline: (charged: number, balance: number | null, offline: boolean): Screen => ({
    cashier: offline
      ? t(`离线收款 ${formatCents(charged)}`, `Paid ${formatCents(charged)} (offline)`)
      : t(`收款成功 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`),
    customer:
      balance === null
        ? t(`扣款 ${formatCents(charged)}`, `Paid ${formatCents(charged)}`)
        : t(
            `扣款 ${formatCents(charged)} 余额 ${formatCents(balance)}`,
            `Paid ${formatCents(charged)} balance ${formatCents(balance)}`,
          ),
    figure: { kind: 'paid', amountCents: charged, balanceCents: balance },
  }),
  toppedUp: (amount: number, balance: number, points?: number): Screen => ({
    cashier: t(`充值成功 ${formatCents(amount)}`, `Topped up ${formatCents(amount)}`),
    customer: withPoints(
      t(
        `充值 ${formatCents(amount)} 余额 ${formatCents(balance)}`,
        `Top-up ${formatCents(amount)} balance ${formatCents(balance)}`,
      ),
      points,
    ),
    figure: { kind: 'topped-up', amountCents: amount, balanceCents: balance },
  }),
  refunded: (amount: number, balance: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`已撤销 ${formatPurse(amount, unit)}`, `Undone ${formatPurse(amount, unit)}`),
    customer: t(
      `退回 ${formatPurse(amount, unit)} 余额 ${formatPurse(balance, unit)}`,
      `Refunded ${formatPurse(amount, unit)} balance ${formatPurse(balance, unit)}`,
    ),
  }),
  credited: (amount: number, balance: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`补贴到账 ${formatPurse(amount, unit)}`, `Credit applied ${formatPurse(amount, unit)}`),
    customer: t(
      `到账 ${formatPurse(amount, unit)} 余额 ${formatPurse(balance, unit)}`,
      `Credited ${formatPurse(amount, unit)} balance ${formatPurse(balance, unit)}`,
    ),
  }),
  balance: (balance: number, subsidy: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t('余额查询', 'Balance query'),
    customer:
      unit === 'uses'
        ? t(`剩余 ${balance} 次`, `${balance} uses left`)
        : t(
            `余额 ${formatCents(balance)} 补贴 ${formatCents(subsidy)}`,
            `Balance ${formatCents(balance)} subsidy ${formatCents(subsidy)}`,
          ),
    ...(unit === 'cents' ? { figure: { kind: 'balance', balanceCents: balance } as const } : {}),
  }),
  refused: (reason: RefusalCode): Screen => ({
    cashier: t(`拒绝: ${REFUSAL_TEXT[reason].zh}`, `Refused: ${REFUSAL_TEXT[reason].en}`),
    customer: REFUSAL_TEXT[reason],
    figure: { kind: 'refused', reason },
  }),
  tapAgain: (): Screen => ({
    cashier: t('写卡中断,请重刷同一张卡', 'Write interrupted: tap the same card again'),
    customer: t('请重新刷卡', 'Please tap again'),
    figure: { kind: 'tap-again' },
  }),
  enterPin: (digits: number, why: PinReason): Screen => ({
    cashier: t('等待输入密码', 'Waiting for PIN'),
    customer: pinPrompt(digits, why),
  }),
  /** The same card tapped again while its PIN is asked: the tap is no balance query, the PIN is still due. */
  pinStillDue: (digits: number, why: PinReason): Screen => ({
    cashier: t('此卡已读,等待输入密码', 'Card already read: waiting for its PIN'),
    customer: pinPrompt(digits, why),
  }),
  /** A PIN of the wrong length cannot be right: a keying slip, not an attempt. */
  pinMalformed: (why: PinReason): Screen => ({
    cashier: t('密码为4至6位数字', 'A PIN has 4 to 6 digits'),
    customer: pinPrompt(0, why),
  }),
  /** Cancel while the card may hold the write: the sale is kept pending, the card tells at its next tap. */
  cancelledUnknown: (l: TxLabel): Screen => ({
    cashier: t(
      `已取消;${txText(l).zh} 结果未知,待此卡再次刷卡确认`,
      `Cancelled; ${txText(l).en} outcome unknown until this card taps again`,
    ),
    customer: t(
      `${txText(l).zh} 未确认,请再刷卡查询`,
      `${capital(txText(l).en)} not confirmed; tap the card again to check`,
    ),
  }),
  /** A write this terminal could not confirm at the time, settled now that the card is back. */
  earlierLanded: (l: TxLabel, balance: number): Screen => ({
    cashier: t(`上笔${txText(l).zh} 已成功`, `Earlier ${txText(l).en} went through`),
    customer: t(
      `上笔${txText(l).zh} 已成功 余额 ${formatPurse(balance, l.unit)}`,
      `Earlier ${txText(l).en} went through, balance ${formatPurse(balance, l.unit)}`,
    ),
  }),
  earlierNotLanded: (l: TxLabel, balance: number): Screen => ({
    cashier: t(`上笔${txText(l).zh} 未成功`, `Earlier ${txText(l).en} did not go through`),
    customer: t(
      `上笔${txText(l).zh} 未成功,卡未变动 余额 ${formatPurse(balance, l.unit)}`,
      `Earlier ${txText(l).en} did not go through; card unchanged, balance ${formatPurse(balance, l.unit)}`,
    ),
  }),
  /** The card moved on elsewhere since the cut write: only the backend, from every terminal's records, can tell. */
  outcomeUnknown: (l: TxLabel): Screen => ({
    cashier: t(
      `${txText(l).zh} 结果未知,由后台核对`,
      `${capital(txText(l).en)} outcome unknown: the backend settles it`,
    ),
    customer: t(`${txText(l).zh} 未确认`, `${capital(txText(l).en)} not confirmed`),
  }),
  pinAccepted: (): Screen => ({
    cashier: t('密码正确,请刷卡', 'PIN accepted, tap card'),
    customer: t('请再次刷卡', 'Tap card again'),
  }),
  awaitUndoCard: (amount: number, unit: 'cents' | 'uses'): Screen => ({
    cashier: t(`撤销 ${formatPurse(amount, unit)},请刷原卡`, `Undo ${formatPurse(amount, unit)}: tap the card`),
    customer: t('请刷卡退款', 'Tap card for refund'),
  }),
  signedIn: (name: string): Screen => ({
    cashier: t(`操作员 ${name} 已签到`, `Operator ${name} signed in`),
    customer: t('欢迎', 'Welcome'),
  }),
  signedOut: (name: string, count: number, cents: number): Screen => ({
    cashier: t(
      `操作员 ${name} 签退: ${count} 笔 ${formatCents(cents)}`,
      `Operator ${name} signed out: ${count} sales ${formatCents(cents)}`,
    ),
    customer: t('暂停服务', 'Closed'),
  }),
  totals: (
    day: { count: number; amountCents: number },
    shift: { count: number; amountCents: number } | null,
  ): Screen => ({
    cashier: t(
      `今日 ${day.count} 笔 ${formatCents(day.amountCents)}` +
        (shift ? `;本班 ${shift.count} 笔 ${formatCents(shift.amountCents)}` : ''),
      `Today ${day.count} sales ${formatCents(day.amountCents)}` +
        (shift ? `; shift ${shift.count} sales ${formatCents(shift.amountCents)}` : ''),
    ),
    customer: t('欢迎', 'Welcome'),
  }),
  /** The resting screen, with a note for the cashier while a cut write waits for its card. */
  awaiting: (rest: Screen, l: TxLabel, cardNumber: number, count: number): Screen => {
    const more = count > 1 ? { zh: ` 等 ${count} 笔`, en: ` (${count} in all)` } : { zh: '', en: '' };
    return {
      cashier: t(
        `${rest.cashier.zh};${txText(l).zh} 待卡 ${cardNumber} 确认${more.zh}`,
        `${rest.cashier.en}; ${txText(l).en} awaits card ${cardNumber}${more.en}`,
      ),
      customer: rest.customer,
    };
  },
  /** The cashier's line gains the mark; the customer's stays as it was (not the holder's concern). */
  syncStopped: (rest: Screen, reason: string): Screen => ({
    cashier: t(`${rest.cashier.zh} [同步停止: ${reason}]`, `${rest.cashier.en} [SYNC STOPPED: ${reason}]`),
    customer: rest.customer,
  }),
  message: (text: Text, customer: Text = t('欢迎', 'Welcome')): Screen => ({ cashier: text, customer }),
};
