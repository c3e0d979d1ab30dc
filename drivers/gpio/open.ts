/**
 * Opens the GPIO backend a config's `gpio` section (./config.ts) names. The
 * twin comes in as a factory so drivers/ never imports simulator/.
 */
import type { Scheduler } from '../../base/scheduler.ts';
import type { Logger } from '../../base/log.ts';
import type { GpioConfig } from './config.ts';
import { openGpiod, systemSpawner, type Spawner } from './gpiod.ts';
import type { GpioLines, GpioPort } from './index.ts';
import { openOnoff } from './onoff.ts';
import { Gpio } from './port.ts';

export interface GpioDeps {
  scheduler: Scheduler;
  /** Microseconds on a monotonic clock: onoff's edge stamps (gpiod and the twin stamp their own). */
  nowUs: () => number;
  /** The twin's lines, for backend "sim" (the composition root passes simulator/gpio's SimGpioLines). */
  sim?: () => GpioLines;
  spawner?: Spawner;
  log?: Logger;
}

export async function openGpio(
  config: GpioConfig,
  deps: GpioDeps,
): Promise<{ ok: true; port: GpioPort } | { ok: false; message: string }> {
  let opened: { ok: true; lines: GpioLines } | { ok: false; message: string };
  if (config.backend === 'gpiod')
    opened = await openGpiod(deps.spawner ?? systemSpawner, { chip: config.chip, log: deps.log });
  else if (config.backend === 'onoff') opened = await openOnoff({ nowUs: deps.nowUs, sysfsLabel: config.sysfsLabel });
  else
    opened = deps.sim
      ? { ok: true, lines: deps.sim() }
      : { ok: false, message: 'gpio.backend "sim" runs only in the simulator' };
  if (!opened.ok) return { ok: false, message: `gpio (${config.backend}): ${opened.message}` };
  return { ok: true, port: new Gpio(opened.lines, deps.scheduler) };
}
