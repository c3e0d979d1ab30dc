import { EscPosParser, type PrinterEvent } from './parser.ts';
import { render } from './render.ts';

/**
 * The receipt printer's twin: takes the bytes a driver sends, keeps what
 * would be on paper, answers DLE EOT like a real printer, and runs out of
 * paper or has its cover opened when a test says so. Bytes sent while it
 * cannot print are captured but not "printed" — as a real printer drops them.
 */
export interface SimPrinterFaults {
  /** Lines of paper left; printing past it sets paper-out (mid-receipt). Unlimited when undefined. */
  paperLinesLeft?: number;
  nearEnd?: boolean;
}

export class SimPrinter {
  readonly captured: number[] = [];
  readonly printed: PrinterEvent[] = [];
  readonly unknown: PrinterEvent[] = [];
  private readonly parser = new EscPosParser();
  private paperOut = false;
  private coverOpen = false;
  private cutterJammed = false;
  private paperLinesLeft: number | undefined;
  private nearEnd: boolean;

  constructor(faults: SimPrinterFaults = {}) {
    this.paperLinesLeft = faults.paperLinesLeft;
    this.nearEnd = faults.nearEnd ?? false;
  }

  /** Bytes from the driver; returns the bytes the printer answers (status replies), in order. */
  receive(chunk: Uint8Array): Uint8Array {
    for (const b of chunk) this.captured.push(b);
    const replies: number[] = [];
    for (const e of this.parser.feed(chunk)) {
      if (e.kind === 'unknown') this.unknown.push(e);
      else if (e.kind === 'command' && e.bytes[0] === 0x10) replies.push(this.statusByte(e.bytes[2]!));
      else this.print(e);
    }
    return new Uint8Array(replies);
  }

  runOutOfPaper(): void {
    this.paperOut = true;
  }
  loadPaper(lines?: number): void {
    this.paperOut = false;
    this.paperLinesLeft = lines;
  }
  /** The cutter blade stuck: an error (DLE EOT 2 bit 6) of the autocutter kind (DLE EOT 3 bit 3). */
  jamCutter(): void {
    this.cutterJammed = true;
  }
  openCover(): void {
    this.coverOpen = true;
  }
  closeCover(): void {
    this.coverOpen = false;
  }

  /** What is on paper, as a transcript (see render.ts). */
  transcript(): string {
    return render(this.printed);
  }

  private print(e: PrinterEvent): void {
    if (this.paperOut || this.coverOpen || this.cutterJammed) return;
    if (e.kind === 'line' && this.paperLinesLeft !== undefined) {
      if (this.paperLinesLeft === 0) {
        this.paperOut = true;
        return;
      }
      this.paperLinesLeft -= 1;
    }
    this.printed.push(e);
  }

  /** DLE EOT n replies: fixed bits 0x12, plus the bits of our faults (docs/hardware.md). */
  statusByte(n: number): number {
    const stopped = this.paperOut || this.coverOpen || this.cutterJammed;
    if (n === 1) return 0x12 | (stopped ? 0x08 : 0);
    if (n === 2)
      return 0x12 | (this.coverOpen ? 0x04 : 0) | (this.paperOut ? 0x20 : 0) | (this.cutterJammed ? 0x40 : 0);
    if (n === 3) return 0x12 | (this.cutterJammed ? 0x08 : 0);
    return 0x12 | (this.paperOut ? 0x60 : 0) | (this.nearEnd ? 0x0c : 0);
  }
}
