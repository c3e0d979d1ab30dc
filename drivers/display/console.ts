import { type Display, type DisplayResult, PANELS } from './index.ts';
import { cells, padCells } from './layout.ts';

/** The console as a panel: a framed box of the lines, for a terminal with no LCD or for a person watching `sim`. */
export class ConsoleDisplay implements Display {
  readonly panel = PANELS.console;
  constructor(private readonly out: { write(text: string): unknown }) {}

  async show(lines: readonly string[]): Promise<DisplayResult> {
    this.out.write(`${frameLines(lines)}\n`);
    return { ok: true };
  }

  async close(): Promise<void> {}
}

/** `+----+` / `|line|` framing, so trailing spaces stay visible. */
export function frameLines(lines: readonly string[]): string {
  const width = Math.max(0, ...lines.map(cells));
  const rule = `+${'-'.repeat(width)}+`;
  return [rule, ...lines.map((l) => `|${padCells(l, width)}|`), rule].join('\n');
}
