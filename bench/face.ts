import { spawn } from 'node:child_process';
import { Hd44780Display } from '../drivers/display/hd44780.ts';
import { PANELS } from '../drivers/display/index.ts';
import { layout } from '../drivers/display/layout.ts';
import { St7920Display, ST7920_SPI_SPEED_HZ } from '../drivers/display/st7920.ts';
import { amountZh } from '../drivers/voice/amount-zh.ts';
import { say } from '../drivers/voice/sentences.ts';
import { screens } from '../firmware/pos/screen.ts';
import { Hd44780Twin } from '../simulator/display/hd44780-twin.ts';
import { St7920Twin } from '../simulator/display/st7920-twin.ts';

/**
 * The terminal's face after a decision: how long until the display's bytes
 * are on the bus, and until the voice's player process runs. Host time is
 * measured (layout, encoding, the driver's writes into a twin); the wire time
 * is computed from the bus clock. The first audio sample also needs aplay to
 * open the ALSA device, which only a terminal can measure; here `true`
 * stands in for aplay to time the spawn.
 */
const I2C_HZ = 100_000;
const I2C_BITS_PER_BYTE = 9; // 8 data bits + ACK
const ST7920_BITS_PER_BYTE = 8;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

export async function benchFace(rounds = 2000) {
  const noWait = async () => {};
  const st = new St7920Twin();
  const st7920 = await St7920Display.open(st, noWait);
  const hd = new Hd44780Twin(20, 4);
  const lcd = await Hd44780Display.open(PANELS.hd44780_20x4, hd, noWait);
  const status = { time: '12:34', online: true };
  const st7920Ms: number[] = [];
  const hdMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const screen = screens.paid(1250 + i, 8700 + i, 'cents');
    let t = performance.now();
    await st7920.show(layout(screen, status, st7920.panel));
    st7920Ms.push(performance.now() - t);
    t = performance.now();
    await lcd.show(layout(screen, status, lcd.panel));
    hdMs.push(performance.now() - t);
  }
  const stBytes = st.sent.length;
  const hdBytes = hd.sent.length;
  const before = st.sent.length;
  await st7920.show(layout(screens.paid(1250, 8700, 'cents'), status, st7920.panel));
  const stScreenBytes = st.sent.length - before;
  const hdBefore = hd.sent.length;
  await lcd.show(layout(screens.paid(1250, 8700, 'cents'), status, lcd.panel));
  const hdScreenBytes = hd.sent.length - hdBefore;

  const sentenceUs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    say.paid('zh', 1250 + i, 8700 + i);
    amountZh(i * 137);
    sentenceUs.push((performance.now() - t) * 1000);
  }
  const spawnMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    spawnMs.push(performance.now() - t);
  }
  return {
    st7920HostP50Ms: pct(st7920Ms, 0.5),
    st7920HostP99Ms: pct(st7920Ms, 0.99),
    st7920WireMs: (stScreenBytes * ST7920_BITS_PER_BYTE * 1000) / ST7920_SPI_SPEED_HZ,
    hdHostP50Ms: pct(hdMs, 0.5),
    hdHostP99Ms: pct(hdMs, 0.99),
    hdWireMs: (hdScreenBytes * I2C_BITS_PER_BYTE * 1000) / I2C_HZ,
    stScreenBytes,
    hdScreenBytes,
    sentenceP50Us: pct(sentenceUs, 0.5),
    spawnP50Ms: pct(spawnMs, 0.5),
    totalBytes: stBytes + hdBytes,
  };
}
