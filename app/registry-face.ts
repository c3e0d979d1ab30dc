/**
 * The face's kinds (display, customer display, keypad, voice) mapped to
 * their drivers or their simulator twins; app/registry.ts opens them with
 * the rest of `peripherals`. The twins sit where the hardware would (on the
 * SPI/I2C bus, the mock serial port, the input-event stream), so the driver
 * code that runs here is the code a terminal runs. Failures name the field.
 */
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CustomerDisplay } from '../drivers/customer-display/index.ts';
import { POLE_BAUD_DEFAULT, PoleDisplay } from '../drivers/customer-display/pole.ts';
import { openSerialPort, SerialLink } from '../drivers/customer-display/serial.ts';
import { VFD_BAUD_DEFAULT, VfdDisplay } from '../drivers/customer-display/vfd.ts';
import { ConsoleDisplay } from '../drivers/display/console.ts';
import { Hd44780Display } from '../drivers/display/hd44780.ts';
import { openI2cBus } from '../drivers/display/i2c.ts';
import { type Display, PANELS } from '../drivers/display/index.ts';
import { St7920Display } from '../drivers/display/st7920.ts';
import type { GpioPort } from '../drivers/gpio/index.ts';
import { DEFAULT_USB_MAP, type PosKey, type UsbKeypadConfig } from '../drivers/keypad/keymap.ts';
import { matrixStart, scanOnce } from '../drivers/keypad/matrix.ts';
import { gpioMatrixPort } from '../drivers/keypad/matrix-gpio.ts';
import { UsbKeypad } from '../drivers/keypad/usb.ts';
import { AplayPlayer } from '../drivers/voice/player.ts';
import { SpidevBus } from '../drivers/spi/spidev.ts';
import type {
  CustomerDisplayConfig,
  DisplayConfig,
  KeypadConfig,
  VoiceConfig,
} from '../firmware/config/face-schema.ts';
// The twins are loaded only when a config names them: a device's run never loads simulator code.
import type { CustomerDisplayTwin } from '../simulator/customer-display/twin.ts';
import type { Hd44780Twin } from '../simulator/display/hd44780-twin.ts';
import type { St7920Twin } from '../simulator/display/st7920-twin.ts';
import type { ScriptedPress } from '../simulator/keypad/twin.ts';
import type { VoiceTwin } from '../simulator/voice/twin.ts';
import type { FaceDevices, FacePart } from './face.ts';
import type { PeripheralHealth } from '../protocol/index.ts';
import type { Opened, RegistryDeps } from './registry.ts';

/** The panel twins decode the bus bytes back to the text on the glass. */
export type DisplayTwin = St7920Twin | Hd44780Twin;
export interface FaceTwins {
  display?: DisplayTwin;
  customerDisplay?: CustomerDisplayTwin;
  voice?: VoiceTwin;
  keypad?: { press(presses: readonly ScriptedPress[]): void };
}
export interface OpenedFace {
  devices: FaceDevices;
  twins: FaceTwins;
  /** The parts failing now; the Face built on these devices keeps it (pass it to its constructor). */
  failing: Set<FacePart>;
  /** The panel and the keypad as STATUS reports them (the protocol has no kind for a pole display or voice). */
  health(): PeripheralHealth[];
  close(): Promise<void>;
}
export interface FaceConfig {
  display?: DisplayConfig | undefined;
  customerDisplay?: CustomerDisplayConfig | undefined;
  keypad?: KeypadConfig | undefined;
  voice?: VoiceConfig | undefined;
}

/**
 * A device's settle time (the LCD's 1.6 ms clear, a matrix row's 5 ms) on a
 * real timer that holds the process open: the service's scheduler unrefs its
 * timers, and a start-up waiting on one alone would end the process. A twin
 * has nothing to settle and waits for nothing, so the simulator stays
 * deterministic.
 */
const settle = (ms: number): Promise<void> => sleep(ms);
const noSettle = async (): Promise<void> => {};
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function openDisplay(c: DisplayConfig): Promise<Opened<{ display: Display; twin?: DisplayTwin }>> {
  const wait = c.kind === 'twin' ? noSettle : settle;
  try {
    switch (c.kind) {
      case 'st7920':
        return { ok: true, value: { display: await St7920Display.open(await SpidevBus.open(c), wait) } };
      case 'hd44780': {
        const panel = c.size === '16x2' ? PANELS.hd44780_16x2 : PANELS.hd44780_20x4;
        const bus = await openI2cBus(c.device);
        return { ok: true, value: { display: await Hd44780Display.open(panel, bus, wait, c.address) } };
      }
      case 'console':
        return { ok: true, value: { display: new ConsoleDisplay(process.stdout) } };
      case 'twin': {
        if (c.panel === 'st7920-128x64') {
          const { St7920Twin } = await import('../simulator/display/st7920-twin.ts');
          const twin = new St7920Twin();
          return { ok: true, value: { display: await St7920Display.open(twin, wait), twin } };
        }
        const panel = c.panel === 'hd44780-16x2' ? PANELS.hd44780_16x2 : PANELS.hd44780_20x4;
        const { Hd44780Twin } = await import('../simulator/display/hd44780-twin.ts');
        const twin = new Hd44780Twin(panel.columns, panel.rows);
        return { ok: true, value: { display: await Hd44780Display.open(panel, twin, wait), twin } };
      }
    }
  } catch (e) {
    return { ok: false, message: `peripherals.display: ${c.kind}: ${message(e)}` };
  }
}

export async function openCustomerDisplay(
  c: CustomerDisplayConfig,
): Promise<Opened<{ display: CustomerDisplay; twin?: CustomerDisplayTwin }>> {
  const baud = c.baud ?? (c.kind === 'pole' ? POLE_BAUD_DEFAULT : VFD_BAUD_DEFAULT);
  let link: SerialLink;
  let twin: CustomerDisplayTwin | undefined;
  try {
    if (c.device === 'twin') {
      const { CustomerDisplayTwin } = await import('../simulator/customer-display/twin.ts');
      twin = await CustomerDisplayTwin.open(c.kind, baud);
      link = twin.link;
    } else {
      const opened = await openSerialPort(c.device, baud);
      if (!opened.ok) return { ok: false, message: opened.error };
      link = new SerialLink(opened.port, c.kind);
    }
  } catch (e) {
    return { ok: false, message: `peripherals.customerDisplay: cannot open ${c.device}: ${message(e)}` };
  }
  const opened = c.kind === 'pole' ? await PoleDisplay.open(link) : await VfdDisplay.open(link);
  if (!opened.ok) {
    await link.close();
    return { ok: false, message: `peripherals.customerDisplay: ${opened.error}` };
  }
  return { ok: true, value: { display: opened.display, ...(twin ? { twin } : {}) } };
}

/** A matrix is scanned a row every 5 ms (past the gpiod edge latency); a pass of four rows is 20 ms. */
const MATRIX_ROW_SETTLE_MS = 5;

export async function openKeypad(
  c: KeypadConfig,
  onKey: (key: PosKey) => void,
  d: RegistryDeps,
  gpio: GpioPort | undefined,
  failing?: Set<FacePart>,
): Promise<Opened<{ close(): void; twin?: FaceTwins['keypad'] }>> {
  const on = {
    onKey,
    onNote: (note: string) => d.log.info('keypad.note', { note }),
    onError: (error: string) => {
      failing?.add('keypad');
      d.log.warn('keypad.failed', { error });
    },
  };
  switch (c.kind) {
    case 'usb': {
      const { kind: _kind, ...usb } = c;
      return { ok: true, value: UsbKeypad.open(usb, on) };
    }
    case 'scripted': {
      // The real decoder and key map on the kernel's 64-bit event bytes.
      const { scriptBytes } = await import('../simulator/keypad/twin.ts');
      const source = new PassThrough();
      const config: UsbKeypadConfig = {
        device: '/dev/input/twin',
        map: DEFAULT_USB_MAP,
        repeatKeys: ['back'],
        numLock: 'ignore',
        layout: '64',
      };
      const keypad = new UsbKeypad(source, config, on);
      const twin = { press: (presses: readonly ScriptedPress[]) => source.write(scriptBytes(presses, 64)) };
      return { ok: true, value: { close: () => keypad.close(), twin } };
    }
    case 'matrix':
      return gpio ? openMatrix(c, gpio, onKey, d) : { ok: false, message: 'peripherals.keypad: no gpio' };
  }
}

function openMatrix(
  { rows, columns, map }: Extract<KeypadConfig, { kind: 'matrix' }>,
  gpio: GpioPort,
  onKey: (key: PosKey) => void,
  d: RegistryDeps,
): Opened<{ close(): void }> {
  const port = gpioMatrixPort(gpio, rows, columns);
  const paced = {
    selectRow: async (row: number) => {
      await port.selectRow(row);
      await settle(MATRIX_ROW_SETTLE_MS);
    },
    readColumns: () => port.readColumns(),
  };
  let state = matrixStart();
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const pass = await scanOnce(paced, state, map);
      state = pass.state;
      for (const k of pass.keys) onKey(k);
    }
  };
  void loop().catch((e: unknown) => d.log.warn('keypad.failed', { error: `matrix scan: ${message(e)}` }));
  return {
    ok: true,
    value: {
      close: () => {
        stopped = true;
        port.close();
      },
    },
  };
}

export async function openVoice(
  c: VoiceConfig,
): Promise<{ devices: NonNullable<FaceDevices['voice']>; twin?: VoiceTwin }> {
  if (c.kind === 'aplay') return { devices: { player: AplayPlayer.open(c.clipDir), lang: c.lang } };
  const { VoiceTwin } = await import('../simulator/voice/twin.ts');
  const twin = new VoiceTwin();
  return { devices: { player: twin, lang: c.lang }, twin };
}

/** Opens the face the config names; the first failure closes what was opened. */
export async function openFace(
  c: FaceConfig,
  onKey: (key: PosKey) => void,
  d: RegistryDeps,
  gpio?: GpioPort,
): Promise<Opened<OpenedFace>> {
  const devices: FaceDevices = {};
  const twins: FaceTwins = {};
  const failing = new Set<FacePart>();
  let keypadClose = (): void => {};
  const close = async (): Promise<void> => {
    keypadClose();
    devices.voice?.player.stop();
    await devices.display?.close();
    await devices.customerDisplay?.close();
  };
  const fail = async (message: string): Promise<Opened<OpenedFace>> => {
    await close();
    return { ok: false, message };
  };
  if (c.display) {
    const r = await openDisplay(c.display);
    if (!r.ok) return fail(r.message);
    devices.display = r.value.display;
    if (r.value.twin) twins.display = r.value.twin;
  }
  if (c.customerDisplay) {
    const r = await openCustomerDisplay(c.customerDisplay);
    if (!r.ok) return fail(r.message);
    devices.customerDisplay = r.value.display;
    if (r.value.twin) twins.customerDisplay = r.value.twin;
  }
  if (c.voice) {
    const v = await openVoice(c.voice);
    devices.voice = v.devices;
    if (v.twin) twins.voice = v.twin;
  }
  if (c.keypad) {
    const k = await openKeypad(c.keypad, onKey, d, gpio, failing);
    if (!k.ok) return fail(k.message);
    keypadClose = k.value.close;
    if (k.value.twin) twins.keypad = k.value.twin;
  }
  const health = (): PeripheralHealth[] => [
    ...(c.display ? [{ kind: 'display' as const, health: failing.has('display') ? 'failed' : 'ok' } as const] : []),
    ...(c.keypad ? [{ kind: 'keypad' as const, health: failing.has('keypad') ? 'failed' : 'ok' } as const] : []),
  ];
  return { ok: true, value: { devices, twins, failing, health, close } };
}
