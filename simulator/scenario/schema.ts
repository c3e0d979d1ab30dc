import { z } from 'zod';
import { KIND } from '../../protocol/index.ts';
import { parseAmount, parseAmountText } from '../../firmware/core/money.ts';
import { fieldPath } from '../../firmware/config/schema.ts';
import {
  RoleExpectFields,
  RoleStepFields,
  ROLE_CHECKS,
  roleExpectProblem,
  roleSectionProblem,
  roleStepProblem,
  SCENARIO_ROLES,
} from './role-fields.ts';
import { KIOSK_FAULTS } from '../cash/kiosk-twins.ts';

/**
 * Scenario files (docs/scenarios.md): cards, terminals and timed steps with
 * expectations. Amounts are strings in yuan ("12.50") so nobody types floats;
 * count purses give plain integers (uses).
 */
export const SCENARIO_STEPS_MAX = 10_000;

const amount = z.union([
  z.string().superRefine((s, ctx) => {
    const r = parseAmountText(s);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: `amount ${r.reason}` });
  }),
  z.number().int().min(0),
]);
export function toUnits(a: string | number): number {
  return typeof a === 'number' ? a : parseAmount(a)!;
}
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'duration like 500ms, 30s, 5m, 2h, 1d');

const CardSpec = z.object({
  name: z.string().min(1),
  uid: z.string().regex(/^([0-9a-fA-F]{8}|[0-9a-fA-F]{14})$/, 'uid: 8 or 14 hex digits'),
  number: z.number().int().min(0).max(0xffff_ffff),
  class: z.number().int().min(0).max(255),
  balance: amount.default(0),
  subsidy: amount.default(0),
  pin: z
    .string()
    .regex(/^\d{4,6}$/)
    .optional(),
  expires: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  frozen: z.boolean().optional(),
  countPurse: z.boolean().optional(),
  tenant: z.number().int().min(0).max(0xffff).optional(),
});

const TerminalSpec = z.object({
  name: z.string().min(1),
  id: z.number().int().min(1).max(0xff_ffff),
  tenant: z.number().int().optional(),
  pos: z.record(z.string(), z.unknown()).optional(),
  cardClasses: z.array(z.unknown()).optional(),
  blacklist: z.array(z.number().int().min(0)).optional(),
  /** A role terminal: its section (`door`, `attendance`, `parking`) as in a config file (docs/roles.md). */
  role: z.enum(SCENARIO_ROLES).default('pos'),
  door: z.record(z.string(), z.unknown()).optional(),
  attendance: z.record(z.string(), z.unknown()).optional(),
  parking: z.record(z.string(), z.unknown()).optional(),
  /** A top-up kiosk: its `kiosk` section as in a config file (docs/kiosk.md); its validator and printer are twins. */
  kiosk: z.record(z.string(), z.unknown()).optional(),
});

const Expect = z
  .object({
    terminal: z.string().optional(),
    card: z.string().optional(),
    balance: amount.optional(),
    subsidy: amount.optional(),
    counter: z.number().int().optional(),
    display: z.string().optional(),
    notDisplay: z.string().optional(),
    beep: z.enum(['ok', 'error', 'retry', 'key']).optional(),
    mode: z.string().optional(),
    receipt: z.string().optional(),
    journal: z.object({ kind: z.string(), count: z.number().int().min(0) }).optional(),
    totals: z
      .object({ scope: z.string().default('sales-day'), key: z.string(), count: z.number().int(), amount: amount })
      .optional(),
    reconciled: z.literal(true).optional(),
    /** Whose relay the relay checks read: a door id of the terminal's door section (default 0). */
    door: z.number().int().min(0).optional(),
    /** The door's relay line level now (the raw level: what "released" is depends on the wiring). */
    relayLevel: z.union([z.literal(0), z.literal(1)]).optional(),
    /** How many times the door's relay line changed since the terminal claimed it. */
    relayChanges: z.number().int().min(0).optional(),
    ...RoleExpectFields,
  })
  .strict();

const STEP_ACTIONS = [
  'keys',
  'tap',
  'advance',
  'restart',
  'contact',
  'push',
  'override',
  'bill',
  'fault',
  'remove',
  'expect',
] as const;

const Step = z
  .object({
    terminal: z.string().optional(),
    keys: z.string().optional(),
    tap: z.string().optional(),
    tearAfterBytes: z.number().int().min(0).max(1024).optional(),
    removeBeforeOp: z.number().int().min(0).max(100).optional(),
    advance: duration.optional(),
    restart: z.boolean().optional(),
    /** The door's contact: the door swings open or falls shut. */
    contact: z.enum(['open', 'shut']).optional(),
    /** The door's exit button pressed and let go. */
    push: z.literal(true).optional(),
    /** Which door a tap, contact or push step is at: a door id of the terminal's door section (default 0). */
    door: z.number().int().min(0).optional(),
    ...RoleStepFields,
    /** A bill at a kiosk's slot ("50"): it goes through its whole life (credited, or given back) in this step. */
    bill: amount.optional(),
    /** Something done to a kiosk's validator or printer: jam, cassette-out, paper-out … and back. */
    fault: z.enum(KIOSK_FAULTS).optional(),
    /** The card taken off a kiosk's reader (a tap at a kiosk leaves it there). */
    remove: z.literal(true).optional(),
    expect: Expect.optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine(
    (s) => STEP_ACTIONS.filter((a) => s[a] !== undefined).length === 1,
    `each step does exactly one of ${STEP_ACTIONS.join(', ')}`,
  );

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z.number().int().min(0).default(1),
    start: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'start must be an ISO date-time like 2026-11-23T11:30:00+08:00'),
    terminals: z.array(TerminalSpec).min(1),
    cards: z.array(CardSpec).default([]),
    steps: z.array(Step).max(SCENARIO_STEPS_MAX),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];
export type Expectation = NonNullable<ScenarioStep['expect']>;

export function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d)!;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Throws, naming the file, the step and the field, for a file that does not parse or that the runner could not carry out. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const r = ScenarioSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${source}: invalid scenario at "${fieldPath(issue.path)}": ${issue.message}`);
  }
  const wrong = scenarioProblem(r.data);
  if (wrong !== null) throw new Error(`${source}: invalid scenario: ${wrong}`);
  return r.data;
}

/** What an expectation can check; one that checks none of them would pass whatever happened. */
const CHECKS = [
  'balance',
  'subsidy',
  'counter',
  'display',
  'notDisplay',
  'beep',
  'mode',
  'receipt',
  'journal',
  'totals',
  'reconciled',
  ...ROLE_CHECKS,
] as const;
/** Checks on a card: without `card` they have nothing to read. */
const CARD_CHECKS = ['balance', 'subsidy', 'counter'] as const;
/** Of the POS's checks, what a kiosk has no part of: it beeps nothing and has no till mode. */
const NOT_KIOSK_CHECKS = ['beep', 'mode'] as const;
/** Steps only a kiosk takes. */
const KIOSK_STEPS = ['bill', 'fault', 'remove'] as const;

/**
 * What the schema cannot say: every name a step uses is declared, every
 * expectation checks something it can evaluate, fault options ride on a tap.
 * The first problem, or null.
 */
function scenarioProblem(sc: Scenario): string | null {
  const terminals = sc.terminals.map((t) => t.name);
  const cards = sc.cards.map((c) => c.name);
  for (const [what, names] of [
    ['terminals', terminals],
    ['cards', cards],
  ] as const) {
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) return `${what}: "${twice}" is defined twice`;
  }
  for (const t of sc.terminals) {
    const wrong = roleSectionProblem(t);
    if (wrong !== null) return wrong;
  }
  const isKiosk = (name: string) => sc.terminals.find((t) => t.name === name)?.role === 'kiosk';
  const unknown = (kind: string, name: string, have: string[]) =>
    `${kind} "${name}" is not declared (have: ${have.join(', ') || 'none'})`;
  for (const [i, step] of sc.steps.entries()) {
    const at = `step ${i + 1}`;
    if (step.terminal !== undefined && !terminals.includes(step.terminal))
      return `${at} terminal: ${unknown('terminal', step.terminal, terminals)}`;
    if (step.tap !== undefined && !cards.includes(step.tap)) return `${at} tap: ${unknown('card', step.tap, cards)}`;
    if (step.tap === undefined) {
      const fault = (['tearAfterBytes', 'removeBeforeOp'] as const).find((f) => step[f] !== undefined);
      if (fault)
        return `${at} ${fault}: only a "tap" step can ${fault === 'tearAfterBytes' ? 'tear' : 'pull the card'}`;
    }
    const stepKiosk = isKiosk(step.terminal ?? terminals[0]);
    const kioskStep = KIOSK_STEPS.find((f) => step[f] !== undefined);
    if (!stepKiosk && kioskStep) return `${at} ${kioskStep}: only a kiosk terminal takes a ${kioskStep} step`;
    if (stepKiosk && step.keys !== undefined)
      return `${at} keys: a kiosk has no keypad (its steps: tap, bill, fault, remove)`;
    if (stepKiosk && step.tap !== undefined && (step.tearAfterBytes ?? step.removeBeforeOp) !== undefined)
      return `${at} tap: tearing faults are for a POS; at a kiosk, "remove" takes the card away`;
    if (step.bill !== undefined && toUnits(step.bill) <= 0) return `${at} bill: a bill is worth something`;
    const roleWrong = roleStepProblem(sc, step, at);
    if (roleWrong !== null) return roleWrong;
    const e = step.expect;
    if (e === undefined) continue;
    if (e.terminal !== undefined && !terminals.includes(e.terminal))
      return `${at} expect.terminal: ${unknown('terminal', e.terminal, terminals)}`;
    const kioskOff = NOT_KIOSK_CHECKS.find((f) => e[f] !== undefined);
    if (isKiosk(e.terminal ?? step.terminal ?? terminals[0]) && kioskOff)
      return `${at} expect.${kioskOff}: a kiosk has no ${kioskOff}`;
    const expectWrong = roleExpectProblem(sc, e, e.terminal ?? step.terminal ?? terminals[0], at);
    if (expectWrong !== null) return expectWrong;
    if (e.card !== undefined && !cards.includes(e.card)) return `${at} expect.card: ${unknown('card', e.card, cards)}`;
    // A misspelt kind counts 0 records: with `count: 0` it would pass whatever the journal holds.
    const kinds: string[] = Object.values(KIND);
    if (e.journal !== undefined && !kinds.includes(e.journal.kind)) {
      return `${at} expect.journal.kind: "${e.journal.kind}" is not a record kind (${kinds.join(', ')})`;
    }
    const cardCheck = CARD_CHECKS.find((f) => e[f] !== undefined);
    if (e.card === undefined && cardCheck) return `${at} expect.${cardCheck}: needs "card" (whose ${cardCheck}?)`;
    if (e.card !== undefined && !cardCheck)
      return `${at} expect.card: names a card but checks none of ${CARD_CHECKS.join(', ')}`;
    if (!CHECKS.some((f) => e[f] !== undefined))
      return `${at} expect: checks nothing (give one of ${CHECKS.join(', ')})`;
  }
  return null;
}

/** "12.50 confirm" → ['1','2','.','5','0','confirm']: named keys stay whole, other tokens are typed character by character. */
export const NAMED_KEYS = new Set(['confirm', 'cancel', 'back', 'undo', 'totals', 'topup']);
export function splitKeys(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((tok) => (NAMED_KEYS.has(tok) ? [tok] : [...tok]));
}
