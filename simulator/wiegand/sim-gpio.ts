/**
 * Two simulated GPIO lines carrying a Wiegand reader's output: `play()`
 * delivers a pulse train's edges, in time order, to whoever watches them,
 * with the pulses' own timestamps (the simulator owns time).
 */
import type { Edge, GpioInput } from '../../drivers/gpio/index.ts';
import type { WiegandLines } from '../../drivers/card/wiegand/reader.ts';
import type { Pulse } from './transmitter.ts';

interface Watcher {
  line: number;
  edge: Edge;
  onEdge: (timestampUs: number, level: 0 | 1) => void;
}

export class SimWiegandGpio implements GpioInput {
  private watchers: Watcher[] = [];
  private closed = false;

  constructor(readonly lines: WiegandLines = { d0: 17, d1: 27 }) {}

  watch(line: number, edge: Edge, onEdge: (timestampUs: number, level: 0 | 1) => void): () => void {
    if (this.closed) throw new Error('GPIO is closed');
    const w: Watcher = { line, edge, onEdge };
    this.watchers.push(w);
    return () => {
      this.watchers = this.watchers.filter((x) => x !== w);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchers = [];
  }

  /** Sends every edge of `pulses` in timestamp order. */
  play(pulses: readonly Pulse[]): void {
    const edges = pulses.flatMap((p) => {
      const line = p.line === 'd0' ? this.lines.d0 : this.lines.d1;
      return [
        { line, tUs: p.fallingUs, level: 0 as const },
        { line, tUs: p.risingUs, level: 1 as const },
      ];
    });
    edges.sort((a, b) => a.tUs - b.tUs);
    for (const e of edges) {
      for (const w of this.watchers) {
        if (w.line !== e.line) continue;
        const wanted = w.edge === 'both' || (w.edge === 'falling') === (e.level === 0);
        if (wanted) w.onEdge(e.tUs, e.level);
      }
    }
  }
}
