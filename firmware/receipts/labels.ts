import type { Language } from './document.ts';

/** Every word a receipt prints, in each language: templates never hold text of their own. */
const ZH = {
  sale: '消费',
  undo: '撤销',
  topup: '充值',
  dayTotals: '日结',
  shiftTotals: '班结',
  invoice: '发票',
  copy: '副本',
  terminal: '终端',
  time: '时间',
  card: '卡号',
  operator: '操作员',
  list: '原价',
  paid: '实收',
  refunded: '退还',
  credited: '充入',
  balance: '余额',
  undoOf: '原流水',
  period: '日期/班次',
  sales: '消费笔数(已扣撤销)',
  salesAmount: '消费净额',
  topups: '充值笔数',
  topupsAmount: '充值金额',
  reference: '凭证号',
  printOnce: '本发票只打印一次',
  points: '积分',
  bonus: '赠送',
} as const;

export type Labels = { readonly [K in keyof typeof ZH]: string };

const EN: Labels = {
  sale: 'SALE',
  undo: 'REFUND',
  topup: 'TOP-UP',
  dayTotals: 'DAY TOTALS',
  shiftTotals: 'SHIFT TOTALS',
  invoice: 'INVOICE',
  copy: 'COPY',
  terminal: 'Terminal',
  time: 'Time',
  card: 'Card',
  operator: 'Operator',
  list: 'List price',
  paid: 'Paid',
  refunded: 'Refunded',
  credited: 'Credited',
  balance: 'Balance',
  undoOf: 'Undoes',
  period: 'Period',
  sales: 'Sales (net of refunds)',
  salesAmount: 'Sales net',
  topups: 'Top-ups',
  topupsAmount: 'Top-ups amount',
  reference: 'Ref',
  printOnce: 'Printed once only',
  points: 'Points',
  bonus: 'Bonus',
};

export const LABELS: Readonly<Record<Language, Labels>> = { zh: ZH, en: EN };
