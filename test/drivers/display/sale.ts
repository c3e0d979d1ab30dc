import { Hd44780Display } from '../../../drivers/display/hd44780.ts';
import { type Display, PANELS, type PanelSize } from '../../../drivers/display/index.ts';
import { layout } from '../../../drivers/display/layout.ts';
import { St7920Display } from '../../../drivers/display/st7920.ts';
import { parseConfig } from '../../../firmware/config/schema.ts';
import { rulesFor } from '../../../firmware/pos/config-swap.ts';
import { next, type PosFacts } from '../../../firmware/pos/machine.ts';
import { type Screen, screens } from '../../../firmware/pos/screen.ts';
import type { PosMemory } from '../../../firmware/pos/state.ts';
import { Hd44780Twin } from '../../../simulator/display/hd44780-twin.ts';
import { St7920Twin } from '../../../simulator/display/st7920-twin.ts';

/** The golden sale screen: 12.50 due, waiting for the card, at 12:34 with the backend reachable. */
export const SALE_SCREEN = screens.awaitCard(1250, false);
export const SALE_STATUS = { time: '12:34', online: true };
/**
 * The golden item-entry screen: in item mode the cashier has keyed "12*2+7" (two portions of item 12, then
 * item 7); the panel shows the codes and item 7's name and price. Taken from the POS machine's own answer.
 */
export const ITEM_KEYS = ['1', '2', '*', '2', '+', '7'];
export const MENU = [
  { code: 7, name: { zh: '红烧肉', en: 'Braised pork' }, priceCents: 1250 },
  { code: 12, name: { zh: '米饭', en: 'Rice' }, priceCents: 150 },
];
export function itemEntryScreen(keys: readonly string[] = ITEM_KEYS): Screen {
  const config = parseConfig({
    terminal: { id: 101, name: 'Canteen 1', tenantId: 1 },
    storage: { dataDir: '/var/lib/onecard', keyFile: '/etc/onecard/keys.json' },
    cardClasses: [{ id: 1, name: { zh: '员工', en: 'Staff' } }],
    pos: { entryMode: 'item', menu: MENU },
  });
  const noCard = (): never => {
    throw new Error('no card is looked up for a key');
  };
  const facts: PosFacts = { config, rules: rulesFor(config), operator: null, nowMs: 0, context: noCard };
  let memory: PosMemory = { state: { mode: 'idle' }, lastSale: null, unsettled: [] };
  let shown: Screen | null = null;
  for (const key of keys) {
    const step = next(memory, { kind: 'key', key }, facts);
    memory = step.memory;
    for (const e of step.effects) if (e.kind === 'show') shown = e.screen;
  }
  if (shown === null) throw new Error(`keys ${keys.join(' ')} showed nothing`);
  return shown;
}

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

/** Each panel's bytes for a screen: what opening sends, then what showing the screen sends. */
async function screenVectors(
  name: string,
  screen: Screen,
  status: { time: string; online: boolean },
): Promise<{ file: string; json: Record<string, unknown> }[]> {
  const spi = 'SPI, sync byte + two nibble bytes per instruction';
  const i2c = 'I2C to PCF8574 at 0x27, E strobed per nibble';
  const panels = [
    { file: `st7920-${name}.json`, panel: PANELS.st7920_128x64, bus: spi },
    { file: `hd44780-20x4-${name}.json`, panel: PANELS.hd44780_20x4, bus: i2c },
    { file: `hd44780-16x2-${name}.json`, panel: PANELS.hd44780_16x2, bus: i2c },
  ];
  const out = [];
  for (const { file, panel, bus } of panels) {
    const run = await openOnTwin(panel);
    const initBytes = run.twin.sent.length;
    const lines = layout(screen, status, panel);
    await run.display.show(lines);
    const json = {
      panel: panel.name,
      bus,
      // The text the layout reads (the screen's figure is the pole display's and the voice's, not the panel's).
      screen: { cashier: screen.cashier, customer: screen.customer },
      status,
      lines,
      initHex: hex(run.twin.sent.slice(0, initBytes)),
      showHex: hex(run.twin.sent.slice(initBytes)),
    };
    out.push({ file, json });
  }
  return out;
}

/** Each panel's bytes for the sale screen. */
export const saleVectors = () => screenVectors('sale', SALE_SCREEN, SALE_STATUS);

/** Each panel's bytes for the item-entry screen. */
export const itemEntryVectors = () => screenVectors('item-entry', itemEntryScreen(), SALE_STATUS);
