import type { Language, ReceiptDoc } from '../../../firmware/receipts/document.ts';
import type { PaperMm, PrintSettings } from '../../../firmware/receipts/paper.ts';
import {
  invoiceReceipt,
  type SaleFacts,
  saleReceipt,
  topupReceipt,
  totalsReceipt,
  undoReceipt,
} from '../../../firmware/receipts/templates.ts';

/**
 * The receipts of the golden vectors: every template, in both languages, on
 * both rolls. 58 mm prints its QR rasterised (GS v 0), 80 mm natively (GS ( k),
 * so both QR paths are pinned.
 */
const AT_MS = Date.parse('2026-12-05T04:01:02Z');
const head = { shopName: '一号食堂 Canteen 1', terminalId: 101, atMs: AT_MS, utcOffsetMinutes: 480, operator: '#9001' };

export const SALE: SaleFacts = {
  ...head,
  seq: 42,
  cardNumber: 1001,
  unit: 'cents',
  lines: [
    { name: { zh: '牛肉面', en: 'Beef noodles' }, qty: 2, amountCents: 3_000 },
    { name: { zh: '豆浆', en: 'Soy milk' }, qty: 1, amountCents: 250 },
  ],
  listAmountCents: 3_250,
  chargedAmount: 2_925,
  balance: 7_075,
};

type Template = (language: Language) => ReceiptDoc;

export const TEMPLATES: Readonly<Record<string, Template>> = {
  sale: (l) => saleReceipt(SALE, l),
  undo: (l) =>
    undoReceipt({ ...head, seq: 43, cardNumber: 1001, unit: 'cents', undoOf: 42, refundedAmount: 2_925, balance: 1e4 }, l),
  topup: (l) => topupReceipt({ ...head, seq: 44, operator: null, cardNumber: 1001, creditedCents: 5_000, balanceCents: 15_000 }, l),
  totals: (l) =>
    totalsReceipt(
      {
        ...head,
        seq: 60,
        scope: 'day',
        key: '2026-12-05',
        sales: { count: 11, amountCents: 15_525 },
        topups: { count: 2, amountCents: 10_000 },
      },
      l,
    ),
  'totals-shift': (l) =>
    totalsReceipt({ ...head, seq: 61, scope: 'shift', key: '101-7', sales: { count: 3, amountCents: 4_200 } }, l),
  invoice: (l) => invoiceReceipt(SALE, false, l),
  'invoice-copy': (l) => invoiceReceipt(SALE, true, l),
};

export const LANGUAGES: readonly Language[] = ['zh', 'en'];
export const PAPERS: readonly PaperMm[] = [58, 80];

export const settingsFor = (language: Language, paperMm: PaperMm): PrintSettings => ({
  paperMm,
  nativeQr: paperMm === 80,
  language,
});

export const vectorFile = (template: string, language: Language, paperMm: PaperMm) =>
  new URL(`./${template}-${language}-${paperMm}.json`, import.meta.url);
