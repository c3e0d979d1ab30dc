import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../../app/config/config-file.ts';
import { startTerminal } from '../../app/run/service.ts';
import { parseConfig } from '../../firmware/config/schema.ts';
import { silentLogger } from '../../base/log.ts';
import { ManualClock } from '../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';

/**
 * The service's reader loop on virtual time, with the twins of
 * examples/terminal-sim.json: a card placed on the reader is handed to the
 * POS once however long it stays, and the outcome plays on the GPIO twin.
 */
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-sim.json', import.meta.url));
const BUZZER_LINE = 18;

test('a card left on the reader taps once; its result plays on the buzzer; a lifted card taps again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-service-'));
  try {
    const read = readConfigFile(EXAMPLE);
    assert.ok(read.ok);
    const config = { ...read.config, storage: { ...read.config.storage, dataDir: join(dir, 'data') } };
    const clock = new ManualClock(Date.parse('2026-11-23T11:30:00+08:00'));
    const scheduler = new VirtualScheduler(clock);
    const started = await startTerminal(config, {
      ...{ clock, scheduler, log: silentLogger },
      nowUs: () => clock.nowMs() * 1000,
    });
    assert.ok(started.ok, started.ok ? '' : started.message);
    const t = started.value;
    const twin = t.peripherals.reader.twin;
    const gpio = t.peripherals.gpio?.twin;
    assert.ok(twin && gpio, 'the example is all twins');
    const card = await issueSimCard(
      { name: 'a', uid: '04a1a2a3', number: 1001, cardClass: 1, balanceCents: 5_000 },
      deriveSimMasterKeys(1),
      clock,
    );
    twin.place(card);
    await scheduler.run(2_000); // 40 polls with the card on the reader
    assert.equal(t.loop().taps, 1);
    const buzzerOn = gpio.timeline.filter((c) => c.line === BUZZER_LINE && c.direction === 'out' && c.level === 1);
    assert.ok(buzzerOn.length >= 1, 'the tap beeped');

    twin.remove();
    await scheduler.run(200);
    twin.place(card);
    await scheduler.run(200);
    assert.equal(t.loop().taps, 2);
    await t.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a role its peripherals cannot carry is refused naming the field, not as a store error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-service-'));
  try {
    const read = readConfigFile(EXAMPLE);
    assert.ok(read.ok);
    const { gpio: _gpio, ...noGpio } = read.config.peripherals ?? { reader: { kind: 'virtual' } };
    const config = parseConfig({
      ...read.config,
      terminal: { ...read.config.terminal, roles: ['door'] },
      storage: { ...read.config.storage, dataDir: join(dir, 'data') },
      peripherals: noGpio,
      door: {
        doors: [{ id: 0, relay: { line: 5, wiring: 'fail-secure', releaseMs: 3_000 } }],
        timeZones: [],
        rules: [],
      },
    });
    const clock = new ManualClock(Date.parse('2026-11-23T11:30:00+08:00'));
    const started = await startTerminal(config, {
      ...{ clock, scheduler: new VirtualScheduler(clock), log: silentLogger },
      nowUs: () => clock.nowMs() * 1000,
    });
    assert.ok(!started.ok);
    assert.match(
      started.message,
      /^peripherals\.gpio: the door role drives relays through GPIO: add "peripherals.gpio"/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
