import { formatCents } from '../../firmware/core/money.ts';
import type { GateOutcome, OverrideAction } from '../../firmware/parking/gate-app.ts';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { KIND } from '../../protocol/index.ts';
import { scanJournal } from '../journal-scan.ts';
import type { SimWorld } from '../world.ts';
import type { Expectation, ScenarioStep } from './schema.ts';

/**
 * Scenario steps at door, attendance and parking terminals (docs/scenarios.md):
 * each goes through what `onecard run` runs — a tap through roleTap on the
 * terminal's reader, a contact or exit button through the GPIO driver on the
 * twin, an operator's override through the car park's app. What the terminal
 * said is the step's line in the transcript and what `display` checks.
 */

/** A role terminal's app, or null for a POS (the runner's own steps handle it). */
function roleApp(world: SimWorld, name: string) {
  const app = world.terminal(name).terminal.role;
  return app.role === 'pos' ? null : app;
}

/** What the step made the terminal say, or null when the step is not a role step (advance, restart, a POS's). */
export async function runRoleStep(world: SimWorld, step: ScenarioStep, name: string): Promise<string | null> {
  const app = roleApp(world, name);
  if (app === null) return null;
  const faults = {
    ...(step.tearAfterBytes !== undefined ? { tearAfterBytes: step.tearAfterBytes } : {}),
    ...(step.removeBeforeOp !== undefined ? { removeBeforeOp: step.removeBeforeOp } : {}),
  };
  if (app.role === 'door') return doorStep(world, step, name);
  if (app.role === 'attendance') {
    if (step.keys !== undefined) {
      const said = step.keys
        .trim()
        .split(/\s+/)
        .map((k) => app.punches.key(k.toLowerCase()))
        .map((r) => (r.ok ? `next punch: ${r.type}` : r.message));
      return said.join('; ');
    }
    if (step.tap === undefined) return null;
    const punchType = step.reader ?? null;
    return (await world.roleTap(name, step.tap, { punchType }, faults)).text;
  }
  if (step.tap !== undefined && step.gate !== undefined)
    return (await world.roleTap(name, step.tap, { gate: step.gate }, faults)).text;
  if (step.override !== undefined && step.operator !== undefined) {
    const operator = world.card(step.operator).spec.number;
    const out = await gateOverride(world, name, step.override, operator, step.card ?? null);
    const fee = out.kind === 'lifted' && out.gate === 'exit' ? `, fee ${formatCents(out.feeCents)}` : '';
    return out.kind === 'lifted'
      ? `override ${step.override}: ${out.gate} barrier up${fee}`
      : `override ${step.override}: ${out.gate} barrier stays down — ${out.detail}`;
  }
  return null;
}

/** The operator at a car park's booth overrides a barrier; a lost ticket's fee is taken from `cardName`'s card. */
async function gateOverride(
  world: SimWorld,
  terminalName: string,
  action: OverrideAction,
  operatorCard: number,
  cardName: string | null,
): Promise<GateOutcome> {
  const t = world.terminal(terminalName);
  const app = t.terminal.role;
  if (app.role !== 'parking') throw new Error(`terminal "${terminalName}" is not a car park`);
  const out =
    cardName === null
      ? await app.gates.override(action, operatorCard, null)
      : await world.present(t, world.card(cardName).card, {}, (s) => app.gates.override(action, operatorCard, s));
  await world.scheduler.run(0);
  return out;
}

/** The door of that id in a door terminal's config, or undefined (not a door terminal). */
function doorOf(world: SimWorld, terminalName: string, doorId = 0) {
  return world.terminal(terminalName).terminal.config.door?.doors.find((d) => d.id === doorId);
}

/** A tap, contact or exit-button step at a door: what the door did, or null when the step is none of them. */
async function doorStep(world: SimWorld, step: ScenarioStep, name: string): Promise<string | null> {
  const door = doorOf(world, name, step.door);
  if (!door) return null;
  const at = `door ${door.id}`;
  if (step.tap !== undefined) {
    const direction = step.reader === 'in' || step.reader === 'out' ? step.reader : null;
    const out = await world.roleTap(name, step.tap, { doorId: door.id, direction });
    return `${at}${direction ? ` ${direction}-reader` : ''} ${out.kind}: ${out.text}`;
  }
  if (step.contact !== undefined) {
    if (!door.contact) return `${at} has no contact`;
    const active = door.contact.activeLevel;
    await world.driveInput(name, door.contact.line, step.contact === 'open' ? active : active ? 0 : 1);
    return `${at} contact ${step.contact}`;
  }
  if (step.push !== undefined) {
    if (!door.exitButton) return `${at} has no exit button`;
    const active = door.exitButton.activeLevel;
    await world.driveInput(name, door.exitButton.line, active);
    await world.driveInput(name, door.exitButton.line, active ? 0 : 1);
    return `${at} exit button pushed`;
  }
  return null;
}

/** The relay line an expectation reads: a door's relay, or a car park barrier's; undefined for a POS. */
function relayLineOf(world: SimWorld, e: Expectation, terminalName: string): number | undefined {
  const config = world.terminal(terminalName).terminal.config;
  if (config.parking) return e.gate === 'exit' ? config.parking.exitRelay.line : config.parking.entryRelay.line;
  return doorOf(world, terminalName, e.door)?.relay.line;
}

/** A relay's level now and how often it changed after the claim (the first entry); soft passbacks flagged. */
export function roleProblems(world: SimWorld, e: Expectation, terminalName: string): string[] {
  const problems: string[] = [];
  const line = relayLineOf(world, e, terminalName);
  if (line !== undefined && (e.relayLevel !== undefined || e.relayChanges !== undefined)) {
    const changes = world.terminal(terminalName).pins!.levels(line);
    const level = changes.at(-1)?.[1];
    if (e.relayLevel !== undefined && level !== e.relayLevel)
      problems.push(`terminal ${terminalName} relay line ${line}: expected level ${e.relayLevel}, is ${level}`);
    if (e.relayChanges !== undefined && changes.length - 1 !== e.relayChanges)
      problems.push(
        `terminal ${terminalName} relay line ${line}: expected ${e.relayChanges} changes, found ${changes.length - 1}`,
      );
  }
  if (e.passbackViolations !== undefined) {
    const journal = world.terminal(terminalName).terminal.journal;
    const flagged = [...scanJournal(journal)].filter(
      (r) => isRecordOf(r, KIND.doorGranted) && r.body.passbackViolation,
    ).length;
    if (flagged !== e.passbackViolations)
      problems.push(
        `terminal ${terminalName} passback violations: expected ${e.passbackViolations} flagged, found ${flagged}`,
      );
  }
  return problems;
}
