import * as esc from './escpos.ts';
import {
  CUT_FEED_LINES,
  DRAWER_PULSE_MS,
  FEED_LINES_MAX,
  type PrintItem,
  type PrintJob,
  QR_LEVEL_DEFAULT,
  QR_MODULE_DOTS_DEFAULT,
  type TextStyle,
} from './job.ts';
import { qrBitmap } from './qr-raster.ts';
import { controlByteIn, encodeGb18030 } from './text.ts';

export type EncodeResult = { ok: true; bytes: Uint8Array } | { ok: false; item: number; error: string };

type ItemResult = { ok: true; bytes: number[] } | { ok: false; error: string };

const inRange = (n: number | undefined, lo: number, hi: number) =>
  n === undefined || (Number.isInteger(n) && n >= lo && n <= hi);

function styleBytes(style: TextStyle | undefined): ItemResult {
  const w = style?.widthMul ?? 1;
  const h = style?.heightMul ?? 1;
  if (!inRange(w, 1, esc.CHAR_SIZE_MAX) || !inRange(h, 1, esc.CHAR_SIZE_MAX)) {
    return { ok: false, error: `character size ${w}x${h} is outside 1..${esc.CHAR_SIZE_MAX}` };
  }
  return {
    ok: true,
    bytes: [...esc.bold(style?.bold ?? false), ...esc.underline(style?.underline ?? 0), ...esc.charSize(w, h)],
  };
}

function barcodeData(symbology: esc.Symbology, data: string): ItemResult {
  if (symbology === 'ean13' && !/^\d{12,13}$/.test(data)) return { ok: false, error: 'EAN-13 takes 12 or 13 digits' };
  if (symbology === 'code128' && !/^[\x20-\x7e]{1,80}$/.test(data)) {
    return { ok: false, error: 'CODE128 (set B) takes 1..80 printable ASCII characters' };
  }
  return { ok: true, bytes: [...new TextEncoder().encode(data)] };
}

function qrBytes(item: Extract<PrintItem, { kind: 'qr' }>): ItemResult {
  const data = new TextEncoder().encode(item.data);
  const moduleDots = item.moduleDots ?? QR_MODULE_DOTS_DEFAULT;
  const level = item.level ?? QR_LEVEL_DEFAULT;
  if (data.length === 0 || data.length > esc.QR_DATA_BYTES_MAX) {
    return { ok: false, error: `QR data must be 1..${esc.QR_DATA_BYTES_MAX} bytes` };
  }
  if (!inRange(moduleDots, 1, esc.QR_MODULE_DOTS_MAX)) return { ok: false, error: 'QR module size must be 1..16 dots' };
  if (item.render === 'native') return { ok: true, bytes: esc.qrNative(data, moduleDots, level) };
  const bmp = qrBitmap(data, moduleDots, level);
  return { ok: true, bytes: esc.raster(bmp.widthBytes, bmp.heightDots, bmp.bits) };
}

function itemBytes(item: PrintItem): ItemResult {
  switch (item.kind) {
    case 'text': {
      const bad = controlByteIn(item.text);
      if (bad !== undefined) return { ok: false, error: `text holds control character 0x${bad.toString(16)}` };
      const style = styleBytes(item.style);
      if (!style.ok) return style;
      return {
        ok: true,
        bytes: [...esc.align(item.align ?? 'left'), ...style.bytes, ...encodeGb18030(item.text), esc.LF],
      };
    }
    case 'qr': {
      const qr = qrBytes(item);
      return qr.ok ? { ok: true, bytes: [...esc.align(item.align ?? 'center'), ...qr.bytes, esc.LF] } : qr;
    }
    case 'barcode': {
      const data = barcodeData(item.symbology, item.data);
      if (!data.ok) return data;
      const bytes = esc.barcode(item.symbology, new Uint8Array(data.bytes));
      return { ok: true, bytes: [...esc.align(item.align ?? 'center'), ...bytes, esc.LF] };
    }
    case 'feed':
      if (!inRange(item.lines, 0, FEED_LINES_MAX))
        return { ok: false, error: `feed must be 0..${FEED_LINES_MAX} lines` };
      return { ok: true, bytes: esc.feed(item.lines) };
    case 'cut':
      return { ok: true, bytes: esc.cut(item.partial, CUT_FEED_LINES) };
    case 'drawer':
      return { ok: true, bytes: esc.drawerKick(item.pin, DRAWER_PULSE_MS, DRAWER_PULSE_MS) };
  }
}

/**
 * A job's ESC/POS bytes: ESC @ (a known state whatever the last job left),
 * FS & (GB18030), the items, nothing else. A bad item refuses the whole job
 * naming the item, so nothing half-encoded reaches the paper.
 */
export function encodeJob(job: PrintJob): EncodeResult {
  const out: number[] = [...esc.init(), ...esc.chineseOn()];
  for (const [i, item] of job.items.entries()) {
    const r = itemBytes(item);
    if (!r.ok) return { ok: false, item: i, error: `item ${i} (${item.kind}): ${r.error}` };
    for (const b of r.bytes) out.push(b);
  }
  return { ok: true, bytes: new Uint8Array(out) };
}
