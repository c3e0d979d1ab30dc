import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../firmware/core/clock.ts';
import { CLOCK_FAR_MS, type ClockStepper } from '../../firmware/sync/clock-watch.ts';
import { buildJournalBatch, CHAIN_ZERO } from '../../protocol/index.ts';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from './harness.ts';

/**
 * What stops a terminal's sync is seen at both ends (issue 9, item 10): the
 * README's two-shell flow run twice on one backend database (a new journal
 * under an id the backend holds records of), a wrong key, a clock far off.
 * Each is an alarm in `backend status` / `backend terminals` and the
 * terminal's syncAlarm. (A wrong key is in test/backend/wrong-key.test.ts,
 * on real sockets: a virtual link drops what is in flight when it closes,
 * the terminal's ERROR auth-failed with it.)
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');

/** The terminal's mark (a function, so a check after a change reads it again). */
const mark = (s: Synced) => s.client.syncAlarm;

function refusal(world: SimWorld, name: string, n: number): void {
  const journal = world.terminal(name).terminal.journal;
  for (let i = 0; i < n; i++)
    journal.append('tap.refused', { cardNumber: 7, uid: '04a1b2c3', reason: 'expired', detail: `#${i}` }, { card: 7 });
}

test('a terminal whose uploads stopped is an alarm at the backend and a mark at the terminal', async () => {
  const first = new SimWorld({ seed: 51, startMs: START });
  const net = new Net(first.clock, 51);
  const worlds = [first];
  const live: Synced[] = [];
  const connect = (w: SimWorld, extra: Parameters<typeof syncTerminal>[4] = {}) => {
    const s = syncTerminal(w, 'pos1', net, authorizerFor(net), extra);
    live.push(s);
    return s;
  };
  const disconnect = async (s: Synced) => {
    s.client.stop();
    s.state.close();
    live.splice(live.indexOf(s), 1);
    await net.run(1_000);
  };
  const admin = (...args: string[]) => runAdmin(net.b, args).lines;
  try {
    // Run 1: terminal 101 uploads two records.
    first.addTerminal({ name: 'pos1', id: 101 });
    refusal(first, 'pos1', 2);
    let s = connect(first);
    const uploaded = (w: SimWorld) => net.b.journal.highWater(101) === w.terminal('pos1').terminal.journal.lastSeq();
    assert.ok(await net.until(() => uploaded(first), 10_000));
    await disconnect(s);
    assert.match(admin('status').join('\n'), /alerts: 0/);

    // Run 2, a fresh terminal under the same id: its journal ends at 1, the backend holds 2.
    const second = new SimWorld({ seed: 52, startMs: net.clock.nowMs() });
    // Its terminal's clock runs on this world's clock, which the net does not drive: keep it with the net's.
    const run = async (ms: number) => {
      for (let doneMs = 0; doneMs < ms; doneMs += 5_000) {
        await net.run(Math.min(5_000, ms - doneMs));
        second.clock.set(net.clock.nowMs());
      }
    };
    worlds.push(second);
    second.addTerminal({ name: 'pos1', id: 101 });
    refusal(second, 'pos1', 1);
    s = connect(second);
    assert.ok(await net.until(() => mark(s) !== null, 10_000));
    assert.equal(mark(s)?.reason, 'backend-ahead');
    await run(2_000);
    assert.match(
      admin('terminals')[0],
      /^terminal 101: SYNC STOPPED \(backend-ahead\): the backend holds records up to \d+, the terminal's journal ends at \d+/,
    );
    const status = admin('status');
    assert.ok(status.includes('alerts: 1'), status.join('\n'));
    assert.match(status.join('\n'), /sync stopped \(backend-ahead\) terminal 101/);

    // It journals on past the backend's mark: uploads go on, and the alarm and the mark clear.
    refusal(second, 'pos1', 2);
    await disconnect(s);
    s = connect(second);
    assert.ok(await net.until(() => uploaded(second), 10_000));
    await run(61_000); // a heartbeat: STATUS shows the journal past the backend's mark
    assert.equal(mark(s), null);
    assert.doesNotMatch(admin('terminals')[0], /SYNC STOPPED/);
    assert.ok(admin('status').includes('alerts: 0'));

    // A batch whose records differ from those the backend holds (a second box under this id): conflict.
    const open = net.b.connected().get(101);
    assert.ok(open);
    const other = [
      {
        seq: 1,
        kind: 'tap.refused',
        atMs: START,
        card: 8,
        ref: null,
        body: { cardNumber: 8, uid: '04a1b2c3', reason: 'expired', detail: 'other box' },
      },
    ];
    net.b.message(
      open,
      buildJournalBatch(other, {
        terminalId: 101,
        utcOffsetMinutes: 480,
        chainPrev: CHAIN_ZERO,
        maxPayloadBytes: 4096,
      }),
    );
    assert.ok(await net.until(() => mark(s)?.reason === 'conflict', 10_000), 'its ack stops the terminal too');
    assert.match(admin('terminals')[0], /^terminal 101: SYNC STOPPED \(conflict\): record 1 differs/);
    // The mark stays while the terminal reconnects.
    await disconnect(s);
    assert.equal(mark(s)?.reason, 'conflict');
    assert.ok(admin('status').includes('alerts: 1'));
  } finally {
    for (const s of [...live]) {
      s.client.stop();
      s.state.close();
    }
    worlds.forEach((w) => w.close());
    net.close();
  }
});

test('a clock far off is an alarm at the backend and a mark at the terminal', async () => {
  const w = new SimWorld({ seed: 53, startMs: START });
  const net = new Net(w.clock, 53);
  w.addTerminal({ name: 'pos2', id: 102 });
  // 102's clock is five minutes fast, and it will not be stepped (a runtime that declines: §6.2).
  const fast: Clock & ClockStepper = { nowMs: () => net.clock.nowMs() + 5 * CLOCK_FAR_MS, stepClock: () => false };
  const s = syncTerminal(w, 'pos2', net, authorizerFor(net), { terminalClock: fast });
  try {
    assert.ok(await net.until(() => mark(s) !== null, 10_000));
    await net.run(2_000);
    assert.equal(mark(s)?.reason, 'clock-off');
    assert.match(
      runAdmin(net.b, ['terminals']).lines[0],
      /^terminal 102: SYNC STOPPED \(clock-off\): terminal clock 300 s ahead of the backend's/,
    );
    assert.ok(runAdmin(net.b, ['status']).lines.includes('alerts: 1'));
  } finally {
    s.client.stop();
    s.state.close();
    w.close();
    net.close();
  }
});
