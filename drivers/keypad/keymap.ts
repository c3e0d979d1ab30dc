import { z } from 'zod';

/**
 * The keys the POS understands (firmware/pos/entry.ts and machine-keys.ts;
 * drivers/ may not import firmware/, so the vocabulary is written here and a
 * test holds the two together), the Linux key codes of a USB numeric keypad
 * (include/uapi/linux/input-event-codes.h), and the key map a terminal's
 * config gives, validated with zod.
 */
export const POS_KEYS = [
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '*', '+'],
  ...['confirm', 'cancel', 'back', 'undo', 'totals', 'topup'],
] as const;
export type PosKey = (typeof POS_KEYS)[number];

export const LINUX_KEYS = {
  BACKSPACE: 14,
  TAB: 15,
  KPASTERISK: 55,
  NUMLOCK: 69,
  KP7: 71,
  KP8: 72,
  KP9: 73,
  KPMINUS: 74,
  KP4: 75,
  KP5: 76,
  KP6: 77,
  KPPLUS: 78,
  KP1: 79,
  KP2: 80,
  KP3: 81,
  KP0: 82,
  KPDOT: 83,
  KPENTER: 96,
  KPSLASH: 98,
} as const;
export type LinuxKey = keyof typeof LINUX_KEYS;
const LINUX_KEY_NAMES = Object.keys(LINUX_KEYS) as [LinuxKey, ...LinuxKey[]];
/** The keys that NumLock turns into navigation keys on a PC keypad. */
export const NUMLOCK_KEYS: readonly LinuxKey[] = [
  'KP0',
  'KP1',
  'KP2',
  'KP3',
  'KP4',
  'KP5',
  'KP6',
  'KP7',
  'KP8',
  'KP9',
  'KPDOT',
];

export const DEFAULT_USB_MAP: Partial<Record<LinuxKey, PosKey>> = {
  ...Object.fromEntries([...'0123456789'].map((d) => [`KP${d}`, d])),
  KPDOT: '.',
  KPASTERISK: '*',
  KPPLUS: '+',
  KPENTER: 'confirm',
  KPMINUS: 'cancel',
  BACKSPACE: 'back',
  KPSLASH: 'undo',
  TAB: 'totals',
};

/**
 * A key map in config, the pad's key → the POS key it means. A name the pad does not have, or a POS key
 * that does not exist, is refused with the names allowed (the fix), never as a bare "unrecognized key".
 * A map given replaces the default whole: a key left out of it does nothing.
 */
export function keyMapSchema<K extends string>(keys: readonly [K, ...K[]], pad: string) {
  return z.partialRecord(z.enum(keys), z.enum(POS_KEYS, { error: `must be a POS key: ${POS_KEYS.join(' ')}` }), {
    // zod reports a key outside the enum as unrecognized_keys, a code its record issue type does not list.
    error: (iss) => {
      const i = iss as { code: string; keys?: string[] };
      if (i.code !== 'unrecognized_keys') return undefined;
      return `${pad} has no key ${i.keys?.join(', ')}: use ${keys.join(' ')}`;
    },
  });
}

export const UsbKeypadSchema = z
  .object({
    /** e.g. /dev/input/by-id/usb-…-event-kbd: stable across reboots, unlike event0. */
    device: z.string().regex(/^\/dev\/input\//, 'must be a device under /dev/input/'),
    map: keyMapSchema(LINUX_KEY_NAMES, 'a USB numeric keypad').default(DEFAULT_USB_MAP),
    /** Keys whose auto-repeat counts (holding back erases); others repeat nothing, so a held 5 is one 5. */
    repeatKeys: z.array(z.enum(POS_KEYS)).default(['back']),
    /** 'ignore': digits stay digits whatever NumLock says (a till must not go dead); 'track': off = digits silent. */
    numLock: z.enum(['ignore', 'track']).default('ignore'),
    /** Event layout; 'auto' = the reading process's word size. */
    layout: z.enum(['auto', '64', '32']).default('auto'),
  })
  .strict();
export type UsbKeypadConfig = z.infer<typeof UsbKeypadSchema>;

/** Config in, config or a message naming the bad field out; never an exception. */
export function parseUsbKeypadConfig(
  raw: unknown,
): { ok: true; config: UsbKeypadConfig } | { ok: false; error: string } {
  const r = UsbKeypadSchema.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, error: `keypad.${issue.path.join('.')}: ${issue.message}` };
}
