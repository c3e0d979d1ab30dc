import type { I2cBus } from '../../drivers/display/i2c.ts';

/**
 * An HD44780 behind a PCF8574, as seen from the I2C bus. It follows the
 * expander's pins (P0 RS, P1 RW, P2 E, P3 backlight, P4–P7 D4–D7), latches
 * on E's falling edge the way the LCD does, starts in 8-bit mode and enters
 * 4-bit mode on the `2` nibble, and keeps DDRAM so `rows()` reads back what
 * the glass shows. Every byte written is kept.
 */
const ROW_ADDRESS = [0x00, 0x40, 0x14, 0x54];
const DDRAM_BYTES = 0x68;

export class Hd44780Twin implements I2cBus {
  readonly sent: number[] = [];
  readonly errors: string[] = [];
  private readonly ddram = new Uint8Array(DDRAM_BYTES).fill(0x20);
  private address = 0;
  private pins = 0;
  private fourBit = false;
  private pendingHigh: number | null = null;
  private closed = false;
  backlight = false;
  displayOn = false;

  constructor(
    readonly columns: number,
    readonly rowCount: number,
    readonly i2cAddress = 0x27,
  ) {}

  async write(address: number, bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('i2c bus is closed');
    if (address !== this.i2cAddress) throw new Error(`i2c: no ACK from 0x${address.toString(16)}`);
    for (const b of bytes) this.pinsTo(b);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private pinsTo(b: number): void {
    this.sent.push(b);
    const fallingE = (this.pins & 0x04) !== 0 && (b & 0x04) === 0;
    this.pins = b;
    this.backlight = (b & 0x08) !== 0;
    if (!fallingE) return;
    if (b & 0x02) return this.errors.push('read strobe: the driver never reads') as never;
    const nibble = b >> 4;
    const rs = (b & 0x01) !== 0;
    if (!this.fourBit) {
      // 8-bit mode: D0–D3 are not wired, so each strobe is a whole instruction with a zero low nibble.
      if (rs) this.errors.push('data in 8-bit mode');
      else this.instruction(nibble << 4);
      return;
    }
    if (this.pendingHigh === null) {
      this.pendingHigh = nibble;
      return;
    }
    const value = (this.pendingHigh << 4) | nibble;
    this.pendingHigh = null;
    if (rs) this.data(value);
    else this.instruction(value);
  }

  private data(byte: number): void {
    this.ddram[this.address % DDRAM_BYTES] = byte;
    this.address = (this.address + 1) % DDRAM_BYTES;
  }

  private instruction(byte: number): void {
    if (byte & 0x80) this.address = byte & 0x7f;
    else if (byte & 0x20) this.fourBit = (byte & 0x10) === 0;
    else if (byte & 0x08) this.displayOn = (byte & 0x04) !== 0;
    else if (byte === 0x01) {
      this.ddram.fill(0x20);
      this.address = 0;
    } else if (byte !== 0x06) this.errors.push(`unexpected instruction 0x${byte.toString(16)}`);
  }

  /** The rows as a person reads them off the glass. */
  rows(): string[] {
    return ROW_ADDRESS.slice(0, this.rowCount).map((start) =>
      String.fromCharCode(...this.ddram.subarray(start, start + this.columns)),
    );
  }
}
