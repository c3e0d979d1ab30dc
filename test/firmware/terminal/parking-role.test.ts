import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../base/log.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { CardApp } from '../../../firmware/card/app.ts';
import { parseConfig } from '../../../firmware/config/schema.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { composedOrThrow, composeTerminal } from '../../../firmware/terminal/compose.ts';
import { KIND } from '../../../protocol/index.ts';
import { issueSimCard } from '../../../simulator/card/issue.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';
import { localMs } from '../door/fixtures.ts';
import { RATES } from '../parking/rates.ts';

const ENTRY_LINE = 5;
const EXIT_LINE = 12;
const BALANCE_CENTS = 10_000;

async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-parking-role-'));
  const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: 'park1', id: 501 }, dir)));
  const clock = new ManualClock(localMs('2026-12-07', 22, 10));
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  const masterKeys = deriveSimMasterKeys(5);
  const terminal = composedOrThrow(
    composeTerminal({
      config: parseConfig({
        ...base,
        terminal: { ...base.terminal, roles: ['parking'] },
        parking: {
          entryRelay: { line: ENTRY_LINE, wiring: 'fail-secure', releaseMs: 2_000 },
          exitRelay: { line: EXIT_LINE, wiring: 'fail-secure', releaseMs: 2_000 },
          rates: RATES,
        },
      }),
      masterKeys,
      clock,
      log: silentLogger,
      scheduler,
      gpio: { port: new Gpio(pins, scheduler), scheduler, signals: null },
    }),
  );
  const card = await issueSimCard(
    { name: 'dan', uid: '04d0d0d0', number: 2002, cardClass: 1, balanceCents: BALANCE_CENTS },
    masterKeys,
    clock,
  );
  const reader = new VirtualReader();
  const gates = terminal.role.role === 'parking' ? terminal.role.gates : assert.fail('not a parking terminal');
  const tap = (gate: 'entry' | 'exit') => {
    reader.remove();
    reader.place(card);
    return gates.tap(gate, reader.open()!);
  };
  const balance = async () => {
    reader.remove();
    reader.place(card);
    const read = await new CardApp(masterKeys).read(reader.open()!);
    return read.ok ? read.card.purse.balance : assert.fail(read.problem);
  };
  /** The barrier's lifts: the relay claimed at 0 (held), each pulse a 1. */
  const lifts = (line: number) => pins.changes(line).filter(([, level]) => level === 1).length;
  const close = () => {
    terminal.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { terminal, clock, scheduler, card, tap, balance, lifts, close };
}

test('parking: entry lifts its barrier, a second entry is refused, the exit charges the purse', async () => {
  const r = await rig();
  try {
    assert.equal((await r.tap('entry')).kind, 'lifted');
    assert.equal(r.lifts(ENTRY_LINE), 1, 'the entry relay pulsed through the GPIO driver');
    assert.equal((await r.tap('entry')).kind, 'refused', 'a car inside cannot enter again without an exit');
    r.clock.advance(3.5 * 3_600_000); // 22:10 → 01:40: two steps each side of midnight
    const exit = await r.tap('exit');
    assert.deepEqual(exit, { kind: 'lifted', gate: 'exit', feeCents: 1_400 });
    assert.equal(await r.balance(), BALANCE_CENTS - 1_400);
    assert.equal(r.lifts(EXIT_LINE), 1);
    const kinds = r.terminal.journal.byCard(2002, 10).map((x) => x.kind);
    assert.deepEqual(
      kinds.filter((k) => k.startsWith('parking.')),
      [KIND.parkingExit, KIND.parkingEntry],
    );
  } finally {
    r.close();
  }
});

test('a card torn at the exit: the barrier stays down, the next tap settles it, the fee is taken once', async () => {
  const r = await rig();
  try {
    await r.tap('entry');
    r.clock.advance(2 * 3_600_000);
    r.card.armTear(32); // both blocks written, the read-back lost: landed, but the terminal cannot know yet
    assert.equal((await r.tap('exit')).kind, 'tap-again');
    assert.equal(r.lifts(EXIT_LINE), 0, 'no barrier without the payment');
    r.card.disarm();
    assert.equal((await r.tap('exit')).kind, 'lifted');
    assert.equal(await r.balance(), BALANCE_CENTS - 800, 'one fee: 500 + 300');
    assert.equal(r.lifts(EXIT_LINE), 1);
  } finally {
    r.close();
  }
});
