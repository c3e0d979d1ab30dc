import type { Interface } from 'node:readline';

/**
 * The lines of a readline interface, taken one at a time while the previous
 * one is still being worked on (a card operation waits seconds): every line is
 * kept from the moment it arrives, and the end of input is seen after the last.
 */
export class LineQueue {
  private readonly lines: string[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(rl: Interface) {
    rl.on('line', (line) => this.push(line));
    rl.on('close', () => {
      this.ended = true;
      this.poke();
    });
  }

  /** The next line, or null at the end of input. */
  async next(): Promise<string | null> {
    while (this.lines.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.lines.shift() ?? null;
  }

  private push(line: string): void {
    this.lines.push(line);
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
