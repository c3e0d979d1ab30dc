/**
 * ESC/POS command bytes (Epson-compatible thermal printers, incl. the Chinese
 * Xprinter/GP clones): one function per command, pure, no state. The facts
 * behind each byte are in docs/hardware.md ("ESC/POS").
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';
/** Underline thickness in dots (0 = off). */
export type Underline = 0 | 1 | 2;
/** QR error-correction level; M survives a smudged thermal print and keeps the symbol small. */
export type QrLevel = 'L' | 'M' | 'Q' | 'H';

/** GS ! takes width and height multipliers 1..8 (encoded as 0..7 in each nibble). */
export const CHAR_SIZE_MAX = 8;
/** GS ( k function 167: module size 1..16 dots. */
export const QR_MODULE_DOTS_MAX = 16;
/** GS ( k store: pL pH hold len + 3, so at most 65535 - 3 bytes; printers hold far less (a v40 QR: ~2,300 bytes). */
export const QR_DATA_BYTES_MAX = 2_000;

const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };
const QR_LEVEL_CODE: Record<QrLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };

export const init = (): number[] => [ESC, 0x40];
/** FS &: double-byte (GB18030) mode on Chinese printers; FS . leaves it. */
export const chineseOn = (): number[] => [FS, 0x26];
export const chineseOff = (): number[] => [FS, 0x2e];
export const bold = (on: boolean): number[] => [ESC, 0x45, on ? 1 : 0];
export const underline = (dots: Underline): number[] => [ESC, 0x2d, dots];
export const align = (a: Align): number[] => [ESC, 0x61, ALIGN_CODE[a]];
export const feed = (lines: number): number[] => [ESC, 0x64, lines];

/** GS !: width and height multipliers 1..8. */
export function charSize(widthMul: number, heightMul: number): number[] {
  return [GS, 0x21, ((widthMul - 1) << 4) | (heightMul - 1)];
}

/** GS V 65/66 n: feed n lines (so the last line clears the blade), then cut full (65) or partial (66). */
export function cut(partial: boolean, feedLines: number): number[] {
  return [GS, 0x56, partial ? 0x42 : 0x41, feedLines];
}

/** ESC p m t1 t2: pulse drawer pin 2 (m=0) or 5 (m=1), on t1×2 ms, off t2×2 ms. */
export function drawerKick(pin: 2 | 5, onMs: number, offMs: number): number[] {
  return [ESC, 0x70, pin === 2 ? 0 : 1, Math.min(255, onMs >> 1), Math.min(255, offMs >> 1)];
}

/** DLE EOT n: real-time status, answered with one byte even mid-job (n: 1 printer, 2 offline cause, 3 error, 4 paper). */
export const statusQuery = (n: 1 | 2 | 3 | 4): number[] => [DLE, EOT, n];

/** GS ( k cn=0x31 fn: the QR functions, pL pH = bytes after themselves. */
function qrFunction(fn: number, params: readonly number[]): number[] {
  const len = params.length + 2;
  return [GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, fn, ...params];
}

/** Native QR: model 2 (fn 165), module size (167), level (169), store (180), print (181). */
export function qrNative(data: Uint8Array, moduleDots: number, level: QrLevel): number[] {
  return [
    ...qrFunction(0x41, [0x32, 0x00]),
    ...qrFunction(0x43, [moduleDots]),
    ...qrFunction(0x45, [QR_LEVEL_CODE[level]]),
    ...qrFunction(0x50, [0x30, ...data]),
    ...qrFunction(0x51, [0x30]),
  ];
}

export type Symbology = 'code128' | 'ean13';
/** Bar height in dots: ~10 mm at 203 dpi, tall enough for a handheld scanner. */
export const BARCODE_HEIGHT_DOTS = 80;

/** GS h / GS w / GS H, then GS k in its length-prefixed form (m 65..78); HRI text below the bars. */
export function barcode(symbology: Symbology, data: Uint8Array): number[] {
  const setup = [GS, 0x68, BARCODE_HEIGHT_DOTS, GS, 0x77, 2, GS, 0x48, 2];
  if (symbology === 'ean13') return [...setup, GS, 0x6b, 67, data.length, ...data];
  // CODE128: "{B" selects code set B (printable ASCII).
  return [...setup, GS, 0x6b, 73, data.length + 2, 0x7b, 0x42, ...data];
}

/** GS v 0 m=0: a 1-bit raster, rows of `widthBytes` bytes, MSB = leftmost dot, 1 = black. */
export function raster(widthBytes: number, heightDots: number, bits: Uint8Array): number[] {
  return [GS, 0x76, 0x30, 0, widthBytes & 0xff, widthBytes >> 8, heightDots & 0xff, heightDots >> 8, ...bits];
}
