/**
 * `onecard selftest display|keypad|voice|customer-display`: the face's
 * selftest functions on the device the options name, or with `--emulator`
 * on its simulator twin (the real driver code either way). Each opens
 * through app/registry-face.ts, so a broken device path is refused the way
 * a broken config is. Exit codes: 0 passed, 1 the device failed, 2 usage.
 */
import { customerDisplaySelftest } from '../drivers/customer-display/selftest.ts';
import { displaySelftest } from '../drivers/display/selftest.ts';
import { keyEcho } from '../drivers/keypad/selftest.ts';
import { voiceSelftest } from '../drivers/voice/selftest.ts';
import { EXIT_OK, type CliIo, type CommandSpec, oneOf, refuse } from '../base/cli-args.ts';
import { silentLogger } from '../base/log.ts';
import type { Scheduler } from '../base/scheduler.ts';
import {
  CustomerDisplayConfigSchema,
  DisplayConfigSchema,
  KeypadConfigSchema,
  VoiceConfigSchema,
} from '../firmware/config/face-schema.ts';
import type { ScriptedPress } from '../simulator/keypad/twin.ts';
import { openCustomerDisplay, openDisplay, openKeypad, openVoice } from './registry-face.ts';
import type { RegistryDeps } from './registry.ts';

export const EXIT_DEVICE_FAULT = 1;
export const FACE_TESTS = ['display', 'keypad', 'voice', 'customer-display'] as const;
export type FaceTest = (typeof FACE_TESTS)[number];

const emulator = { name: 'emulator', help: 'the same on the simulator twin (no hardware)' };
const device = (example: string) => ({ name: 'device', value: 'PATH', help: `the device (default ${example})` });
export const FACE_SELFTESTS: Record<FaceTest, CommandSpec> = {
  display: {
    command: 'onecard selftest display',
    summary: 'Shows a test pattern on every cell of the panel (a Chinese row on the ST7920).',
    options: [
      emulator,
      {
        name: 'panel',
        value: 'KIND',
        help: 'st7920 | hd44780-20x4 | hd44780-16x2 (default st7920)',
        check: oneOf(['st7920', 'hd44780-20x4', 'hd44780-16x2'] as const),
      },
      device('/dev/spidev0.1, or /dev/i2c-1 for an HD44780'),
    ],
  },
  'customer-display': {
    command: 'onecard selftest customer-display',
    summary: 'Lights each lamp in turn at 888888.88, then blanks the display.',
    options: [
      emulator,
      { name: 'kind', value: 'KIND', help: 'pole | vfd (default pole)', check: oneOf(['pole', 'vfd'] as const) },
      device('/dev/ttyUSB0'),
    ],
  },
  keypad: {
    command: 'onecard selftest keypad',
    summary: 'Echoes each key as the POS will receive it, until cancel.',
    options: [emulator, device('the first /dev/input/by-id/*-event-kbd')],
  },
  voice: {
    command: 'onecard selftest voice',
    summary: 'Speaks the sale sentence from the clip set.',
    options: [
      emulator,
      { name: 'lang', value: 'LANG', help: 'zh | en (default zh)', check: oneOf(['zh', 'en'] as const) },
      { name: 'clips', value: 'DIR', help: 'the clip set (default /usr/share/onecard/voice)' },
    ],
  },
};

const CLIPS_DEFAULT = '/usr/share/onecard/voice';
/** The emulator's keypad: a key of each kind, then cancel, which ends the echo. */
const DEMO_PRESSES: ScriptedPress[] = (['KP1', 'KP2', 'KPDOT', 'KP5', 'KPENTER', 'BACKSPACE', 'KPMINUS'] as const).map(
  (key) => ({ key }),
);

/** A person watches each lamp: on a device the steps are paced; the emulator needs no pause. */
const LAMP_PAUSE_MS = 1_000;

function deps(): RegistryDeps {
  // The selftest is the edge: real time is its clock, as a person watches the device.
  const scheduler: Scheduler = {
    after: (ms, fn) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
  };
  const clock = { nowMs: () => Date.now() };
  return { clock, scheduler, nowUs: () => Date.now() * 1000, log: silentLogger };
}

type Options = Record<string, unknown>;
const str = (o: Options, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);

/** Validates what the options say as the config would be; a bad path is said like a bad config field. */
function parsed<T>(
  schema: {
    safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
  },
  raw: unknown,
): T | string {
  const r = schema.safeParse(raw);
  return r.success ? r.data : r.error.issues[0]!.message;
}

export async function selftestFace(test: FaceTest, o: Options, io: CliIo): Promise<number> {
  const fault = (message: string): number => {
    io.err(`selftest ${test}: ${message}`);
    return EXIT_DEVICE_FAULT;
  };
  // An option the config schema refuses (a device path of the wrong kind) is the user's mistake: exit 2.
  const usage = (message: string): number => refuse(io.err, `onecard selftest ${test}: ${message}`);
  const d = deps();
  const twin = o.emulator === true;
  switch (test) {
    case 'display': {
      const panel = str(o, 'panel') ?? 'st7920';
      const raw = twin
        ? { kind: 'twin', panel: panel === 'st7920' ? 'st7920-128x64' : panel }
        : panel === 'st7920'
          ? { kind: 'st7920', ...(str(o, 'device') ? { device: str(o, 'device') } : {}) }
          : { kind: 'hd44780', size: panel.slice(-4), ...(str(o, 'device') ? { device: str(o, 'device') } : {}) };
      const c = parsed(DisplayConfigSchema, raw);
      if (typeof c === 'string') return usage(c);
      const opened = await openDisplay(c);
      if (!opened.ok) return fault(opened.message);
      const r = await displaySelftest(opened.value.display);
      if (opened.value.twin) for (const row of opened.value.twin.rows()) io.out(`|${row}|`);
      await opened.value.display.close();
      if (!r.ok) return fault(r.error);
      io.out(`display: test pattern on ${opened.value.display.panel.name}`);
      return EXIT_OK;
    }
    case 'customer-display': {
      const raw = { kind: str(o, 'kind') ?? 'pole', device: twin ? 'twin' : (str(o, 'device') ?? '/dev/ttyUSB0') };
      const c = parsed(CustomerDisplayConfigSchema, raw);
      if (typeof c === 'string') return usage(c);
      const opened = await openCustomerDisplay(c);
      if (!opened.ok) return fault(opened.message);
      const glass = opened.value.twin;
      const pause = (): Promise<void> => {
        if (glass) io.out(`lamp ${glass.glass().lamp}: ${glass.glass().lines.A}`);
        return glass ? Promise.resolve() : new Promise((resolve) => d.scheduler.after(LAMP_PAUSE_MS, resolve));
      };
      const r = await customerDisplaySelftest(opened.value.display, pause);
      await opened.value.display.close();
      if (!r.ok) return fault(r.error);
      io.out(`customer display: ${c.kind}, each lamp lit, then blank`);
      return EXIT_OK;
    }
    case 'keypad': {
      const raw = twin
        ? { kind: 'scripted' }
        : { kind: 'usb', device: str(o, 'device') ?? '/dev/input/by-id/keypad-event-kbd' };
      const c = parsed(KeypadConfigSchema, raw);
      if (typeof c === 'string') return usage(c);
      const echo = keyEcho(io.out);
      // A device that cannot be read (no such file, no permission) ends the echo with its error.
      let failed: (error: string) => void = () => {};
      const failure = new Promise<string>((resolve) => {
        failed = resolve;
      });
      const log = { ...silentLogger, warn: (_e: string, f?: Record<string, unknown>) => failed(String(f?.error)) };
      const opened = await openKeypad(c, echo.onKey, { ...d, log }, undefined);
      if (!opened.ok) return fault(opened.message);
      opened.value.twin?.press(DEMO_PRESSES);
      const error = await Promise.race([echo.done.then(() => null), failure]);
      opened.value.close();
      return error === null ? EXIT_OK : fault(error);
    }
    case 'voice': {
      const lang = (str(o, 'lang') ?? 'zh') as 'zh' | 'en';
      const c = parsed(
        VoiceConfigSchema,
        twin ? { kind: 'twin', lang } : { kind: 'aplay', lang, clipDir: str(o, 'clips') ?? CLIPS_DEFAULT },
      );
      if (typeof c === 'string') return usage(c);
      const v = await openVoice(c);
      const saying = voiceSelftest(v.devices.player, lang);
      if (v.twin) {
        io.out(`said: ${v.twin.said.at(-1)?.text ?? ''}`);
        v.twin.finish();
      }
      const r = await saying;
      if (typeof r !== 'string') return fault(r.error);
      io.out(`voice: ${r}`);
      return EXIT_OK;
    }
  }
}
