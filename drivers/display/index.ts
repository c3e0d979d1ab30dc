import { cells } from './layout.ts';

/**
 * What the cashier sees. The POS hands over a screen (a cashier and a
 * customer text, each in Chinese and English); `layout.ts` lays it out as
 * lines for one panel, and a `Display` puts those lines on the glass.
 *
 * The shapes here are structural copies of firmware/pos/screen.ts's
 * `Screen`: drivers/ may not import firmware/, and a firmware `Screen` fits
 * `ScreenText` as it is.
 */
export interface ScreenText {
  cashier: { zh: string; en: string };
  customer: { zh: string; en: string };
}

/** The status line of the idle screen: the time (already formatted, "14:05") and the link state. */
export interface StatusFacts {
  time: string;
  online: boolean;
}

/**
 * A panel's text grid. `columns` counts half-width cells: a Chinese character
 * takes two. `script` says which text a panel can draw: an HD44780's ROM has
 * no Chinese, the ST7920's has GB2312.
 */
export interface PanelSize {
  name: 'hd44780-16x2' | 'hd44780-20x4' | 'st7920-128x64' | 'console';
  columns: number;
  rows: number;
  script: 'latin' | 'chinese';
  /** The ST7920 draws a 16×16 glyph only from an even cell: an odd start shows garbage. */
  wideOnEvenCell: boolean;
}

export const PANELS = {
  hd44780_16x2: { name: 'hd44780-16x2', columns: 16, rows: 2, script: 'latin', wideOnEvenCell: false },
  hd44780_20x4: { name: 'hd44780-20x4', columns: 20, rows: 4, script: 'latin', wideOnEvenCell: false },
  /** 128 dots / 8-dot half-width glyphs = 16 cells; 64 dots / 16-dot-tall glyphs = 4 rows (ST7920 text mode). */
  st7920_128x64: { name: 'st7920-128x64', columns: 16, rows: 4, script: 'chinese', wideOnEvenCell: true },
  console: { name: 'console', columns: 40, rows: 4, script: 'chinese', wideOnEvenCell: false },
} as const satisfies Record<string, PanelSize>;

/** A bus failure is a value: the POS keeps selling with a dead screen, and says so once in the log. */
export type DisplayResult = { ok: true } | { ok: false; error: string };

export interface Display {
  readonly panel: PanelSize;
  /** Puts exactly `panel.rows` lines (each at most `panel.columns` cells wide) on the panel. */
  show(lines: readonly string[]): Promise<DisplayResult>;
  close(): Promise<void>;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Lines a panel cannot take (wrong count, a line wider than the panel would
 * spill into the next row's memory) are refused before any byte is sent.
 */
export function misfit(panel: PanelSize, lines: readonly string[]): string | null {
  if (lines.length !== panel.rows) return `${panel.name}: ${lines.length} lines for ${panel.rows} rows`;
  const wide = lines.findIndex((l) => cells(l) > panel.columns);
  return wide < 0
    ? null
    : `${panel.name}: line ${wide + 1} is ${cells(lines[wide]!)} cells, the panel has ${panel.columns}`;
}
