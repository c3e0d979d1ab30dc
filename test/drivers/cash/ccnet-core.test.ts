import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialCore, nextCommand, onPoll } from '../../../drivers/cash/ccnet/core.ts';
import type { DeviceState } from '../../../drivers/cash/ccnet/device-state.ts';
import type { CashEvent } from '../../../drivers/cash/ccnet/events.ts';

function run(states: DeviceState[]): CashEvent[] {
  let core = { ...initialCore(), enabledThisRun: true };
  const events: CashEvent[] = [];
  for (const s of states) {
    const out = onPoll(core, s, 0);
    core = out.core;
    events.push(...out.events);
  }
  return events;
}

test('a move the table does not list is followed but reported as an anomaly', () => {
  const events = run([{ kind: 'idle' }, { kind: 'stacking' }]);
  assert.deepEqual(events, [{ kind: 'anomaly', from: 'idle', to: 'stacking' }]);
  assert.deepEqual(
    run([{ kind: 'idle' }, { kind: 'accepting' }, { kind: 'escrow', billType: 1 }]).map((e) => e.kind),
    ['escrow'],
  );
});

test('escrow → holding → escrow is one bill: one escrow event', () => {
  const events = run([
    { kind: 'accepting' },
    { kind: 'escrow', billType: 2 },
    { kind: 'holding' },
    { kind: 'escrow', billType: 2 },
  ]);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['escrow'],
  );
});

test('two bills of the same type in a row are two stacked events; a repeated 81 is not', () => {
  const stacked = (t: number): DeviceState => ({ kind: 'stacked', billType: t });
  const events = run([
    { kind: 'stacking' },
    stacked(3),
    stacked(3),
    { kind: 'idle' },
    { kind: 'stacking' },
    stacked(3),
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind === 'stacked').map((e) => e.kind === 'stacked' && e.id),
    [1, 2],
  );
});

test('a failure alarm names its code; an unknown code is shown in hex', () => {
  const detail = (code: number) =>
    run([{ kind: 'idle' }, { kind: 'alarm', alarm: 'failure', code }]).map((e) => (e.kind === 'alarm' ? e.detail : ''));
  assert.deepEqual(detail(0x50), ['failure: stack motor']);
  assert.deepEqual(detail(0x77), ['failure: 0x77']);
});

test('nothing is sent but POLL while the validator is busy with a bill', () => {
  const core = { ...initialCore(), billTable: [], wanted: [1], enabledThisRun: true };
  for (const kind of ['accepting', 'stacking', 'returning', 'initialising'] as const) {
    assert.equal(nextCommand({ ...core, device: { kind } }, 0).name, 'POLL');
  }
});
