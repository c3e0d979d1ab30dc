import type { GpioPort, Level } from '../gpio/index.ts';
import { MATRIX_SIZE, type MatrixPort } from './matrix.ts';

/**
 * The 4×4 matrix on drivers/gpio's GpioPort: rows are outputs idling high,
 * the row being read is driven low; columns are inputs with pull-ups, so a
 * pressed key pulls its column low while its row is selected. Column levels
 * are followed from their edges (the port reports edges, not reads).
 *
 * Latency: an edge reaches us some time after the row changes (gpiomon's
 * pipe on the gpiod backend). The caller must let a row settle before
 * `readColumns` (it paces the scan; 5 ms a row is ample) or a key is
 * counted on the next row; the two-scan debounce does not cure that.
 */
export function gpioMatrixPort(
  gpio: GpioPort,
  rowLines: readonly number[],
  columnLines: readonly number[],
): MatrixPort & { close(): void } {
  if (rowLines.length !== MATRIX_SIZE || columnLines.length !== MATRIX_SIZE)
    throw new Error(`a matrix keypad needs ${MATRIX_SIZE} row and ${MATRIX_SIZE} column lines`);
  for (const line of rowLines) gpio.output(line, 1);
  const levels: Level[] = columnLines.map(() => 1);
  const unwatch = columnLines.map((line, c) =>
    gpio.watch(line, 'both', (_us, level) => {
      levels[c] = level;
    }),
  );
  return {
    async selectRow(row) {
      rowLines.forEach((line, r) => gpio.write(line, r === row ? 0 : 1));
    },
    async readColumns() {
      return levels.reduce<number>((bits, level, c) => (level === 0 ? bits | (1 << c) : bits), 0);
    },
    close() {
      for (const u of unwatch) u();
      for (const line of rowLines) gpio.write(line, 1);
    },
  };
}
