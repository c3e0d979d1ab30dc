import type { PrintJob } from '../../../drivers/printer/job.ts';

/** The sample receipt of the golden test: styles, alignment, Chinese, native QR, barcode, cut, drawer. */
export const SAMPLE_RECEIPT: PrintJob = {
  items: [
    { kind: 'text', text: '一号食堂 Canteen 1', align: 'center', style: { bold: true, widthMul: 2, heightMul: 2 } },
    { kind: 'text', text: '消费 Sale', align: 'center', style: { underline: 1 } },
    { kind: 'text', text: '卡号 Card      00012345' },
    { kind: 'text', text: '金额 Amount      ¥12.50', style: { bold: true } },
    { kind: 'text', text: '余额 Balance     ¥87.50' },
    { kind: 'text', text: '2026-12-05 12:01 T7 #42', align: 'right' },
    { kind: 'qr', data: 'T7-42', render: 'native', moduleDots: 4, level: 'M' },
    { kind: 'barcode', symbology: 'code128', data: 'T7-42' },
    { kind: 'feed', lines: 1 },
    { kind: 'cut', partial: true },
    { kind: 'drawer', pin: 2 },
  ],
};
