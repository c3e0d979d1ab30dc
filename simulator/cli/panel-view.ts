import { PANELS, type PanelSize, type StatusFacts } from '../../drivers/display/index.ts';
import { layout } from '../../drivers/display/layout.ts';
import type { Screen } from '../../firmware/pos/screen.ts';

/**
 * `onecard sim --panel`: the cashier's panel drawn in a box beside the
 * screen's text, so a person sees what a 20×4 LCD or a 128×64 ST7920 will
 * show. The lines are the layout the drivers put on the glass (every line
 * padded to the panel's width, a Chinese character two cells).
 */
export const PANEL_CHOICES = ['128x64', '20x4', 'none'] as const;
export type PanelChoice = (typeof PANEL_CHOICES)[number];
export const PANEL_DEFAULT: PanelChoice = '128x64';

export function panelOf(choice: PanelChoice): PanelSize | null {
  return choice === '128x64' ? PANELS.st7920_128x64 : choice === '20x4' ? PANELS.hd44780_20x4 : null;
}

/** The box's lines and, on their right, `text` (what the shell shows today), row by row. */
export function besidePanel(screen: Screen, status: StatusFacts, panel: PanelSize, text: readonly string[]): string[] {
  const edge = '─'.repeat(panel.columns);
  const box = [`┌${edge}┐`, ...layout(screen, status, panel).map((l) => `│${l}│`), `└${edge}┘`];
  const rows = Math.max(box.length, text.length);
  const blank = ' '.repeat(panel.columns + 2);
  return Array.from({ length: rows }, (_, i) => `  ${box[i] ?? blank}${text[i] ?? ''}`.trimEnd());
}
