import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PANELS } from '../../../drivers/display/index.ts';
import { defaultWorld } from '../../../simulator/cli/default-world.ts';
import { SimShell } from '../../../simulator/cli/shell.ts';

/** `onecard sim --panel`: the panel's rows in a box, today's text on their right. */
test('a 12.50 entry shows the 20×4 panel beside the cashier and customer text', async () => {
  const world = await defaultWorld(1);
  try {
    const lines = (await new SimShell(world, 'pos1', PANELS.hd44780_20x4).exec('12.50'))!;
    assert.deepEqual(lines, [
      '  ┌────────────────────┐  cashier : 应收 12.50,请刷卡  |  Due 12.50, tap card',
      '  │11:30        OFFLINE│  customer: 请付 12.50 元  |  Please pay 12.50',
      '  │Due 12.50, tap card │  beep    : key',
      '  │Please pay 12.50    │',
      '  │                    │',
      '  └────────────────────┘',
    ]);
  } finally {
    world.close();
  }
});

test('the 128×64 ST7920 shows the Chinese text, each character on an even cell', async () => {
  const world = await defaultWorld(1);
  try {
    const lines = (await new SimShell(world, 'pos1', PANELS.st7920_128x64).exec('12.50'))!;
    assert.deepEqual(lines.slice(1, 5), [
      '  │11:30       离线│  customer: 请付 12.50 元  |  Please pay 12.50',
      '  │应收 12.50, 请刷│  beep    : key',
      '  │卡              │',
      '  │请付 12.50  元  │',
    ]);
  } finally {
    world.close();
  }
});
