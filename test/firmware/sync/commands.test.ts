import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../firmware/core/log.ts';
import { CommandRunner } from '../../../firmware/sync/commands.ts';
import { SyncState } from '../../../firmware/sync/sync-state.ts';
import type { Command } from '../../../protocol/index.ts';

function setup(backendNowMs: number | null = 1_000) {
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const pulls: string[] = [];
  const journal = {
    get: (seq: number) =>
      seq === 4
        ? {
            seq,
            kind: 'card.intent',
            atMs: 0,
            card: 1001,
            ref: null,
            body: { tx: 'sale', cardNumber: 1001, chargedAmount: 1_250 },
            acked: true,
          }
        : undefined,
    lastSeq: () => 5,
  };
  let lockChanges = 0;
  const settings: string[] = [];
  const setConfig = (key: string, value: string) => {
    settings.push(`${key}=${value}`);
    return { status: 'done' as const, detail: `${key} set` };
  };
  const runner = new CommandRunner({
    results: state,
    lock: state,
    journal,
    backendNowMs: () => backendNowMs,
    pullList: (list, scratch) => pulls.push(`${list}${scratch ? ' from scratch' : ''}`) > 0,
    setConfig,
    hooks: { onLockChange: () => lockChanges++ },
    log: silentLogger,
  });
  const cmd = (corrId: number, c: Partial<Command> & Pick<Command, 'command'>) =>
    runner.run({ type: 'command', corrId, notAfterMs: 0, ...c } as Command);
  return { state, runner, cmd, pulls, settings, lockChanges: () => lockChanges };
}

test('lock and unlock set the durable flag; a repeated corrId is answered from memory, not run again', () => {
  const { state, cmd, lockChanges } = setup();
  assert.equal(cmd(1, { command: 'lock', text: '暂停服务' }).status, 'done');
  assert.deepEqual(state.lock(), { locked: true, text: '暂停服务' });
  assert.equal(cmd(1, { command: 'lock', text: '暂停服务' }).status, 'done');
  assert.equal(lockChanges(), 1, 'executed once');
  assert.equal(cmd(2, { command: 'unlock' }).status, 'done');
  assert.equal(state.lock().locked, false);
});

test('reprint answers with the sale; a POS refuses to open a door; unknown codes are said so', () => {
  const { cmd } = setup();
  assert.deepEqual(cmd(3, { command: 'reprint', journalSeq: 4 }), {
    type: 'commandResult',
    corrId: 3,
    status: 'done',
    detail: 'receipt of #4: card 1001 amount 1250 cents',
  });
  assert.equal(cmd(4, { command: 'reprint', journalSeq: 3 }).status, 'failed');
  assert.deepEqual(cmd(5, { command: 'open-door', door: 1, pulseMs: 3_000 }), {
    type: 'commandResult',
    corrId: 5,
    status: 'refused',
    detail: 'unsupported: this terminal has no door relay',
  });
  assert.equal(cmd(6, { command: 'unknown', code: 9, args: new Uint8Array(0) }).status, 'unknown-command');
});

test('a command past its notAfterMs (on backend time) expires without running', () => {
  const { state, cmd } = setup(10_000);
  assert.equal(cmd(7, { command: 'lock', text: 'x', notAfterMs: 9_000 }).status, 'expired');
  assert.equal(state.lock().locked, false);
});

test('set-config sync.pull / sync.resync ask for a list again; any other key is a config setting, once per corrId', () => {
  const { cmd, pulls, settings } = setup();
  assert.equal(cmd(8, { command: 'set-config', key: 'sync.pull', value: '"blacklist"' }).status, 'done');
  assert.equal(cmd(9, { command: 'set-config', key: 'sync.resync', value: '"credits"' }).status, 'done');
  assert.equal(cmd(10, { command: 'set-config', key: 'sync.pull', value: 'grants' }).status, 'bad-args');
  assert.equal(cmd(11, { command: 'set-config', key: 'pos.receiptCopies', value: '2' }).status, 'done');
  assert.equal(cmd(11, { command: 'set-config', key: 'pos.receiptCopies', value: '2' }).status, 'done');
  assert.deepEqual(pulls, ['blacklist', 'credits from scratch']);
  assert.deepEqual(settings, ['pos.receiptCopies=2'], 'a repeated corrId is answered from memory');
});
