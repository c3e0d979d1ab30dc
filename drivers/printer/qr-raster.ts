import QRCode from 'qrcode';
import type { QrLevel } from './escpos.ts';

/** The quiet zone the QR spec requires around the symbol, in modules. */
export const QR_QUIET_MODULES = 4;

export interface Bitmap {
  widthDots: number;
  heightDots: number;
  /** Row-major, `widthBytes` per row, MSB = leftmost dot, 1 = black (the GS v 0 layout). */
  widthBytes: number;
  bits: Uint8Array;
}

/**
 * A QR symbol rasterised by us for printers without native QR (GS ( k):
 * `qrcode` builds the module matrix, we scale it and pack it for GS v 0.
 */
export function qrBitmap(data: Uint8Array, moduleDots: number, level: QrLevel): Bitmap {
  const symbol = QRCode.create([{ data: Buffer.from(data), mode: 'byte' }], { errorCorrectionLevel: level });
  const modules = symbol.modules.size;
  const side = (modules + 2 * QR_QUIET_MODULES) * moduleDots;
  const widthBytes = Math.ceil(side / 8);
  const bits = new Uint8Array(widthBytes * side);
  for (let y = 0; y < side; y++) {
    const my = Math.floor(y / moduleDots) - QR_QUIET_MODULES;
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / moduleDots) - QR_QUIET_MODULES;
      const inside = mx >= 0 && my >= 0 && mx < modules && my < modules;
      if (inside && symbol.modules.get(my, mx)) bits[y * widthBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { widthDots: side, heightDots: side, widthBytes, bits };
}
