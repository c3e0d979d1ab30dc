import { z } from 'zod';
import { GPIO_LINE_MAX } from '../../drivers/gpio/config.ts';
import { DUPLICATE_WINDOW_MS_DEFAULT, DUPLICATE_WINDOW_MS_MAX } from '../attendance/punch.ts';
import { DOORS_PER_CONTROLLER_MAX, HELD_OPEN_MS_MAX, RELEASE_MS_MAX } from '../door/controller.ts';
import { INTERVAL_UNTIL_MAX, INTERVALS_PER_DAY_MAX, MINUTES_PER_DAY, WEEKDAYS } from '../door/time-zones.ts';
import { FEE_CENTS_MAX } from '../parking/fee.ts';

/**
 * The config sections of the door, attendance and parking roles: what is
 * wired (relay, contact, exit button per door; the gate's relay) and the
 * site's rules that do not come from the backend's lists. Each role needs its
 * section (schema.ts says so); the pure decisions get exactly these values.
 */
const line = z.number().int().min(0).max(GPIO_LINE_MAX);
const level = z.union([z.literal(0), z.literal(1)]);
const input = z.object({ line, activeLevel: level }).strict();
const relay = z
  .object({
    line,
    activeLow: z.boolean().default(false),
    wiring: z.enum(['fail-secure', 'fail-safe']),
    releaseMs: z.number().int().min(1).max(RELEASE_MS_MAX).default(3_000),
  })
  .strict();

const DoorSchema = z
  .object({
    /** The door's bit (0..31) in the grants' and rules' door masks. */
    id: z.number().int().min(0).max(31),
    partnerId: z.number().int().min(0).max(31).nullable().default(null),
    antiPassback: z.enum(['off', 'hard', 'soft']).default('off'),
    exitInLockdown: z.boolean().default(true),
    relay,
    contact: input.nullable().default(null),
    exitButton: input.nullable().default(null),
    heldOpenMs: z.number().int().min(1).max(HELD_OPEN_MS_MAX).default(30_000),
    alarm: z
      .object({ line, activeLow: z.boolean().default(false) })
      .strict()
      .nullable()
      .default(null),
    /** Whether the terminal's buzzer and LEDs (peripherals.gpio.signals) play for this door. */
    signals: z.boolean().default(false),
  })
  .strict();

const interval = z
  .object({
    fromMinute: z
      .number()
      .int()
      .min(0)
      .max(MINUTES_PER_DAY - 1),
    untilMinute: z.number().int().min(1).max(INTERVAL_UNTIL_MAX),
  })
  .strict()
  .refine((i) => i.untilMinute > i.fromMinute, 'untilMinute must be after fromMinute');
const day = z.array(interval).max(INTERVALS_PER_DAY_MAX);

const TimeZoneSchema = z
  .object({ id: z.number().int().min(0).max(255), week: z.array(day).length(WEEKDAYS.length), holiday: day })
  .strict();

const AccessRuleSchema = z.union([
  z
    .object({ cardClass: z.number().int().min(0).max(255), doors: z.number().int(), timeZoneId: z.number().int() })
    .strict(),
  // Groups come from the holders list as a bit mask: group n is bit n.
  z.object({ group: z.number().int().min(0).max(31), doors: z.number().int(), timeZoneId: z.number().int() }).strict(),
]);

export const DoorRoleSchema = z
  .object({
    doors: z.array(DoorSchema).min(1).max(DOORS_PER_CONTROLLER_MAX),
    timeZones: z.array(TimeZoneSchema).max(256),
    rules: z.array(AccessRuleSchema).max(1024),
    /** Local dates (YYYY-MM-DD) until the holiday list syncs from the backend. */
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-10-01'))
      .max(366)
      .default([]),
  })
  .strict()
  .superRefine((d, ctx) => {
    const ids = new Set(d.doors.map((x) => x.id));
    if (ids.size !== d.doors.length) ctx.addIssue({ code: 'custom', path: ['doors'], message: 'a door id used twice' });
    d.doors.forEach((x, i) => {
      if (x.partnerId !== null && (x.partnerId === x.id || !ids.has(x.partnerId)))
        ctx.addIssue({
          code: 'custom',
          path: ['doors', i, 'partnerId'],
          message: 'not another door of this controller',
        });
    });
    const zones = new Set(d.timeZones.map((z) => z.id));
    d.rules.forEach((r, i) => {
      if (!zones.has(r.timeZoneId))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'timeZoneId'],
          message: `unknown time zone ${r.timeZoneId}`,
        });
    });
  });
export type DoorRoleConfig = z.infer<typeof DoorRoleSchema>;

export const AttendanceRoleSchema = z
  .object({
    duplicateWindowMs: z.number().int().min(0).max(DUPLICATE_WINDOW_MS_MAX).default(DUPLICATE_WINDOW_MS_DEFAULT),
  })
  .strict();

const fee = z.number().int().min(0).max(FEE_CENTS_MAX);

/** The card readers a terminal may have (peripherals.reader, peripherals.reader2): MFRC522s on SPI CE0 and CE1. */
export const READER_SLOTS = ['reader', 'reader2'] as const;
export type ReaderSlot = (typeof READER_SLOTS)[number];

/** A car park's lane: the reader by a barrier and the barrier a card there opens. */
const LaneSchema = z
  .object({
    reader: z.enum(READER_SLOTS, { message: 'the lane\'s reader: "reader" or "reader2" (a key of peripherals)' }),
    barrier: z.enum(['entry', 'exit'], { message: 'the barrier a card at this reader opens: "entry" or "exit"' }),
  })
  .strict();
export const ParkingRoleSchema = z
  .object({
    /**
     * One terminal drives both barriers, each with its own reader: the car
     * inside (anti-passback) and its entry time are this terminal's own
     * journal, so the exit knows them offline.
     */
    entryRelay: relay,
    exitRelay: relay,
    rates: z
      .object({
        freeMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60),
        stepMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
        firstStepCents: fee,
        stepCents: fee,
        dailyCapCents: fee,
        lostTicketCents: fee,
      })
      .strict(),
    /** Card classes that park free (staff with a parking place). */
    passClasses: z.array(z.number().int().min(0).max(255)).max(256).default([]),
    /**
     * Which barrier each reader opens (`onecard run` needs one lane per
     * barrier; schema.ts checks the readers exist). One reader serves one
     * barrier: it cannot tell which one a car is at.
     */
    lanes: z.array(LaneSchema).max(2).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.lanes.forEach((lane, i) => {
      const first = p.lanes.findIndex((l) => l.barrier === lane.barrier);
      if (first !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['lanes', i, 'barrier'],
          message: `the ${lane.barrier} barrier has a lane already (lanes[${first}]): one reader per barrier`,
        });
      const reader = p.lanes.findIndex((l) => l.reader === lane.reader);
      if (reader !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['lanes', i, 'reader'],
          message:
            `${lane.reader} opens the ${p.lanes[reader].barrier} barrier already: ` +
            'one reader cannot tell which barrier a car is at; wire "reader2"',
        });
    });
  });

/** A kiosk session's cash limit can be no higher: ¥5 000 in one go is already more than a canteen card needs. */
export const KIOSK_TOPUP_CENTS_MAX = 500_000;

export const KioskRoleSchema = z
  .object({
    /** One session's cash limit (anti-laundering, and a wrong card cannot take much). */
    topupMaxCents: z.number().int().min(100).max(KIOSK_TOPUP_CENTS_MAX).default(50_000),
    /** Cards that open the cash-box count and the day's totals instead of a top-up. */
    operatorCards: z.array(z.number().int().min(1).max(0xffff_ffff)).max(64).default([]),
    /** The backend's switch (set-config kiosk.acceptorEnabled false): no bill type is enabled while off. */
    acceptorEnabled: z.boolean().default(true),
    /**
     * A card that leaves owing hands it to the backend as a pending credit any
     * terminal pays (docs/kiosk.md). Unset: on when the terminal has a backend link.
     */
    handOverOwed: z.boolean().optional(),
  })
  .strict();
export type KioskRoleConfig = z.infer<typeof KioskRoleSchema>;

/** Every GPIO line a role's section claims, with what for: a line is one thing (schema.ts checks them together). */
export function roleLines(c: {
  door?: DoorRoleConfig | undefined;
  parking?: z.infer<typeof ParkingRoleSchema> | undefined;
}): [number, string][] {
  const lines: [number, string][] = [];
  c.door?.doors.forEach((d, i) => {
    const at = `door.doors[${i}]`;
    lines.push([d.relay.line, `${at}.relay`]);
    if (d.contact) lines.push([d.contact.line, `${at}.contact`]);
    if (d.exitButton) lines.push([d.exitButton.line, `${at}.exitButton`]);
    if (d.alarm) lines.push([d.alarm.line, `${at}.alarm`]);
  });
  if (c.parking) {
    lines.push([c.parking.entryRelay.line, 'parking.entryRelay']);
    lines.push([c.parking.exitRelay.line, 'parking.exitRelay']);
  }
  return lines;
}
