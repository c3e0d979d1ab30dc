import { z } from 'zod';
import { fieldPath } from '../../protocol/field-path.ts';
import { GpioConfigSchema, wiegandLinesOf } from '../../drivers/gpio/config.ts';
import { CashConfigShape, kioskCashIssues } from './cash-schema.ts';
import { FaceConfigShape } from './face-schema.ts';
import { READER_SLOTS } from './reader-slots.ts';
import { WIEGAND_LINES_OF, wiegandRoleIssues } from './wiegand-readers.ts';
import { doorReaderWiringIssues } from './door-readers.ts';
import { POINTS_OFF, PointsSchema } from './points-schema.ts';
import { AttendanceRoleSchema, DoorRoleSchema, KioskRoleSchema, ParkingRoleSchema, roleLines } from './roles-schema.ts';

/**
 * The terminal's one config file, validated on load. Every limit here is a
 * named bound so a broken file is refused with the field that is wrong.
 */
export const MENU_ITEMS_MAX = 999; // item codes are 1..999 on a 3-digit keypad entry
const CENTS_MAX = 0xffff_ffff; // a purse field is u32 cents on the card
const cents = z.number().int().min(0).max(CENTS_MAX);
const bilingual = z.object({ zh: z.string().min(1).max(32), en: z.string().min(1).max(32) });

export const CardClassSchema = z.object({
  id: z.number().int().min(0).max(255),
  name: bilingual,
  discountPercent: z.number().int().min(0).max(100).default(0),
  /** Above this, today's spending needs the card PIN (0 = no daily limit). */
  dailyLimitCents: cents.default(0),
  /** Cards of an operator class sign cashiers in and out instead of paying. */
  operator: z.boolean().default(false),
  /** Where the money is: on the card's purse, or in a backend account (online authorisation). */
  account: z.enum(['purse', 'online']).default('purse'),
});

export const MenuItemSchema = z.object({
  code: z.number().int().min(1).max(MENU_ITEMS_MAX),
  name: bilingual,
  priceCents: cents.min(1),
});

const SIMPLE_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '+', 'confirm'] as const;
/** The seeds' simple keypad: one key, one price (keys 1–9 = 0.1–0.9, `.` = 1, `+` = 2, confirm = 5). */
const DEFAULT_SIMPLE_KEYS = {
  '1': 10,
  '2': 20,
  '3': 30,
  '4': 40,
  '5': 50,
  '6': 60,
  '7': 70,
  '8': 80,
  '9': 90,
  '.': 100,
  '+': 200,
  confirm: 500,
};

export const PosSchema = z
  .object({
    entryMode: z.enum(['free', 'item', 'fixed', 'simple']).default('free'),
    fixedPriceCents: cents.default(0),
    menu: z.array(MenuItemSchema).max(MENU_ITEMS_MAX).default([]),
    simpleKeys: z.record(z.enum(SIMPLE_KEYS), cents.min(1)).default(DEFAULT_SIMPLE_KEYS),
    /** Card classes served here; empty = every class. */
    allowedClasses: z.array(z.number().int().min(0).max(255)).default([]),
    minSaleCents: cents.default(1),
    maxSaleCents: cents.default(100_000),
    balanceCapCents: cents.default(1_000_000),
    undoWindowMs: z.number().int().min(0).max(3_600_000).default(120_000),
    receiptCopies: z.number().int().min(0).max(5).default(1),
    /** The receipt printer: roll width, whether it draws QR codes itself (GS ( k), the receipts' language. */
    printer: z
      .object({
        paperMm: z
          .number()
          .int()
          .min(58)
          .max(80)
          .refine((mm) => mm === 58 || mm === 80, 'must be 58 or 80')
          .default(58),
        nativeQr: z.boolean().default(true),
        language: z.enum(['zh', 'en']).default('zh'),
      })
      .default({ paperMm: 58, nativeQr: true, language: 'zh' }),
    usesPerSale: z.number().int().min(1).max(100).default(1),
    requireOperator: z.boolean().default(false),
    allowTopup: z.boolean().default(true),
    pinAttemptsMax: z.number().int().min(1).max(10).default(3),
    /** Online-account classes: how long to wait for the backend, and the offline floors (EMV-style). */
    online: z
      .object({
        deadlineMs: z.number().int().min(100).max(30_000).default(1_500),
        offlineFloorPerSaleCents: cents.default(2_000),
        offlineFloorPerCardDayCents: cents.default(5_000),
      })
      .default({ deadlineMs: 1_500, offlineFloorPerSaleCents: 2_000, offlineFloorPerCardDayCents: 5_000 }),
  })
  .superRefine((pos, ctx) => {
    if (pos.minSaleCents > pos.maxSaleCents)
      ctx.addIssue({ code: 'custom', path: ['minSaleCents'], message: 'must not exceed maxSaleCents' });
    if (pos.entryMode === 'fixed' && pos.fixedPriceCents === 0)
      ctx.addIssue({ code: 'custom', path: ['fixedPriceCents'], message: 'must be set in fixed mode' });
    if (pos.entryMode === 'item' && pos.menu.length === 0)
      ctx.addIssue({ code: 'custom', path: ['menu'], message: 'must hold items in item mode' });
    const seen = new Set<number>();
    pos.menu.forEach((item, i) => {
      if (seen.has(item.code))
        ctx.addIssue({ code: 'custom', path: ['menu', i, 'code'], message: `duplicate item code ${item.code}` });
      seen.add(item.code);
    });
  });

/** The SPI clock range the MFRC522 takes (datasheet: up to 10 Mbit/s); below 100 kHz a tap would crawl. */
const SPI_SPEED_HZ_MIN = 100_000;
const SPI_SPEED_HZ_MAX = 10_000_000;
/** Reader kinds: the names a config uses; app/registry.ts maps each to its driver or its twin. */
export const READER_KINDS = ['mfrc522', 'wiegand', 'virtual', 'mfrc522-emulator'] as const;
export const ReaderConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('mfrc522'),
      device: z
        .string()
        .regex(/^\/dev\/spidev\d+\.\d+$/, 'an SPI device like /dev/spidev0.0 (enable SPI: dtparam=spi=on)')
        .default('/dev/spidev0.0'),
      speedHz: z.number().int().min(SPI_SPEED_HZ_MIN).max(SPI_SPEED_HZ_MAX).default(4_000_000),
    })
    .strict(),
  /** Card numbers only, on gpio.wiegand's lines: doors and attendance, never an offline purse. */
  z.object({ kind: z.literal('wiegand') }).strict(),
  /** The simulator's twin: a field that only the simulator places cards in. */
  z.object({ kind: z.literal('virtual') }).strict(),
  /** The real MFRC522 driver on the simulator's register-level chip: a device's path with no hardware. */
  z.object({ kind: z.literal('mfrc522-emulator') }).strict(),
]);
export type ReaderConfig = z.infer<typeof ReaderConfigSchema>;

/** What is wired to this terminal; read by the composition root only (app/), never by a role. */
export const PeripheralsSchema = z
  .object({
    reader: ReaderConfigSchema,
    /** A second reader (an MFRC522 on CE1): a car park's other barrier (parking.lanes). */
    reader2: ReaderConfigSchema.optional(),
    gpio: GpioConfigSchema.optional(),
    ...FaceConfigShape,
    ...CashConfigShape,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.keypad?.kind === 'matrix' && !p.gpio)
      ctx.addIssue({ code: 'custom', path: ['keypad'], message: 'a matrix keypad needs peripherals.gpio' });
    // Each reader slot has its own pair of lines: reader on gpio.wiegand, reader2 on gpio.wiegand2.
    for (const slot of READER_SLOTS) {
      const lines = WIEGAND_LINES_OF[slot];
      if (p[slot]?.kind === 'wiegand' && !p.gpio?.[lines])
        ctx.addIssue({ code: 'custom', path: ['gpio', lines], message: `a wiegand ${slot} needs its lines: d0, d1` });
    }
  });
export type PeripheralsConfig = z.infer<typeof PeripheralsSchema>;

/** The link to the backend; the terminal key is in its own 0600 file, never in the config or on a command line. */
export const BackendLinkSchema = z
  .object({
    url: z.string().regex(/^wss?:\/\/[^/\s]+/, 'a backend address like ws://HOST:PORT or wss://HOST'),
    terminalKeyFile: z.string().min(1),
  })
  .strict();

/**
 * A car park that runs (`peripherals` given) needs a lane per barrier, each
 * on a reader the terminal has: a barrier without one only opens by hand.
 */
/** The reader the examples wire to each barrier: the fix a missing lane's message suggests. */
const READER_FOR = { entry: 'reader', exit: 'reader2' } as const;

function laneIssues(cfg: {
  terminal: { roles: readonly string[] };
  parking?: z.infer<typeof ParkingRoleSchema> | undefined;
  peripherals?: PeripheralsConfig | undefined;
}): { path: (string | number)[]; message: string }[] {
  if (!cfg.parking || !cfg.peripherals || !cfg.terminal.roles.includes('parking')) return [];
  const lanes = cfg.parking.lanes;
  const issues = lanes.flatMap((lane, i) =>
    cfg.peripherals?.[lane.reader] === undefined
      ? [
          {
            path: ['parking', 'lanes', i, 'reader'],
            message:
              `no peripherals.${lane.reader}: ` +
              'add it (e.g. {"kind": "mfrc522", "device": "/dev/spidev0.1"}) or name "reader"',
          },
        ]
      : [],
  );
  for (const barrier of ['entry', 'exit'] as const) {
    const lane = `{"reader": "${READER_FOR[barrier]}", "barrier": "${barrier}"}`;
    if (!lanes.some((l) => l.barrier === barrier))
      issues.push({ path: ['parking', 'lanes'], message: `no lane opens the ${barrier} barrier: add ${lane}` });
  }
  return issues;
}

export const ConfigSchema = z
  .object({
    terminal: z.object({
      id: z.number().int().min(1).max(0xff_ffff),
      name: z.string().min(1).max(64),
      tenantId: z.number().int().min(0).max(0xffff),
      utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
      roles: z
        .array(z.enum(['pos', 'door', 'attendance', 'parking', 'desk', 'kiosk']))
        .min(1)
        .default(['pos']),
    }),
    storage: z.object({ dataDir: z.string().min(1), keyFile: z.string().min(1) }),
    cardClasses: z.array(CardClassSchema).min(1).max(256),
    pos: PosSchema.default(PosSchema.parse({})),
    /** Member points and top-up bonuses (points-schema.ts); off when left out. */
    points: PointsSchema.default(POINTS_OFF),
    /** The role's own section: required when terminal.roles names it (roles-schema.ts). */
    door: DoorRoleSchema.optional(),
    attendance: AttendanceRoleSchema.optional(),
    parking: ParkingRoleSchema.optional(),
    kiosk: KioskRoleSchema.optional(),
    /** Left out by configs pushed or generated inside the simulator; `onecard run` needs it. */
    peripherals: PeripheralsSchema.optional(),
    /** Left out: the terminal runs offline (its lists as last received). */
    backend: BackendLinkSchema.optional(),
    /** A simulated terminal only: its master keys derive from this seed instead of storage.keyFile. */
    sim: z
      .object({ seed: z.number().int().min(0).max(0xffff_ffff) })
      .strict()
      .optional(),
  })
  .superRefine((cfg, ctx) => {
    const p = cfg.peripherals;
    // A Wiegand reader on the GPIO twin is the Wiegand twin.
    const twinsOnly =
      p === undefined ||
      ['virtual', 'mfrc522-emulator'].includes(p.reader.kind) ||
      (p.reader.kind === 'wiegand' && p.gpio?.backend === 'sim');
    if (cfg.sim && !twinsOnly)
      ctx.addIssue({
        code: 'custom',
        path: ['sim'],
        message: 'a terminal with a real reader takes its keys from storage.keyFile: remove "sim"',
      });
    for (const role of ['door', 'attendance', 'parking', 'kiosk'] as const)
      if (cfg.terminal.roles.includes(role) && !cfg[role])
        ctx.addIssue({ code: 'custom', path: [role], message: `the ${role} role needs its "${role}" section` });
    for (const issue of laneIssues(cfg)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of wiegandRoleIssues(cfg)) ctx.addIssue({ code: 'custom', ...issue });
    const { door, peripherals } = cfg;
    if (door && peripherals && cfg.terminal.roles.includes('door'))
      for (const issue of doorReaderWiringIssues(door, (slot) => peripherals[slot] !== undefined))
        ctx.addIssue({ code: 'custom', ...issue });
    if (cfg.terminal.roles.includes('kiosk') && cfg.peripherals) kioskCashIssues(cfg.peripherals, ctx);
    const gpio = cfg.peripherals?.gpio;
    const used = new Map<number, string>();
    for (const [n, what] of [
      ...Object.entries(gpio?.signals ?? {}).flatMap(([k, p]): [number, string][] =>
        p ? [[p.line, `signals.${k}`]] : [],
      ),
      ...(gpio ? wiegandLinesOf(gpio).map(([what, n]): [number, string] => [n, what]) : []),
      ...roleLines(cfg),
      ...matrixLines(cfg.peripherals?.keypad),
    ]) {
      const other = used.get(n);
      if (other)
        ctx.addIssue({ code: 'custom', path: [], message: `GPIO line ${n} is already ${other}: give ${what} its own` });
      used.set(n, what);
    }
    const ids = new Set(cfg.cardClasses.map((c) => c.id));
    cfg.pos.allowedClasses.forEach((id, i) => {
      if (!ids.has(id))
        ctx.addIssue({ code: 'custom', path: ['pos', 'allowedClasses', i], message: `unknown card class ${id}` });
    });
  });

/** A matrix keypad's eight lines, named as the collision message says them. */
function matrixLines(keypad: PeripheralsConfig['keypad']): [number, string][] {
  if (keypad?.kind !== 'matrix') return [];
  return [
    ...keypad.rows.map((n, i): [number, string] => [n, `keypad.rows[${i}]`]),
    ...keypad.columns.map((n, i): [number, string] => [n, `keypad.columns[${i}]`]),
  ];
}

export type TerminalConfig = z.infer<typeof ConfigSchema>;
export type PosConfig = TerminalConfig['pos'];
export type CardClass = TerminalConfig['cardClasses'][number];
export type MenuItem = PosConfig['menu'][number];

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export { fieldPath } from '../../protocol/field-path.ts';

/** Validates raw JSON; a broken config is refused with the path of the first bad field. */
export function parseConfig(raw: unknown, source = 'config'): TerminalConfig {
  const r = ConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = fieldPath(issue.path);
  throw new ConfigError(field, `${source}: invalid field "${field}": ${issue.message}`);
}
