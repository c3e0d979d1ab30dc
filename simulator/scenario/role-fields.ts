import { z } from 'zod';
import { simTerminalConfig } from '../terminal/default-config.ts';
import type { Expectation, Scenario, ScenarioStep } from './schema.ts';

/**
 * The scenario fields of the door, attendance and parking terminals, and what
 * the schema alone cannot say about them: which steps and checks each role
 * has (a door has no keypad, a POS no relay), which door or barrier a step
 * names, the role's config section checked like a config file's.
 */
export const SCENARIO_ROLES = ['pos', 'door', 'attendance', 'parking', 'kiosk'] as const;
export type ScenarioRole = (typeof SCENARIO_ROLES)[number];
type TerminalSpec = Scenario['terminals'][number];

export const RoleStepFields = {
  /**
   * Which reader the card is at: a door's paired reader side (`in`, `out`) for
   * anti-passback, or the punch type a punch clock's reader stands for.
   */
  reader: z.enum(['in', 'out', 'break']).optional(),
  /** A car park's barrier whose reader the card is at. */
  gate: z.enum(['entry', 'exit']).optional(),
  /** The operator at the car park's booth: open a barrier without a card, or let a car out for the lost-ticket fee. */
  override: z.enum(['open-entry', 'open-exit', 'lost-ticket']).optional(),
  /** With `override`: the operator's card (its number is journaled). */
  operator: z.string().optional(),
  /** With `override: "lost-ticket"`: the car's card, which pays the fee at the exit reader. */
  card: z.string().optional(),
};

export const RoleExpectFields = {
  /** Whose relay the relay checks read at a car park: the entry or the exit barrier's. */
  gate: z.enum(['entry', 'exit']).optional(),
  /** How many passages soft anti-passback let through and flagged (door.granted with passbackViolation). */
  passbackViolations: z.number().int().min(0).optional(),
};

/** What each step field needs of the terminal, and what the terminal is said to lack otherwise. */
const STEP_ROLES: Record<string, { roles: ScenarioRole[]; lacks: string }> = {
  keys: { roles: ['pos', 'attendance', 'kiosk'], lacks: 'keypad' },
  contact: { roles: ['door'], lacks: 'contact' },
  push: { roles: ['door'], lacks: 'push' },
  override: { roles: ['parking'], lacks: 'operator override' },
  reader: { roles: ['door', 'attendance'], lacks: 'reader of that kind' },
  gate: { roles: ['parking'], lacks: 'barrier' },
};

/** What each check needs of the terminal. */
const CHECK_ROLES: Record<string, { roles: ScenarioRole[]; lacks: string }> = {
  display: { roles: ['pos', 'attendance', 'parking', 'kiosk'], lacks: 'display' },
  notDisplay: { roles: ['pos', 'attendance', 'parking', 'kiosk'], lacks: 'display' },
  beep: { roles: ['pos', 'kiosk'], lacks: 'beep' },
  mode: { roles: ['pos', 'kiosk'], lacks: 'mode' },
  receipt: { roles: ['pos', 'kiosk'], lacks: 'receipt' },
  totals: { roles: ['pos', 'kiosk'], lacks: 'totals' },
  relayLevel: { roles: ['door', 'parking'], lacks: 'relay' },
  relayChanges: { roles: ['door', 'parking'], lacks: 'relay' },
  passbackViolations: { roles: ['door'], lacks: 'anti-passback' },
};
export const RELAY_CHECKS = ['relayLevel', 'relayChanges'] as const;
/** Every check a role terminal adds to the POS's (schema.ts lists them all). */
export const ROLE_CHECKS = [...RELAY_CHECKS, 'passbackViolations'] as const;

const SECTIONS = ['door', 'attendance', 'parking', 'kiosk'] as const;

/** A role terminal's section as the terminal would take it, or why not (a config file's message). */
export function roleSectionProblem(t: TerminalSpec): string | null {
  for (const section of SECTIONS) {
    if (t.role === section && t[section] === undefined)
      return `terminal "${t.name}": role "${section}" needs a "${section}" section`;
    if (t.role !== section && t[section] !== undefined)
      return `terminal "${t.name}": a "${section}" section needs role "${section}"`;
  }
  if (t.role === 'pos') return null;
  try {
    simTerminalConfig({ name: t.name, id: t.id, [t.role]: t[t.role], ...cardClassesOf(t) }, '/nonexistent');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const cardClassesOf = (t: TerminalSpec) => (t.cardClasses ? { cardClasses: t.cardClasses } : {});

/** Whether the terminal's door section has a door of that id (called after the sections were checked). */
function doorIdProblem(sc: Scenario, terminalName: string, doorId: number): string | null {
  const section = sc.terminals.find((t) => t.name === terminalName)?.door as { doors?: { id?: unknown }[] } | undefined;
  const ids = (section?.doors ?? []).map((d) => d.id);
  return ids.includes(doorId) ? null : `terminal "${terminalName}" has no door ${doorId} (has: ${ids.join(', ')})`;
}

/** How a message names the role: the POS in capitals, as people write it. */
const label = (role: ScenarioRole) =>
  role === 'pos' ? 'a POS' : role === 'attendance' ? 'an attendance' : `a ${role}`;

export const roleOf = (sc: Scenario, name: string): ScenarioRole =>
  sc.terminals.find((t) => t.name === name)?.role ?? 'pos';

/** A step's role fields against its terminal's role; the first problem, or null. `at` is "step 4". */
export function roleStepProblem(sc: Scenario, step: ScenarioStep, at: string): string | null {
  const name = step.terminal ?? sc.terminals[0].name;
  const role = roleOf(sc, name);
  const cards = sc.cards.map((c) => c.name);
  for (const [field, need] of Object.entries(STEP_ROLES)) {
    if (step[field as keyof ScenarioStep] !== undefined && !need.roles.includes(role))
      return `${at} ${field}: ${label(role)} terminal has no ${need.lacks}`;
  }
  const faulty = (step.tearAfterBytes ?? step.removeBeforeOp) !== undefined;
  if (step.tap !== undefined && faulty && role !== 'pos' && role !== 'parking')
    return `${at} tap: ${label(role)} terminal only reads a card; tearing faults are for a POS or a car park's exit`;
  if (role === 'door' && step.reader === 'break') return `${at} reader: a door's paired readers are "in" or "out"`;
  if (step.reader !== undefined && step.tap === undefined) return `${at} reader: only a tap is at a reader`;
  if (role === 'parking' && step.tap !== undefined && step.gate === undefined)
    return `${at} gate: a tap at a car park names its barrier ("entry" or "exit")`;
  if (step.gate !== undefined && step.tap === undefined) return `${at} gate: only a tap is at a barrier`;
  if (step.override === undefined) {
    const extra = (['operator', 'card'] as const).find((f) => step[f] !== undefined);
    if (extra)
      return `${at} ${extra}: only an "override" step names an ${extra === 'card' ? "car's card" : 'operator'}`;
  } else {
    if (step.operator === undefined) return `${at} override: needs "operator" (whose word opens it?)`;
    for (const f of ['operator', 'card'] as const) {
      const card = step[f];
      if (card !== undefined && !cards.includes(card))
        return `${at} ${f}: card "${card}" is not declared (have: ${cards.join(', ') || 'none'})`;
    }
    if (step.override === 'lost-ticket' && step.card === undefined)
      return `${at} override: a lost ticket needs "card" (who pays the fee?)`;
    if (step.override !== 'lost-ticket' && step.card !== undefined)
      return `${at} card: "${step.override}" takes no card`;
  }
  if (step.door !== undefined) {
    if (step.tap === undefined && step.contact === undefined && step.push === undefined)
      return `${at} door: only a tap, contact or push is at a door`;
    const wrong = doorIdProblem(sc, name, step.door);
    if (wrong !== null) return `${at} door: ${wrong}`;
  }
  return null;
}

/** An expectation's checks against the checked terminal's role; the first problem, or null. */
export function roleExpectProblem(sc: Scenario, e: Expectation, terminalName: string, at: string): string | null {
  const role = roleOf(sc, terminalName);
  for (const [field, need] of Object.entries(CHECK_ROLES)) {
    if (e[field as keyof Expectation] !== undefined && !need.roles.includes(role))
      return `${at} expect.${field}: ${label(role)} terminal has no ${need.lacks}`;
  }
  const relayCheck = RELAY_CHECKS.find((f) => e[f] !== undefined);
  if (e.door !== undefined) {
    if (!relayCheck) return `${at} expect.door: names a door but checks none of ${RELAY_CHECKS.join(', ')}`;
    const wrong = doorIdProblem(sc, terminalName, e.door);
    if (wrong !== null) return `${at} expect.door: ${wrong}`;
  }
  if (e.gate !== undefined && role !== 'parking') return `${at} expect.gate: ${label(role)} terminal has no barrier`;
  if (e.gate !== undefined && !relayCheck)
    return `${at} expect.gate: names a barrier but checks none of ${RELAY_CHECKS.join(', ')}`;
  if (role === 'parking' && relayCheck && e.gate === undefined)
    return `${at} expect.${relayCheck}: needs "gate" (the entry or the exit barrier's relay?)`;
  return null;
}
