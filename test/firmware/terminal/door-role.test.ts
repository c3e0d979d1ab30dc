import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../base/log.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { parseConfig, type TerminalConfig } from '../../../firmware/config/schema.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { isRecordOf } from '../../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { composedOrThrow, composeTerminal } from '../../../firmware/terminal/compose.ts';
import { KIND } from '../../../protocol/index.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';
import { identity, localMs, LOST_CARD, NIGHT, OFFICE, STAFF } from '../door/fixtures.ts';

const RELAY_LINE = 5;
const CONTACT_LINE = 6;

/** A terminal whose config names the door role: one door, its relay on line 5, office hours for staff. */
function doorConfig(
  dir: string,
  over: Record<string, unknown> = {},
  door: Record<string, unknown> = {},
): TerminalConfig {
  const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: 'door1', id: 301 }, dir))) as Record<
    string,
    unknown
  >;
  return parseConfig({
    ...base,
    terminal: { ...(base.terminal as object), roles: ['door'] },
    door: {
      doors: [
        {
          id: 0,
          relay: { line: RELAY_LINE, wiring: 'fail-secure', releaseMs: 3_000 },
          contact: { line: CONTACT_LINE, activeLevel: 1 },
          ...door,
        },
      ],
      timeZones: [OFFICE, NIGHT],
      rules: [{ cardClass: STAFF, doors: 0b1, timeZoneId: OFFICE.id }],
    },
    ...over,
  });
}

function rig(dir = mkdtempSync(join(tmpdir(), 'onecard-door-role-')), door: Record<string, unknown> = {}) {
  const clock = new ManualClock(localMs('2026-12-07', 9));
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  pins.drive(CONTACT_LINE, 0);
  const port = new Gpio(pins, scheduler);
  const terminal = composedOrThrow(
    composeTerminal({
      config: doorConfig(dir, {}, door),
      masterKeys: deriveSimMasterKeys(7),
      clock,
      log: silentLogger,
      scheduler,
      gpio: { port, scheduler, signals: null },
    }),
  );
  const startUs = clock.nowMs() * 1000;
  const close = (keep = false) => {
    terminal.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  return { dir, terminal, clock, scheduler, pins, relay: () => pins.changes(RELAY_LINE, startUs), close };
}

test('a door terminal from its config: a valid tap pulses the relay through the GPIO driver, journaled', async () => {
  const r = rig();
  try {
    assert.equal(r.terminal.role.role, 'door');
    // Only the role's app is opened: a door terminal builds no POS, and asking for one says why.
    assert.equal(r.terminal.hasPos, false);
    assert.throws(() => r.terminal.pos, /^Error: terminal 301 has the door role: it has no POS$/);
    if (r.terminal.role.role !== 'door') return;
    const claimed = r.relay().length;
    const verdict = r.terminal.role.doors.tap(0, { kind: 'card', identity: identity({ cardNumber: 1001 }) });
    assert.equal(verdict.kind, 'open');
    await r.scheduler.run(5_000);
    const pulse = r.relay().slice(claimed);
    assert.equal(pulse.length, 2, 'released, then held again');
    const kinds = r.terminal.journal.byCard(1001, 4).map((x) => x.kind);
    assert.deepEqual(kinds, [KIND.doorGranted]);
  } finally {
    r.close();
  }
});

test('a lost card is refused offline: the relay stays shut and the refusal is journaled with its reason', async () => {
  const r = rig();
  try {
    if (r.terminal.role.role !== 'door') throw new Error('not a door terminal');
    r.terminal.blacklist.applyDelta(0, 1, [LOST_CARD], []);
    const claimed = r.relay().length;
    const verdict = r.terminal.role.doors.tap(0, { kind: 'card', identity: identity({ cardNumber: LOST_CARD }) });
    assert.equal(verdict.kind, 'shut');
    await r.scheduler.run(5_000);
    assert.equal(r.relay().length, claimed, 'the relay line never moved');
    const refused = r.terminal.journal
      .byCard(LOST_CARD, 4)
      .flatMap((x) => (isRecordOf(x, KIND.doorRefused) ? [x] : []));
    assert.deepEqual(
      refused.map((x) => x.body.reason),
      ['blacklisted'],
    );
  } finally {
    r.close();
  }
});

test('the door role refuses a config without its section, and a door terminal without GPIO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-door-role-'));
  try {
    assert.throws(() => doorConfig(dir, { door: undefined }), /the door role needs its "door" section/);
    assert.throws(
      () => doorConfig(dir, {}, { exitButton: { line: RELAY_LINE, activeLevel: 0 } }),
      /GPIO line 5 is already door.doors\[0\].relay: give door.doors\[0\].exitButton its own/,
    );
    const deps = {
      config: doorConfig(dir),
      masterKeys: deriveSimMasterKeys(7),
      clock: new ManualClock(0),
      log: silentLogger,
    };
    // Refusals are values naming the field to change and where the fix is, not exceptions.
    const noGpio = composeTerminal(deps);
    assert.ok(!noGpio.ok);
    assert.equal(noGpio.field, 'peripherals.gpio');
    assert.match(
      noGpio.message,
      /^peripherals\.gpio: the door role drives relays through GPIO: add "peripherals.gpio"/,
    );
    // The schema refuses a door role without its section; a config built in code can still reach compose.
    const { door: _door, ...noDoorSection } = deps.config;
    const noDoor = composeTerminal({ ...deps, config: noDoorSection });
    assert.deepEqual(noDoor, {
      ok: false,
      field: 'door',
      message: 'door: the door role needs its "door" section: add one (docs/roles.md)',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('anti-passback survives a restart: the journal says the card is inside', async () => {
  const hard = { antiPassback: 'hard' };
  const tapIn = (r: ReturnType<typeof rig>, direction: 'in' | 'out') => {
    if (r.terminal.role.role !== 'door') throw new Error('not a door terminal');
    return r.terminal.role.doors.tap(0, { kind: 'card', identity: identity({ cardNumber: 1001 }) }, direction).kind;
  };
  const first = rig(undefined, hard);
  assert.equal(tapIn(first, 'in'), 'open');
  first.close(true); // the terminal restarts: what is on disk is all there is
  const second = rig(first.dir, hard);
  try {
    assert.equal(tapIn(second, 'in'), 'shut', 'still inside after the restart: a second entry is refused');
    assert.equal(tapIn(second, 'out'), 'open');
  } finally {
    second.close();
  }
});

test('examples/terminal-door-sim.json is a door terminal config (onecard run --config)', () => {
  const raw = JSON.parse(readFileSync(new URL('../../../examples/terminal-door-sim.json', import.meta.url), 'utf8'));
  const config = parseConfig(raw, 'terminal-door-sim.json');
  assert.deepEqual(config.terminal.roles, ['door']);
  assert.equal(config.door?.doors[0]?.relay.wiring, 'fail-secure');
});
