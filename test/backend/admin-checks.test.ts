import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webSocketDialer } from '../../base/ws-link.ts';
import { CARD_ISSUED_KIND } from '../../backend/card-register.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';
import { terminal } from './loopback-terminal.ts';

/**
 * Admin commands that used to accept anything (issue 9, item 11): a config
 * that is not JSON or not a config, a set-config of a setting that does not
 * exist or a value that does not fit, a credit or list change for a card
 * never issued — refused by the admin with the reason, nothing queued; and a
 * command's answer from the terminal shown at the admin (`command show`,
 * `commands`, `--wait`).
 */
function cli(dbPath: string) {
  const out: string[] = [];
  const run = async (...args: string[]) => {
    out.length = 0;
    return backendMain([...args, '--db', dbPath], (l) => out.push(l));
  };
  return { out, run };
}

test('the admin refuses what the terminal would refuse, and cards it does not know; nothing is queued', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-admin-checks-'));
  const { out, run } = cli(join(dir, 'backend.db'));
  try {
    assert.equal(await backendMain(['init', '--db', join(dir, 'backend.db')], () => {}), 0);
    writeFileSync(join(dir, 'broken.json'), '{"pos": {');
    assert.equal(await run('config', 'push', '101', join(dir, 'broken.json')), 1);
    assert.match(out[0], /broken\.json: not valid JSON .*; nothing queued/);
    writeFileSync(join(dir, 'partial.json'), '{"pos": {"receiptCopies": 2}}');
    assert.equal(await run('config', 'push', '101', join(dir, 'partial.json')), 1);
    assert.match(out[0], /invalid field "terminal": .*; nothing queued/);

    assert.equal(await run('command', '101', 'set-config', 'pos.nonsense', '5'), 1);
    assert.equal(out[0], 'set-config no setting "pos.nonsense" in the terminal config; nothing queued');
    assert.equal(await run('command', '101', 'set-config', 'pos.receiptCopies', '9'), 1);
    assert.match(out[0], /^set-config pos\.receiptCopies: Too big: .*<=5; nothing queued$/);
    assert.equal(await run('command', '101', 'set-config', 'pos.receiptCopies', 'two'), 1);
    assert.match(out[0], /is not JSON; nothing queued/);
    assert.equal(await run('command', '101', 'set-config', 'sync.pull', '"grants"'), 1);
    assert.equal(
      await run('command', '101', 'set-config', 'pos.receiptCopies', '2'),
      0,
      'a setting that fits is queued',
    );
    assert.equal(await run('command', '101', 'set-config', 'sync.resync', '"credits"'), 0);

    assert.equal(await run('credit', '42424', '100.00'), 1);
    assert.match(out[0], /card 42424 is not known here .*nothing changed/);
    assert.equal(await run('card', 'lost', '42424'), 1);
    assert.equal(await run('grant', '42424', '1', '0', '60'), 1);
    assert.equal(await run('account', '42424', '100.00'), 1);
    assert.equal(await run('status'), 0);
    assert.match(out[0], /blacklist version 0 \(0 cards\), credits version 0, grants version 0/);
    assert.equal(await run('commands'), 0);
    assert.equal(out.length, 2, 'only the two commands that fit were queued');

    assert.equal(await run('card', 'register', '42424'), 0);
    assert.equal(await run('credit', '42424', '100.00'), 0);
    assert.match(out[0], /credit 42424#1: 100\.00 to subsidy/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a card issued at a terminal is known once its journal arrives; a command's answer reaches the admin", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-admin-checks-'));
  const dbPath = join(dir, 'backend.db');
  const server = await serveBackend({ dbPath, port: 0 });
  const t = terminal(dir, webSocketDialer(server.url), server.backend.keyFor(101, 1) as Uint8Array);
  const { out, run } = cli(dbPath);
  try {
    t.journal.append(CARD_ISSUED_KIND, { cardNumber: 5005 }, { card: 5005 });
    const acked = t.next((e) => e.type === 'acked' && e.upto === 1, 'ack of record 1');
    t.client.start();
    await acked;
    assert.equal(await run('credit', '5005', '1.00'), 0, out.join('\n'));

    // --wait: the terminal's own answer, whatever it is, with exit 0 only for done.
    assert.equal(await run('command', '101', 'lock', 'stocktaking', '--wait'), 0, out.join('\n'));
    assert.match(out[0], /^command 1 \(lock\) for terminal 101: sent$/);
    assert.match(out[1], /^command 1 \(lock "stocktaking"\) for terminal 101, .*: done: locked: stocktaking$/);
    assert.equal(await run('command', '101', 'set-config', 'pos.receiptCopies', '2', '--wait'), 1);
    assert.match(
      out[1],
      /^command 2 \(set-config pos\.receiptCopies 2\) for terminal 101, .*: refused: this runtime takes its config from its file$/,
    );

    assert.equal(await run('command', 'show', '2'), 0);
    assert.match(out[0], /: refused: this runtime takes its config from its file$/);
    assert.equal(await run('commands', '101'), 0);
    assert.equal(out.length, 2);
    assert.match(out[0], /^command 2 /, 'newest first');
  } finally {
    t.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('credit and account refuse an amount a person mistyped, with the reason; nothing is booked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-admin-amount-'));
  const { out, run } = cli(join(dir, 'backend.db'));
  try {
    assert.equal(await backendMain(['init', '--db', join(dir, 'backend.db')], () => {}), 0);
    const refused: [string[], string][] = [
      [['credit', '5005', '1.005'], 'credit: amount "1.005": at most two decimals (cents)'],
      [['credit', '5005', '1,000.00'], 'credit: amount "1,000.00": no thousands separators: write 1234.50'],
      [['credit', '5005', '0'], 'credit: amount "0": must be above 0.00'],
      [['credit', '5005', '-5'], 'credit: amount "-5": must not be negative'],
      [['account', '5005', '99999999999'], 'account: amount "99999999999": above 21474836.47'],
      [['account', '5005', '12,5'], 'account: amount "12,5": no thousands separators: write 1234.50'],
    ];
    for (const [args, said] of refused) {
      assert.equal(await run(...args), 2, args.join(' '));
      assert.deepEqual(out, [said]);
    }
    assert.equal(await run('status'), 0);
    assert.match(out.join('\n'), /credits version 0\b/, 'no credit booked');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
