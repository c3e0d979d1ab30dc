import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Level } from '../../../drivers/gpio/index.ts';
import { type OnoffGpio, type OnoffModule, openOnoff } from '../../../drivers/gpio/onoff.ts';
import { findSysfsBase, type SysfsReader } from '../../../drivers/gpio/sysfs-base.ts';

/** A /sys/class/gpio tree: chip name → [label, base]. */
function sysfs(chips: Record<string, [string, string]>): SysfsReader {
  return {
    list: (dir) => (dir === '/sys/class/gpio' ? ['export', 'unexport', ...Object.keys(chips)] : null),
    read: (path) => {
      const m = /\/(gpiochip\d+)\/(label|base)$/.exec(path);
      const chip = m ? chips[m[1]!] : undefined;
      return chip ? `${m![2] === 'label' ? chip[0] : chip[1]}\n` : null;
    },
  };
}

test('the header chip base: 0 on old kernels, 512 on a Pi 4 and 571 on a Pi 5 since Linux 6.6', () => {
  assert.deepEqual(findSysfsBase(sysfs({ gpiochip0: ['pinctrl-bcm2711', '0'] })), {
    ok: true,
    base: 0,
    chip: 'gpiochip0',
    label: 'pinctrl-bcm2711',
  });
  const pi4 = sysfs({ gpiochip512: ['pinctrl-bcm2711', '512'], gpiochip570: ['raspberrypi-exp-gpio', '570'] });
  assert.deepEqual(findSysfsBase(pi4), { ok: true, base: 512, chip: 'gpiochip512', label: 'pinctrl-bcm2711' });
  // The Pi 5's on-board bcm2712 chips come first in the listing; the header is on the RP1.
  const pi5 = sysfs({
    gpiochip512: ['pinctrl-bcm2712', '512'],
    gpiochip544: ['pinctrl-bcm2712', '544'],
    gpiochip571: ['pinctrl-rp1', '571'],
  });
  assert.deepEqual(findSysfsBase(pi5), { ok: true, base: 571, chip: 'gpiochip571', label: 'pinctrl-rp1' });
  assert.deepEqual(findSysfsBase(pi5, 'pinctrl-bcm2712'), {
    ok: true,
    base: 512,
    chip: 'gpiochip512',
    label: 'pinctrl-bcm2712',
  });
});

test('no sysfs, or no such chip: a message with the fix', () => {
  assert.match(
    (findSysfsBase({ list: () => null, read: () => null }) as { message: string }).message,
    /no sysfs GPIO, use gpio.backend "gpiod"/,
  );
  assert.deepEqual(findSysfsBase(sysfs({ gpiochip0: ['other', '0'] }), 'pinctrl-rp1'), {
    ok: false,
    message: 'no GPIO chip labelled pinctrl-rp1 (found: gpiochip0 "other"): set gpio.sysfsLabel',
  });
});

test('onoff lines are the chip base plus the line; edges are stamped by the injected clock', async () => {
  const made: {
    gpio: number;
    direction: string;
    writes: Level[];
    watch?: (err: null, v: Level) => void;
    unexported: boolean;
  }[] = [];
  const module: OnoffModule = {
    Gpio: class implements OnoffGpio {
      private readonly rec: (typeof made)[number];
      constructor(gpio: number, direction: string) {
        this.rec = { gpio, direction, writes: [], unexported: false };
        made.push(this.rec);
      }
      writeSync(value: Level) {
        this.rec.writes.push(value);
      }
      watch(cb: (err: null, v: Level) => void) {
        this.rec.watch = cb;
      }
      unexport() {
        this.rec.unexported = true;
      }
    },
  };
  let nowUs = 7_000;
  const r = await openOnoff({
    nowUs: () => nowUs,
    sysfs: sysfs({ gpiochip571: ['pinctrl-rp1', '571'] }),
    load: async () => ({ ok: true, module }),
  });
  assert.ok(r.ok);
  r.lines.claimOutput(18, 0);
  r.lines.write(18, 1);
  const seen: [number, Level][] = [];
  r.lines.claimInput(17, (t, level) => seen.push([t, level]));
  nowUs = 9_000;
  made[1]!.watch!(null, 0);
  assert.deepEqual(
    made.map((m) => [m.gpio, m.direction, m.writes]),
    [
      [589, 'low', [1]],
      [588, 'in', []],
    ],
  );
  assert.deepEqual(seen, [[9_000, 0]]);
  await r.lines.close();
  assert.ok(made.every((m) => m.unexported));
});

test('onoff not installed: the message says how to install it', async () => {
  const r = await openOnoff({ nowUs: () => 0, sysfs: sysfs({ gpiochip0: ['pinctrl-bcm2835', '0'] }) });
  assert.deepEqual(r, { ok: false, message: 'onoff is not installed: npm install onoff on the terminal' });
});
