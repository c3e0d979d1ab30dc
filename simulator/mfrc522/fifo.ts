/**
 * The MFRC522's 64-byte FIFO (datasheet §8.3): bytes in and out through
 * FIFODataReg, level in FIFOLevelReg, flush with FlushBuffer. A write to a full
 * FIFO is lost and reported (BufferOvfl); a read from an empty one yields 0.
 */
import { FIFO_BYTES } from '../../drivers/card/mfrc522/registers.ts';

export class Fifo {
  private bytes: number[] = [];

  get level(): number {
    return this.bytes.length;
  }

  /** False when the FIFO was full and the byte was dropped. */
  push(byte: number): boolean {
    if (this.bytes.length >= FIFO_BYTES) return false;
    this.bytes.push(byte & 0xff);
    return true;
  }

  pop(): number {
    return this.bytes.shift() ?? 0x00;
  }

  /** Everything in the FIFO, which is left empty (what a command consumes). */
  takeAll(): Uint8Array {
    const out = Uint8Array.from(this.bytes);
    this.bytes = [];
    return out;
  }

  flush(): void {
    this.bytes = [];
  }
}
