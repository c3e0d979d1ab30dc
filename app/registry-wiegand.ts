/**
 * A Wiegand reader in a reader slot (peripherals.reader or .reader2): the
 * driver on the terminal's GPIO port, on the lines gpio.wiegand / .wiegand2
 * name. It yields card numbers, never a session: its `detect()` finds no card,
 * and the run loop takes the numbers decoded since its last poll (`numbers`).
 * On the GPIO twin it comes with the Wiegand twin that presents cards.
 */
import type { CardReader, UidRead } from '../drivers/card/index.ts';
import { WiegandReader, type WiegandLines } from '../drivers/card/wiegand/reader.ts';
import type { GpioPort } from '../drivers/gpio/index.ts';
import type { ReaderSlot } from '../firmware/config/reader-slots.ts';
import type { PeripheralHealth } from '../protocol/index.ts';
import type { SimGpioLines } from '../simulator/gpio/sim-lines.ts';
import type { Opened, OpenedReader, RegistryDeps } from './registry.ts';

export async function openWiegandReader(
  slot: ReaderSlot,
  lines: WiegandLines | undefined,
  gpio: { port: GpioPort; twin?: SimGpioLines } | undefined,
  d: RegistryDeps,
): Promise<Opened<OpenedReader>> {
  // The config check says this first; a config built in code may still lack them.
  if (!gpio || !lines)
    return { ok: false, message: `peripherals.${slot}: a wiegand reader needs peripherals.gpio lines` };
  const wiegand = new WiegandReader(gpio.port, lines, { log: d.log.child({ reader: slot }) });
  const decoded: UidRead[] = [];
  wiegand.onCard((read) => decoded.push(read));
  const reader: CardReader = { detect: async () => null, close: () => wiegand.close() };
  const numbers = {
    /** Ends a frame gone silent by `nowUs`, then hands over every number decoded since the last call. */
    take(nowUs: number): UidRead[] {
      wiegand.flush(nowUs);
      return decoded.splice(0);
    },
  };
  // Frames that fail parity or length are the line's trouble, said as the reader's health.
  const health = (): PeripheralHealth['health'] =>
    Object.values(wiegand.counters.rejected).some((n) => n > 0) ? 'degraded' : 'ok';
  if (!gpio.twin) return { ok: true, value: { reader, numbers, health } };
  const { WiegandTwin } = await import('../simulator/wiegand/twin.ts');
  return { ok: true, value: { reader, numbers, health, wiegand: new WiegandTwin(gpio.twin, lines, d.nowUs) } };
}
