import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTerminal } from '../../app/run/service.ts';
import { ManualClock } from '../../base/clock.ts';
import { silentLogger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { parseConfig } from '../../firmware/config/schema.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';

/**
 * `onecard run` with the example's face twins, in process: the keypad's
 * bytes become the POS's keys, a tap's result reaches the panel, the pole
 * display and the voice, through the service's own loop.
 */
const EXAMPLE = new URL('../../examples/terminal-sim.json', import.meta.url);

test('the service routes keypad keys to the POS and every result to the panel, pole display and voice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-run-face-'));
  const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { storage: { dataDir: string } };
  raw.storage.dataDir = join(dir, 'data');
  const config = parseConfig(raw);
  const clock = new ManualClock(Date.parse('2026-11-23T11:30:00+08:00'));
  // The poll loop's timers run when the test says so.
  const due: (() => void)[] = [];
  const scheduler: Scheduler = {
    after: (_ms, fn) => {
      due.push(fn);
      return () => {};
    },
  };
  const started = await startTerminal(config, {
    clock,
    scheduler,
    nowUs: () => clock.nowMs() * 1000,
    log: silentLogger,
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const run = started.value;
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  try {
    const twins = run.peripherals.face.twins;
    twins.keypad!.press([{ key: 'KP1' }, { key: 'KP2' }, { key: 'KPDOT' }, { key: 'KP5' }, { key: 'KPENTER' }]);
    await tick();
    assert.deepEqual([twins.customerDisplay!.glass().lamp, twins.customerDisplay!.glass().lines.A], [2, '12.50']);
    assert.equal(twins.display!.rows()[1], '应收 12.50, 请刷');

    const card = await issueSimCard(
      { name: 'ann', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 },
      deriveSimMasterKeys(config.sim!.seed),
      clock,
    );
    run.peripherals.reader.twin!.place(card);
    for (let i = 0; i < 50 && run.loop().taps === 0; i++) {
      due.splice(0).forEach((fn) => fn());
      await tick();
    }
    for (let i = 0; i < 50 && twins.voice!.said.length === 0; i++) await tick();
    assert.equal(run.loop().taps, 1);
    assert.equal(twins.display!.rows()[1], '收款成功 12.50  ');
    assert.deepEqual([twins.customerDisplay!.glass().lamp, twins.customerDisplay!.glass().lines.A], [3, '12.50']);
    assert.equal(twins.voice!.said[0]!.text, '消费十二元五角pause余额三十七元五角');
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
