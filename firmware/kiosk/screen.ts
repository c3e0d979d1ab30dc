import type { KioskTone, KioskView } from '../../drivers/kiosk-screen/index.ts';
import { formatCents } from '../../base/money.ts';

/** What the kiosk's screen says, in Chinese and English; amounts in cents, formatted by the screen. */
export type KioskScreen =
  | { kind: 'idle' }
  | {
      kind: 'balance';
      balanceCents: number;
      insertedCents: number;
      roomCents: number;
      /** The last receipt did not print (paper out …): it is owed and comes out as a COPY later. */
      receiptFault?: string;
    }
  | { kind: 'accepting'; valueCents: number }
  | { kind: 'bill-back'; reason: string }
  /** A note came back as one this kiosk does not take now (over the top-up limit or the balance cap). */
  | { kind: 'not-taken'; notesCents: number[]; roomCents: number }
  /** handedOver: the amount went to the backend as a pending credit (any terminal writes it). */
  | { kind: 'card-gone'; owedCents: number; handedOver: boolean }
  /** Switched off from the backend; the card's balance when one is on the reader. */
  | { kind: 'disabled'; balanceCents: number | null }
  | { kind: 'refused'; reason: string }
  | { kind: 'alarm'; alarm: string }
  | { kind: 'cashbox'; count: number; amountCents: number; dayCents: number };

const yuan = (cents: number) => `¥${formatCents(cents)}`;

const ALARM_TEXT: Record<string, [string, string]> = {
  jammed: ['纸币卡住，请联系工作人员', 'Bill jammed: please call staff'],
  'cassette-removed': ['钱箱已取出，暂停收款', 'Cash box removed: not accepting bills'],
  'cassette-full': ['钱箱已满，暂停收款', 'Cash box full: not accepting bills'],
  cheated: ['检测到异常操作，已记录', 'Tampering detected and recorded'],
  'no-response': ['收款机无响应，暂停收款', 'Bill acceptor not answering: not accepting bills'],
  failure: ['收款机故障，请联系工作人员', 'Bill acceptor failure: please call staff'],
};

/** A receipt that did not print: the money is on the card either way, so the text says so. */
const RECEIPT_FAULT_TEXT: Record<string, [string, string]> = {
  'paper-out': ['打印机缺纸，已充值成功，凭条稍后补打', 'Printer out of paper: topped up, the receipt prints later'],
  'cover-open': ['打印机盖未关，已充值成功，凭条稍后补打', 'Printer cover open: topped up, the receipt prints later'],
  other: ['凭条未打印，已充值成功，稍后补打', 'Receipt not printed: topped up, it prints later'],
};

/** "100 yuan notes are not accepted here": the notes named, and what this top-up may still take. */
function notTakenText(notesCents: readonly number[], roomCents: number): [string, string] {
  const yuanOf = notesCents.map((c) => String(c / 100));
  const en = yuanOf.length > 1 ? `${yuanOf.slice(0, -1).join(', ')} and ${yuanOf.at(-1)}` : yuanOf[0];
  if (en === undefined) return ['本机现不收此纸币', 'This note is not accepted here now'];
  return [
    `本机现不收 ${yuanOf.join('、')} 元纸币，本次还可投入 ${yuan(roomCents)}`,
    `${en} yuan notes are not accepted here now: up to ${yuan(roomCents)} more`,
  ];
}

/** The two lines (Chinese, English) a screen shows. */
export function screenText(s: KioskScreen): [string, string] {
  switch (s.kind) {
    case 'idle':
      return ['请刷卡充值', 'Tap your card to top up'];
    case 'balance': {
      const lines: [string, string] = [
        `余额 ${yuan(s.balanceCents)}  已投入 ${yuan(s.insertedCents)}  还可投入 ${yuan(s.roomCents)}`,
        `Balance ${yuan(s.balanceCents)}  inserted ${yuan(s.insertedCents)}  room ${yuan(s.roomCents)}`,
      ];
      if (!s.receiptFault) return lines;
      const [zh, en] = RECEIPT_FAULT_TEXT[s.receiptFault] ?? RECEIPT_FAULT_TEXT.other!;
      return [`${lines[0]}  ${zh}`, `${lines[1]}  ${en}`];
    }
    case 'accepting':
      return [
        `正在收取 ${yuan(s.valueCents)}，请勿移开卡片`,
        `Taking ${yuan(s.valueCents)}: keep your card on the reader`,
      ];
    case 'bill-back':
      return [`纸币已退回（${s.reason}）`, `Bill given back (${s.reason})`];
    case 'not-taken':
      return notTakenText(s.notesCents, s.roomCents);
    case 'card-gone':
      if (s.handedOver)
        return [
          `卡片已移开，${yuan(s.owedCents)} 已转为待领款，可在任一终端刷卡领取`,
          `Card removed: ${yuan(s.owedCents)} waits for it at every terminal, tap any to collect`,
        ];
      return [
        `卡片已移开，${yuan(s.owedCents)} 待写入，请再次刷卡`,
        `Card removed: ${yuan(s.owedCents)} is kept for it, tap again`,
      ];
    case 'disabled': {
      const zh = '收款机已由管理员暂停，暂不收款';
      const en = 'Bill acceptor switched off by the operator: not accepting bills';
      if (s.balanceCents === null) return [zh, en];
      return [`${zh}  余额 ${yuan(s.balanceCents)}`, `${en}  balance ${yuan(s.balanceCents)}`];
    }
    case 'refused':
      return [`无法充值：${s.reason}`, `Cannot top up: ${s.reason}`];
    case 'alarm':
      return ALARM_TEXT[s.alarm] ?? [`收款机报警：${s.alarm}`, `Bill acceptor alarm: ${s.alarm}`];
    case 'cashbox':
      return [
        `钱箱 ${s.count} 张 ${yuan(s.amountCents)}  今日 ${yuan(s.dayCents)}`,
        `Cash box ${s.count} bills ${yuan(s.amountCents)}  today ${yuan(s.dayCents)}`,
      ];
  }
}

const TONE: Record<KioskScreen['kind'], KioskTone> = {
  idle: 'calm',
  balance: 'calm',
  cashbox: 'calm',
  accepting: 'busy',
  'bill-back': 'warn',
  'not-taken': 'warn',
  'card-gone': 'warn',
  refused: 'warn',
  disabled: 'warn',
  alarm: 'alarm',
};

/** The screen as a kiosk screen driver shows it: the text, and the amounts formatted here, once. */
export function screenView(s: KioskScreen): KioskView {
  const [zh, en] = screenText(s);
  const view: KioskView = {
    kind: s.kind,
    tone: TONE[s.kind],
    lines: { zh, en },
    balance: null,
    inserted: null,
    room: null,
    progressPercent: null,
  };
  if (s.kind === 'disabled' && s.balanceCents !== null) return { ...view, balance: yuan(s.balanceCents) };
  if (s.kind !== 'balance') return view;
  // The amounts have their own places on this screen: the message says what to do, or why no receipt came.
  const fault = s.receiptFault ? (RECEIPT_FAULT_TEXT[s.receiptFault] ?? RECEIPT_FAULT_TEXT.other!) : null;
  const lines = fault
    ? { zh: fault[0], en: fault[1] }
    : s.roomCents > 0
      ? { zh: '请投入纸币，充值完成后取走卡片', en: 'Insert bills; take your card when you are done' }
      : { zh: '已达充值上限，请取走卡片', en: 'Top-up limit reached: please take your card' };
  const takeableCents = s.insertedCents + s.roomCents;
  // Nothing more may go in (the card at its cap): the bar is full, not empty.
  const progressPercent = takeableCents === 0 ? 100 : Math.floor((100 * s.insertedCents) / takeableCents);
  return {
    ...view,
    lines,
    balance: yuan(s.balanceCents),
    inserted: yuan(s.insertedCents),
    room: yuan(s.roomCents),
    progressPercent,
  };
}
