export { encodeJob, type EncodeResult } from './encode.ts';
export type { Align, QrLevel, Symbology } from './escpos.ts';
export type { PrintItem, PrintJob, TextStyle } from './job.ts';
export { EscPosPrinter, type PrintOutcome, type ReceiptPrinter, type StatusRead } from './printer.ts';
export { describeStatus, printerSelftest, testPageJob } from './selftest.ts';
export type { PrinterStatus } from './status.ts';
export type { PrinterTransport } from './transport.ts';
export { NETWORK_PRINTER_PORT, openLinePrinter, openNetwork, openSerial } from './transports.ts';
