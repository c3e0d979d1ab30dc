import type { Language } from './document.ts';

/** Roll widths a POS or kiosk printer takes; the columns are those of font A (12×24 dots). */
export type PaperMm = 58 | 80;

export interface Paper {
  columns: number;
  dots: number;
  /** QR module size: 4 dots (0.5 mm at 203 dpi) reads with a phone; 80 mm has room for a larger one. */
  qrModuleDots: number;
}

export const PAPER: Readonly<Record<PaperMm, Paper>> = {
  58: { columns: 32, dots: 384, qrModuleDots: 4 },
  80: { columns: 48, dots: 576, qrModuleDots: 6 },
};

/** How this terminal's printer prints (config pos.printer). */
export interface PrintSettings {
  paperMm: PaperMm;
  /** The printer draws QR codes itself (GS ( k); otherwise we rasterise them (GS v 0). */
  nativeQr: boolean;
  language: Language;
}
