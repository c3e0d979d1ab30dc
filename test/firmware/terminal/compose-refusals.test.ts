import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../base/log.ts';
import type { GpioLines } from '../../../drivers/gpio/index.ts';
import { Gpio } from '../../../drivers/gpio/port.ts';
import { parseConfig, type TerminalConfig } from '../../../firmware/config/schema.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { composeTerminal } from '../../../firmware/terminal/compose.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';

/**
 * What composeTerminal refuses names the field an installer must change:
 * the data dir when a store will not open, the role's section when what it
 * drives (a relay's GPIO line) will not, never the one for the other.
 */
const RELAY_LINE = 5;

function config(dataDir: string, role: 'pos' | 'door'): TerminalConfig {
  const base = JSON.parse(JSON.stringify(simTerminalConfig({ name: 't1', id: 301 }, dataDir))) as Record<
    string,
    unknown
  >;
  const door = {
    doors: [{ id: 0, relay: { line: RELAY_LINE, wiring: 'fail-secure', releaseMs: 3_000 } }],
    timeZones: [],
    rules: [],
  };
  return parseConfig({
    ...base,
    storage: { ...(base.storage as object), dataDir },
    terminal: { ...(base.terminal as object), roles: [role] },
    ...(role === 'door' ? { door } : {}),
  });
}

function compose(cfg: TerminalConfig, lines: GpioLines) {
  const clock = new ManualClock(Date.parse('2026-12-07T09:00:00+08:00'));
  const scheduler = new VirtualScheduler(clock);
  return composeTerminal({
    ...{ config: cfg, masterKeys: deriveSimMasterKeys(7), clock, log: silentLogger, scheduler },
    gpio: { port: new Gpio(lines, scheduler), scheduler, signals: null },
  });
}

/** The twin's lines, except that one output line is held by another program (as gpiod says EBUSY). */
function busyLine(clock = new ManualClock(0)): GpioLines {
  const pins = new SimGpioLines(clock);
  return {
    claimOutput: (line, initial) => {
      if (line === RELAY_LINE) throw new Error(`GPIO line ${line} is busy (held by another program)`);
      pins.claimOutput(line, initial);
    },
    write: (line, level) => pins.write(line, level),
    claimInput: (line, onRaw) => pins.claimInput(line, onRaw),
    close: () => pins.close(),
  };
}

test("a relay line the GPIO will not give is refused under the role's section, not the data dir", () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-compose-'));
  try {
    const c = compose(config(join(dir, 'data'), 'door'), busyLine());
    assert.ok(!c.ok);
    assert.equal(c.field, 'door');
    assert.match(c.message, /^door: cannot open the door role: GPIO line 5 is busy/);
    // The stores it opened are closed again: the same data dir opens at once.
    const again = compose(config(join(dir, 'data'), 'door'), new SimGpioLines(new ManualClock(0)));
    assert.ok(again.ok, again.ok ? '' : again.message);
    again.terminal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data dir the stores cannot open in is refused as storage.dataDir, for the POS and a role alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-compose-'));
  try {
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, 'not a directory');
    for (const role of ['pos', 'door'] as const) {
      const c = compose(config(notADir, role), new SimGpioLines(new ManualClock(0)));
      assert.ok(!c.ok, role);
      assert.equal(c.field, 'storage.dataDir', role);
      assert.match(c.message, /^storage\.dataDir: cannot open the stores in .*a-file: /, role);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
