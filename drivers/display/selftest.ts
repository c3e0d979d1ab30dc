import type { Display, DisplayResult } from './index.ts';
import { padCells } from './layout.ts';

/**
 * `onecard selftest display`: a test pattern a person checks by eye. Every
 * cell of every row is written (a dead column or a row wired to the wrong
 * address shows at once), and a Chinese row on a Chinese panel proves the
 * ROM font and the GB2312 encoding.
 */
export function testPattern(panel: Display['panel']): string[] {
  return Array.from({ length: panel.rows }, (_, row) => {
    if (row === 1 && panel.script === 'chinese') return padCells('一卡通显示屏测试', panel.columns);
    const digits = Array.from({ length: panel.columns }, (_, c) => String((c + row) % 10)).join('');
    return row === 0
      ? `${String(panel.columns).padStart(2, '0')}x${panel.rows}${digits}`.slice(0, panel.columns)
      : digits;
  });
}

export function displaySelftest(display: Display): Promise<DisplayResult> {
  return display.show(testPattern(display.panel));
}
