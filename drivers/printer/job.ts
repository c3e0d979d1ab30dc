/**
 * What a print job is made of, independent of the bytes: templates (a later
 * issue) build these, `encodeJob()` turns them into ESC/POS.
 */
import type { Align, QrLevel, Symbology, Underline } from './escpos.ts';

export interface TextStyle {
  bold?: boolean;
  underline?: Underline;
  /** 1..8 */
  widthMul?: number;
  /** 1..8 */
  heightMul?: number;
}

export type PrintItem =
  | { kind: 'text'; text: string; align?: Align; style?: TextStyle }
  /** `native`: the printer draws it (GS ( k); `raster`: we draw it (GS v 0) for printers without QR. */
  | { kind: 'qr'; data: string; render: 'native' | 'raster'; moduleDots?: number; level?: QrLevel; align?: Align }
  | { kind: 'barcode'; symbology: Symbology; data: string; align?: Align }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'drawer'; pin: 2 | 5 };

export interface PrintJob {
  items: readonly PrintItem[];
}

/** Module size when the job does not say: 4 dots ≈ 0.5 mm at 203 dpi, readable by phone cameras. */
export const QR_MODULE_DOTS_DEFAULT = 4;
export const QR_LEVEL_DEFAULT: QrLevel = 'M';
/** Feed before the cut so the last line clears the blade (~3 lines on 58/80 mm heads). */
export const CUT_FEED_LINES = 3;
/** Drawer pulse: 100 ms on, 100 ms off — what common solenoids need (python-escpos uses the same). */
export const DRAWER_PULSE_MS = 100;
/** ESC d takes one byte; more than a hand's width of blank paper is a template bug. */
export const FEED_LINES_MAX = 20;
