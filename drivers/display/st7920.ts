import iconv from 'iconv-lite';
import type { SpiBus } from '../spi/index.ts';
import { type Display, type DisplayResult, errorText, misfit, PANELS } from './index.ts';
import { cellWidth } from './layout.ts';

/**
 * The ST7920 128×64 graphic LCD in its serial (SPI) mode, text only: its
 * CGROM holds the GB2312 16×16 font and 126 half-width 8×16 glyphs, so
 * Chinese costs no font file. Facts (Sitronix ST7920 datasheet):
 * - Serial frame per instruction: a sync byte `11111 RW RS 0`, then the byte's
 *   high nibble as `D7 D6 D5 D4 0 0 0 0`, then the low nibble the same way.
 * - Text rows of the 128×64 panel start at DDRAM 0x80, 0x90, 0x88, 0x98; each
 *   row is 8 16-bit words = 16 half-width cells. A GB2312 character (2 bytes)
 *   must start on a word boundary (even cell) or the panel shows garbage.
 * - Instructions take 72 µs, clear takes 1.6 ms; at the ≤ 200 kHz clock we
 *   use, one 24-bit frame takes 120 µs, so only clear needs a wait.
 * - Chip select is active HIGH: wire it through an inverter or tie it high
 *   (the sync string re-aligns every frame), see docs/face.md.
 */
export const ST7920_SPI_SPEED_HZ = 200_000;
const SYNC_COMMAND = 0xf8;
const SYNC_DATA = 0xfa;
export const ST7920_ROW_ADDRESS = [0x80, 0x90, 0x88, 0x98] as const;
const INSTR = { basic: 0x30, displayOn: 0x0c, clear: 0x01, entryIncrement: 0x06 } as const;
/** The datasheet's clear time (1.6 ms), rounded up. */
const CLEAR_WAIT_MS = 2;
/** A full-width '？' stands in for a character missing from GB2312, keeping the two-cell width. */
const GB_MISSING = [0xa3, 0xbf];

const frame = (sync: number, byte: number): number[] => [sync, byte & 0xf0, (byte << 4) & 0xf0];
export const commandFrame = (byte: number): number[] => frame(SYNC_COMMAND, byte);
export const dataFrame = (byte: number): number[] => frame(SYNC_DATA, byte);

/** One line of cells as GB2312 / ASCII bytes, exactly as many bytes as cells. */
export function encodeGb2312(line: string): number[] {
  return [...line].flatMap((ch) => {
    if (cellWidth(ch) === 1) return [ch.charCodeAt(0) < 0x80 ? ch.charCodeAt(0) : 0x3f];
    // iconv-lite's 'gb2312' is really GBK (cp936); the ROM holds only the GB2312 rows, both bytes A1–FE.
    const bytes = [...iconv.encode(ch, 'gb2312')];
    return bytes.length === 2 && bytes.every((b) => b >= 0xa1 && b <= 0xfe) ? bytes : GB_MISSING;
  });
}

/** The init sequence; the clear in it is followed by a wait (the second array). */
export const st7920Init = (): [number[], number[]] => [
  [...commandFrame(INSTR.basic), ...commandFrame(INSTR.displayOn), ...commandFrame(INSTR.clear)],
  commandFrame(INSTR.entryIncrement),
];

/** One transfer per row: set the row's DDRAM address, then its 16 bytes. */
export const st7920Rows = (lines: readonly string[]): number[][] =>
  lines.map((line, row) => [
    ...commandFrame(ST7920_ROW_ADDRESS[row] ?? 0x80),
    ...encodeGb2312(line).flatMap((b) => dataFrame(b)),
  ]);

export class St7920Display implements Display {
  readonly panel = PANELS.st7920_128x64;
  private constructor(private readonly spi: SpiBus) {}

  /** `wait` is the driver's only timer, injected so tests and the simulator run without real delays. */
  static async open(spi: SpiBus, wait: (ms: number) => Promise<void>): Promise<St7920Display> {
    const [init, after] = st7920Init();
    await spi.transfer(Uint8Array.from(init));
    await wait(CLEAR_WAIT_MS);
    await spi.transfer(Uint8Array.from(after));
    return new St7920Display(spi);
  }

  async show(lines: readonly string[]): Promise<DisplayResult> {
    const bad = misfit(this.panel, lines);
    if (bad) return { ok: false, error: bad };
    try {
      for (const row of st7920Rows(lines)) await this.spi.transfer(Uint8Array.from(row));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: `st7920: ${errorText(err)}` };
    }
  }

  close(): Promise<void> {
    return this.spi.close();
  }
}
