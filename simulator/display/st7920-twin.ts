import iconv from 'iconv-lite';
import type { SpiBus } from '../../drivers/spi/index.ts';

/**
 * The ST7920's twin on the SPI bus: it decodes the serial frames (sync byte,
 * high nibble, low nibble) back into instructions, keeps the text DDRAM the
 * way the chip does (16-bit words, address counter in words), and renders
 * the four rows as text. Every byte sent is kept. A GB2312 character that
 * starts on the odd byte of a word renders as '▒', as garbage does on glass.
 */
const ROW_WORD_BASE = [0x00, 0x10, 0x08, 0x18];
const DDRAM_WORDS = 0x20;

export class St7920Twin implements SpiBus {
  readonly sent: number[] = [];
  readonly errors: string[] = [];
  private readonly ddram = new Uint8Array(DDRAM_WORDS * 2).fill(0x20);
  private byteAddress = 0;
  private frameBytes: number[] = [];
  private closed = false;
  displayOn = false;

  async transfer(tx: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new Error('SPI bus is closed');
    for (const b of tx) this.clock(b);
    return new Uint8Array(tx.length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private clock(b: number): void {
    this.sent.push(b);
    if (this.frameBytes.length === 0 && (b & 0xf9) !== 0xf8) {
      this.errors.push(`byte ${this.sent.length - 1}: 0x${b.toString(16)} is no sync byte`);
      return;
    }
    this.frameBytes.push(b);
    if (this.frameBytes.length < 3) return;
    const [sync, high, low] = this.frameBytes as [number, number, number];
    this.frameBytes = [];
    if ((high & 0x0f) !== 0 || (low & 0x0f) !== 0) this.errors.push('nibble byte with low bits set');
    const value = (high & 0xf0) | (low >> 4);
    if (sync & 0x04) this.errors.push('read frame: the driver never reads');
    else if (sync & 0x02) this.data(value);
    else this.instruction(value);
  }

  private data(byte: number): void {
    this.ddram[this.byteAddress % this.ddram.length] = byte;
    this.byteAddress = (this.byteAddress + 1) % this.ddram.length;
  }

  private instruction(byte: number): void {
    if (byte === 0x01) {
      this.ddram.fill(0x20);
      this.byteAddress = 0;
    } else if (byte & 0x80) this.byteAddress = (byte & 0x1f) * 2;
    else if ((byte & 0xf8) === 0x08) this.displayOn = (byte & 0x04) !== 0;
    else if (byte !== 0x30 && byte !== 0x06 && byte !== 0x02)
      this.errors.push(`unexpected instruction 0x${byte.toString(16)}`);
  }

  /** The four text rows as a person reads them off the panel. */
  rows(): string[] {
    return ROW_WORD_BASE.map((word) => this.decodeRow(this.ddram.subarray(word * 2, word * 2 + 16)));
  }

  private decodeRow(bytes: Uint8Array): string {
    let text = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b < 0x80) text += String.fromCharCode(b);
      else if (i % 2 === 1 || i + 1 >= bytes.length) text += '▒';
      else {
        text += iconv.decode(Buffer.from([b, bytes[i + 1]!]), 'gb2312');
        i++;
      }
    }
    return text;
  }
}
