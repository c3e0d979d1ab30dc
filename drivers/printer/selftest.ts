import type { PrintJob } from './job.ts';
import type { ReceiptPrinter, PrintOutcome, StatusRead } from './printer.ts';

/** The test page: every feature once, so a person at the printer sees what works. */
export function testPageJob(label: string): PrintJob {
  return {
    items: [
      {
        kind: 'text',
        text: '打印机自检 Printer self-test',
        align: 'center',
        style: { bold: true, widthMul: 2, heightMul: 2 },
      },
      { kind: 'text', text: label, align: 'center' },
      { kind: 'text', text: 'left 左', align: 'left' },
      { kind: 'text', text: 'right 右', align: 'right' },
      { kind: 'text', text: 'underline 下划线', style: { underline: 1 } },
      { kind: 'text', text: 'QR native (GS ( k):' },
      { kind: 'qr', data: 'ONECARD-SELFTEST', render: 'native' },
      { kind: 'text', text: 'QR raster (GS v 0):' },
      { kind: 'qr', data: 'ONECARD-SELFTEST', render: 'raster' },
      { kind: 'barcode', symbology: 'code128', data: 'ONECARD-1' },
      { kind: 'cut', partial: true },
    ],
  };
}

export interface PrinterSelftest {
  before: StatusRead;
  outcome: PrintOutcome;
}

/** For the CLI: status, then the test page (the outcome carries the status after it). */
export async function printerSelftest(printer: ReceiptPrinter, label: string): Promise<PrinterSelftest> {
  const before = await printer.status();
  const outcome = await printer.print(testPageJob(label));
  return { before, outcome };
}

export function describeStatus(s: StatusRead): string {
  if (!s.known) return `status unknown (${s.reason})`;
  const flags = Object.entries(s.status)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return flags.length === 0 ? 'ready' : flags.join(', ');
}
