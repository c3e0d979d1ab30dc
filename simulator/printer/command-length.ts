/**
 * How long an ESC/POS command is, judged from its first bytes: a prefix table
 * in the spirit of esc2text. Returns the total length, 'more' while the
 * prefix does not yet tell, or 'unknown' for a command we do not know (the
 * simulator refuses those: our encoder must never send one).
 */
export type CommandLength = number | 'more' | 'unknown' | 'nul-terminated';

const ESC_FIXED: ReadonlyMap<number, number> = new Map<number, number>([
  [0x40, 2],
  [0x45, 3],
  [0x2d, 3],
  [0x21, 3],
  [0x61, 3],
  [0x64, 3],
  [0x4d, 3],
  [0x74, 3],
  [0x52, 3],
  [0x70, 5],
]);
const GS_FIXED: ReadonlyMap<number, number> = new Map<number, number>([
  [0x21, 3],
  [0x42, 3],
  [0x68, 3],
  [0x77, 3],
  [0x48, 3],
  [0x61, 3],
]);
const FS_FIXED: ReadonlyMap<number, number> = new Map<number, number>([
  [0x26, 2],
  [0x2e, 2],
]);

function u16(b: readonly number[], at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function gsLength(b: readonly number[]): CommandLength {
  const c = b[1]!;
  const fixed = GS_FIXED.get(c);
  if (fixed !== undefined) return fixed;
  if (c === 0x56) {
    if (b.length < 3) return 'more';
    return b[2]! === 0x41 || b[2]! === 0x42 ? 4 : 3;
  }
  if (c === 0x28) return b.length < 5 ? 'more' : 5 + u16(b, 3);
  if (c === 0x6b) {
    if (b.length < 3) return 'more';
    if (b[2]! <= 6) return 'nul-terminated';
    return b.length < 4 ? 'more' : 4 + b[3]!;
  }
  if (c === 0x76) return b.length < 8 ? 'more' : 8 + u16(b, 4) * u16(b, 6);
  return 'unknown';
}

export function commandLength(b: readonly number[]): CommandLength {
  if (b.length < 2) return 'more';
  const [lead, c] = [b[0]!, b[1]!];
  if (lead === 0x1b) return ESC_FIXED.get(c) ?? 'unknown';
  if (lead === 0x1c) return FS_FIXED.get(c) ?? 'unknown';
  if (lead === 0x10) return c === 0x04 ? 3 : 'unknown';
  if (lead === 0x1d) return gsLength(b);
  return 'unknown';
}
