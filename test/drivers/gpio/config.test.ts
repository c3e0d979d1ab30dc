import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../base/clock.ts';
import { GpioConfigSchema } from '../../../drivers/gpio/config.ts';
import { openGpio } from '../../../drivers/gpio/open.ts';
import { SimGpioLines } from '../../../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../../../simulator/net/virtual-scheduler.ts';

/** The example in docs/gpio.md, so the doc cannot drift from the schema. */
function docExample(): unknown {
  const m = /```json\n([\s\S]*?)```/.exec(readFileSync('docs/gpio.md', 'utf8'));
  return JSON.parse(m![1]!);
}

test('the documented example is a valid gpio section', () => {
  const c = GpioConfigSchema.parse(docExample());
  assert.equal(c.backend, 'gpiod');
  assert.deepEqual(c.signals.buzzer, { line: 18, activeLow: true });
  assert.deepEqual(c.signals.green, { line: 23, activeLow: false });
});

test('a broken section is refused naming the field', () => {
  const issues = (input: unknown) => {
    const r = GpioConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(issues({ backend: 'gpiod', signals: { buzzer: { line: 17 } }, wiegand: { d0: 17, d1: 27 } }), [
    ': line 17 is already signals.buzzer: give wiegand.d0 its own line',
  ]);
  assert.match(issues({ backend: 'gpiod', chip: '/dev/gpiochip0' })[0]!, /^chip: a chip name like gpiochip0/);
  assert.match(issues({ backend: 'pigpio' })[0]!, /^backend: /);
  assert.match(issues({ backend: 'sim', signals: { red: { line: 64 } } })[0]!, /^signals\.red\.line: /);
  assert.match(issues({ backend: 'sim', buzzer: 18 })[0]!, /buzzer/);
});

test('backend sim opens the twin handed in; without one it says where sim runs', async () => {
  const clock = new ManualClock(0);
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  const config = GpioConfigSchema.parse({ backend: 'sim' });
  const r = await openGpio(config, { scheduler, nowUs: () => 0, sim: () => pins });
  assert.ok(r.ok);
  r.port.output(4, 1);
  assert.deepEqual(pins.changes(4), [[0, 1]]);
  assert.deepEqual(await openGpio(config, { scheduler, nowUs: () => 0 }), {
    ok: false,
    message: 'gpio (sim): gpio.backend "sim" runs only in the simulator',
  });
});
