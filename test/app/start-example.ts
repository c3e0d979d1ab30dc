import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readConfigFile } from '../../app/config/config-file.ts';
import { type RunningTerminal, startTerminal } from '../../app/run/service.ts';
import { silentLogger } from '../../base/log.ts';
import { ManualClock } from '../../firmware/core/clock.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';

/**
 * An examples/terminal-*-sim.json config run as `onecard run` runs it
 * (startTerminal → composeTerminal), its data under `dir`, on virtual time
 * from `startIso`.
 */
export async function startExample(
  example: string,
  dir: string,
  startIso: string,
): Promise<{ t: RunningTerminal; clock: ManualClock; scheduler: VirtualScheduler }> {
  const read = readConfigFile(example);
  assert.ok(read.ok, read.ok ? '' : read.message);
  const config = { ...read.config, storage: { ...read.config.storage, dataDir: join(dir, 'data') } };
  const clock = new ManualClock(Date.parse(startIso));
  const scheduler = new VirtualScheduler(clock);
  const started = await startTerminal(config, {
    ...{ clock, scheduler, log: silentLogger },
    nowUs: () => clock.nowMs() * 1000,
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  return { t: started.value, clock, scheduler };
}
