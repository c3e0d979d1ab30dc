import type { PrinterEvent } from './parser.ts';

/**
 * Events → a readable transcript for tests and people: text lines as they
 * would print, commands as tags ([ALIGN center] [BOLD on] [QR M:R-0001]
 * [CUT partial] [DRAWER pin2] …). Tags that change nothing on paper on their
 * own (init, code page) are shown too, so the transcript is the whole job.
 */
const ALIGN = ['left', 'center', 'right'];
const QR_LEVEL: ReadonlyMap<number, string> = new Map<number, string>([
  [0x30, 'L'],
  [0x31, 'M'],
  [0x32, 'Q'],
  [0x33, 'H'],
]);

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

function gsTag(b: Uint8Array): string {
  switch (b[1]) {
    case 0x21:
      return `[SIZE ${(b[2]! >> 4) + 1}x${(b[2]! & 7) + 1}]`;
    case 0x56:
      return `[CUT ${b[2] === 0x42 || b[2] === 1 || b[2] === 0x31 ? 'partial' : 'full'}]`;
    case 0x68:
    case 0x77:
    case 0x48:
      return '';
    case 0x6b: {
      const type = b[2]!;
      const data = type <= 6 ? b.subarray(3, b.length - 1) : b.subarray(4);
      const text = new TextDecoder().decode(type === 73 ? data.subarray(2) : data);
      return `[BARCODE ${type === 73 ? 'CODE128' : type === 67 ? 'EAN13' : type}:${text}]`;
    }
    case 0x28:
      return qrTag(b);
    case 0x76:
      return `[RASTER ${(b[4]! | (b[5]! << 8)) * 8}x${b[6]! | (b[7]! << 8)}]`;
    default:
      return `[GS ${hex(b.subarray(1))}]`;
  }
}

function qrTag(b: Uint8Array): string {
  const fn = b[6];
  if (fn === 0x45) return `[QR-LEVEL ${QR_LEVEL.get(b[7]!) ?? '?'}]`;
  if (fn === 0x43) return `[QR-MODULE ${b[7]}]`;
  if (fn === 0x50) return `[QR-STORE ${new TextDecoder().decode(b.subarray(8))}]`;
  if (fn === 0x51) return '[QR-PRINT]';
  return '';
}

export function commandTag(b: Uint8Array): string {
  const [lead, c, n] = [b[0], b[1], b[2]];
  if (lead === 0x1b) {
    if (c === 0x40) return '[INIT]';
    if (c === 0x45) return `[BOLD ${n ? 'on' : 'off'}]`;
    if (c === 0x2d) return n ? `[UNDERLINE ${n}]` : '[UNDERLINE off]';
    if (c === 0x61) return `[ALIGN ${ALIGN[n! % 48] ?? n}]`;
    if (c === 0x64) return `[FEED ${n}]`;
    if (c === 0x70) return `[DRAWER pin${n === 0 ? 2 : 5}]`;
  }
  if (lead === 0x1c) return c === 0x26 ? '[GB18030]' : '[GB18030 off]';
  if (lead === 0x10) return `[STATUS? ${n}]`;
  if (lead === 0x1d) return gsTag(b);
  return `[? ${hex(b)}]`;
}

/** Tags gather on the line they precede; each printed line ends the transcript line. */
export function render(events: readonly PrinterEvent[]): string {
  const lines: string[] = [];
  let pending = '';
  for (const e of events) {
    if (e.kind === 'line') {
      lines.push(pending + e.text);
      pending = '';
    } else if (e.kind === 'command') {
      pending += commandTag(e.bytes);
    } else pending += `[UNKNOWN ${hex(e.bytes)}]`;
  }
  if (pending) lines.push(pending);
  return lines.join('\n');
}
