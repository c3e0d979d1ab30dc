import { Hd44780Display } from '../../../drivers/display/hd44780.ts';
import { type Display, PANELS, type PanelSize } from '../../../drivers/display/index.ts';
import { layout } from '../../../drivers/display/layout.ts';
import { St7920Display } from '../../../drivers/display/st7920.ts';
import { screens } from '../../../firmware/pos/screen.ts';
import { Hd44780Twin } from '../../../simulator/display/hd44780-twin.ts';
import { St7920Twin } from '../../../simulator/display/st7920-twin.ts';

/** The golden sale screen: 12.50 due, waiting for the card, at 12:34 with the backend reachable. */
export const SALE_SCREEN = screens.awaitCard(1250, false);
export const SALE_STATUS = { time: '12:34', online: true };
export const noWait = async (): Promise<void> => {};

export interface PanelRun {
  display: Display;
  twin: { sent: number[]; errors: string[]; rows(): string[] };
}

export async function openOnTwin(panel: PanelSize): Promise<PanelRun> {
  if (panel.name === 'st7920-128x64') {
    const twin = new St7920Twin();
    return { display: await St7920Display.open(twin, noWait), twin };
  }
  const twin = new Hd44780Twin(panel.columns, panel.rows);
  return { display: await Hd44780Display.open(panel, twin, noWait), twin };
}

const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

/** Each panel's bytes for the sale screen: what opening sends, then what showing the screen sends. */
export async function saleVectors(): Promise<{ file: string; json: Record<string, unknown> }[]> {
  const panels = [
    { file: 'st7920-sale.json', panel: PANELS.st7920_128x64, bus: 'SPI, sync byte + two nibble bytes per instruction' },
    { file: 'hd44780-20x4-sale.json', panel: PANELS.hd44780_20x4, bus: 'I2C to PCF8574 at 0x27, E strobed per nibble' },
    { file: 'hd44780-16x2-sale.json', panel: PANELS.hd44780_16x2, bus: 'I2C to PCF8574 at 0x27, E strobed per nibble' },
  ];
  const out = [];
  for (const { file, panel, bus } of panels) {
    const run = await openOnTwin(panel);
    const initBytes = run.twin.sent.length;
    const lines = layout(SALE_SCREEN, SALE_STATUS, panel);
    await run.display.show(lines);
    const json = {
      panel: panel.name,
      bus,
      // The text the layout reads (the screen's figure is the pole display's and the voice's, not the panel's).
      screen: { cashier: SALE_SCREEN.cashier, customer: SALE_SCREEN.customer },
      status: SALE_STATUS,
      lines,
      initHex: hex(run.twin.sent.slice(0, initBytes)),
      showHex: hex(run.twin.sent.slice(initBytes)),
    };
    out.push({ file, json });
  }
  return out;
}
