import { formatCents } from '../../firmware/core/money.ts';
import type { PosOutput } from '../../firmware/pos/pos.ts';
import { screenText } from '../../firmware/kiosk/screen.ts';
import { scanJournal } from '../journal-scan.ts';
import { SimWorld, type SimReaderKind } from '../world.ts';
import { roleProblems, runRoleStep } from './role-steps.ts';
import { durationMs, splitKeys, toUnits, type Expectation, type Scenario, type ScenarioStep } from './schema.ts';

/**
 * Runs a scenario on a fresh SimWorld and checks its expectations. A failed
 * expectation does not stop the run: every failure is reported, each naming
 * its step and what was expected against what was found.
 */
export interface ScenarioResult {
  ok: boolean;
  failures: string[];
  transcript: string[];
}

export async function runScenario(
  sc: Scenario,
  opts: { dataDir?: string; reader?: SimReaderKind } = {},
): Promise<ScenarioResult> {
  const world = new SimWorld({
    seed: sc.seed,
    startMs: Date.parse(sc.start),
    reader: opts.reader ?? 'virtual',
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  });
  const failures: string[] = [];
  const transcript: string[] = [];
  const last = new Map<string, PosOutput>();
  /** A role terminal's last line (a punch clock's screen, a barrier's display): what `display` checks there. */
  const shownByRole = new Map<string, string[]>();
  try {
    for (const t of sc.terminals) {
      const spec = {
        name: t.name,
        id: t.id,
        ...(t.tenant !== undefined ? { tenantId: t.tenant } : {}),
        ...(t.pos ? { pos: t.pos } : {}),
        ...(t.cardClasses ? { cardClasses: t.cardClasses } : {}),
        ...(t.door ? { door: t.door } : {}),
        ...(t.attendance ? { attendance: t.attendance } : {}),
        ...(t.parking ? { parking: t.parking } : {}),
      };
      if (t.kiosk) await world.kiosks.add({ ...spec, kiosk: t.kiosk });
      else world.addTerminal(spec);
      if (t.blacklist?.length) world.terminal(t.name).terminal.blacklist.replaceAll(1, t.blacklist);
    }
    for (const c of sc.cards) {
      await world.addCard({
        name: c.name,
        uid: c.uid,
        number: c.number,
        cardClass: c.class,
        balanceCents: toUnits(c.balance),
        subsidyCents: toUnits(c.subsidy),
        ...(c.pin ? { pin: c.pin } : {}),
        ...(c.expires ? { expires: c.expires } : {}),
        ...(c.frozen ? { frozen: true } : {}),
        ...(c.countPurse ? { countPurse: true } : {}),
        ...(c.tenant !== undefined ? { tenantId: c.tenant } : {}),
      });
    }
    const defaultTerminal = sc.terminals[0].name;
    for (const [i, step] of sc.steps.entries()) {
      const label = `step ${i + 1}${step.note ? ` (${step.note})` : ''}`;
      const name = step.terminal ?? defaultTerminal;
      const said = (await runRoleStep(world, step, name)) ?? (await runKioskStep(world, step, name));
      if (said !== null) {
        shownByRole.set(name, [said]);
        transcript.push(`${label} ${name}: ${said}`);
      }
      const out = said === null ? await runStep(world, step, name) : null;
      if (out) {
        last.set(name, out);
        transcript.push(
          `${label} ${name}: ${out.screen.cashier.en} | ${out.screen.customer.en}${out.beeps.length ? ` [${out.beeps.join(',')}]` : ''}`,
        );
      }
      if (step.expect) {
        const problems = await check(world, step.expect, step.expect.terminal ?? name, last, shownByRole);
        for (const p of problems) failures.push(`${label}: ${p}`);
        transcript.push(`${label} expect: ${problems.length ? 'FAILED' : 'ok'}`);
      }
    }
  } finally {
    world.close();
  }
  return { ok: failures.length === 0, failures, transcript };
}

async function runStep(world: SimWorld, step: ScenarioStep, name: string): Promise<PosOutput | null> {
  if (step.keys !== undefined) {
    let out: PosOutput | null = null;
    for (const k of splitKeys(step.keys)) out = world.key(name, k);
    return out;
  }
  if (step.tap !== undefined) {
    return world.tap(name, step.tap, {
      ...(step.tearAfterBytes !== undefined ? { tearAfterBytes: step.tearAfterBytes } : {}),
      ...(step.removeBeforeOp !== undefined ? { removeBeforeOp: step.removeBeforeOp } : {}),
    });
  }
  // The world's timers fire on the way: a relay pulse ends, a held-open alarm starts, at its virtual instant.
  if (step.advance !== undefined) await world.scheduler.run(durationMs(step.advance));
  if (step.restart) world.restart(name);
  return null;
}

/**
 * A step at a kiosk: a tap lays the card on the reader (it stays, as at a
 * real kiosk, until `remove`), a bill goes through its whole life, a fault
 * is done to a twin; time advanced runs a poll after it. What the screen
 * says then, or null when the terminal is not a kiosk.
 */
async function runKioskStep(world: SimWorld, step: ScenarioStep, name: string): Promise<string | null> {
  if (world.terminal(name).terminal.role.role !== 'kiosk') return null;
  let did: string;
  if (step.tap !== undefined) {
    await world.kiosks.tap(name, step.tap);
    await world.kiosks.run(name, 2); // the bill types this card may take reach the validator
    did = `tap ${step.tap}`;
  } else if (step.bill !== undefined) {
    const refused = await world.kiosks.bill(name, toUnits(step.bill));
    did = refused ?? `bill ${formatCents(toUnits(step.bill))}`;
  } else if (step.fault !== undefined) {
    await world.kiosks.fault(name, step.fault);
    did = step.fault;
  } else if (step.remove) {
    await world.kiosks.cardGone(name);
    did = 'card removed';
  } else if (step.advance !== undefined) {
    await world.scheduler.run(durationMs(step.advance));
    await world.kiosks.run(name, 1);
    did = `advance ${step.advance}`;
  } else return null;
  return `${did} | ${screenText(world.kiosks.app(name).screen)[1]}`;
}

async function check(
  world: SimWorld,
  e: Expectation,
  terminalName: string,
  last: Map<string, PosOutput>,
  shownByRole: Map<string, string[]>,
): Promise<string[]> {
  const problems: string[] = roleProblems(world, e, terminalName);
  if (e.card !== undefined) {
    const card = await world.inspect(e.card);
    const unitOf = (n: number) => (card.identity.flags.countPurse ? `${n}` : formatCents(n));
    if (e.balance !== undefined && card.purse.balance !== toUnits(e.balance))
      problems.push(
        `card ${e.card} balance: expected ${unitOf(toUnits(e.balance))}, found ${unitOf(card.purse.balance)}`,
      );
    if (e.subsidy !== undefined && card.purse.subsidy !== toUnits(e.subsidy))
      problems.push(
        `card ${e.card} subsidy: expected ${unitOf(toUnits(e.subsidy))}, found ${unitOf(card.purse.subsidy)}`,
      );
    if (e.counter !== undefined && card.purse.counter !== e.counter)
      problems.push(`card ${e.card} counter: expected ${e.counter}, found ${card.purse.counter}`);
  }
  const t = world.terminal(terminalName).terminal;
  const out = last.get(terminalName);
  const kiosk = t.role.role === 'kiosk' ? t.role.kiosk : null;
  const shown = kiosk
    ? screenText(kiosk.screen)
    : out
      ? [out.screen.cashier.zh, out.screen.cashier.en, out.screen.customer.zh, out.screen.customer.en]
      : (shownByRole.get(terminalName) ?? []);
  if (e.display !== undefined && !shown.some((l) => l.includes(e.display!)))
    problems.push(
      `terminal ${terminalName} display: expected to contain "${e.display}", shows ${JSON.stringify(shown)}`,
    );
  if (e.notDisplay !== undefined && shown.some((l) => l.includes(e.notDisplay!)))
    problems.push(
      `terminal ${terminalName} display: must not contain "${e.notDisplay}", shows ${JSON.stringify(shown)}`,
    );
  if (e.beep !== undefined && !out?.beeps.includes(e.beep))
    problems.push(`terminal ${terminalName} beep: expected "${e.beep}", got ${JSON.stringify(out?.beeps ?? [])}`);
  // A kiosk's receipts are what its printer twin put on paper; a POS's, what its last output printed.
  const printed = kiosk
    ? world.kiosks.twins(terminalName).printer.transcript().split('\n')
    : (out?.receipts.flatMap((r) => r.lines) ?? []);
  if (e.receipt !== undefined && !printed.some((l) => l.includes(e.receipt!)))
    problems.push(`terminal ${terminalName} receipt: expected a line containing "${e.receipt}"`);
  if (e.mode !== undefined && t.pos.mode !== e.mode)
    problems.push(`terminal ${terminalName} mode: expected ${e.mode}, is ${t.pos.mode}`);
  if (e.journal !== undefined) {
    const count = [...scanJournal(t.journal)].filter((r) => r.kind === e.journal!.kind).length;
    if (count !== e.journal.count)
      problems.push(
        `terminal ${terminalName} journal: expected ${e.journal.count} "${e.journal.kind}" records, found ${count}`,
      );
  }
  if (e.totals !== undefined) {
    const got = t.journal.totals(e.totals.scope, e.totals.key);
    const want = toUnits(e.totals.amount);
    if (got.count !== e.totals.count || got.amountCents !== want) {
      problems.push(
        `terminal ${terminalName} totals ${e.totals.scope} ${e.totals.key}: expected ${e.totals.count} / ${formatCents(want)}, found ${got.count} / ${formatCents(got.amountCents)}`,
      );
    }
  }
  if (e.reconciled) {
    const r = await world.reconcile();
    if (!r.ok) problems.push(`money does not reconcile: ${r.problems.join('; ')}`);
  }
  return problems;
}
