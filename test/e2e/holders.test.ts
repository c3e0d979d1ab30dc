import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import type { Holders } from '../../firmware/store/lists/holders.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, stopSynced, syncTerminal } from './harness.ts';
import { ALWAYS_ZONE, PARKING } from './role-sections.ts';

/**
 * The holders list (PROTOCOL.md §6.4 list 3) from the backend's admin to the
 * roles: a name set at the backend shows on the punch clock after the sync,
 * a group change changes the door's decision, a pass lets a car out without
 * a charge. Door, punch-clock and car-park terminals composed as `onecard run`
 * composes them, synced over loopback links on virtual time.
 */
const START = Date.parse('2026-12-07T09:00:00+08:00'); // a Monday morning
const PROJECT_GROUP = 2;
const DOOR = {
  doors: [{ id: 0, relay: { line: 5, wiring: 'fail-secure', releaseMs: 3_000 } }],
  timeZones: [ALWAYS_ZONE],
  // Only the project group opens the lab: no rule names a card class.
  rules: [{ group: PROJECT_GROUP, doors: 1, timeZoneId: 1 }],
};
const TERMINALS = [
  { name: 'lab', id: 302, door: DOOR },
  { name: 'clock1', id: 402, attendance: { duplicateWindowMs: 60_000 } },
  { name: 'park1', id: 502, parking: PARKING },
];

test('names, groups and passes set at the backend reach the punch clock, the door and the car park', async () => {
  const w = new SimWorld({ seed: 23, startMs: START });
  const net = new Net(w.clock, 23, { log: false });
  try {
    const holdersOf = (name: string): Holders => {
      const role = w.terminal(name).terminal.role;
      if (!('holders' in role)) throw new Error(`${name} keeps no holders`);
      return role.holders;
    };
    const synced = TERMINALS.map((spec) => {
      const auth = authorizerFor(net);
      w.addTerminal({ ...spec, authorizer: auth });
      return syncTerminal(w, spec.name, net, auth, { holders: holdersOf(spec.name) });
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
    assert.equal(runAdmin(net.b, ['card', 'register', '1001']).code, 0);
    const admin = (...args: string[]) => {
      const r = runAdmin(net.b, args);
      assert.equal(r.code, 0, r.lines.join('\n'));
      return r.lines.join('\n');
    };
    const synced_ = () => TERMINALS.every((t) => holdersOf(t.name).version() === net.b.lists.version('holders'));
    const tap = (name: string, reader: Parameters<SimWorld['roleTap']>[2]) =>
      net.settle(w.roleTap(name, 'alice', reader));

    // The punch clock shows the card number until the backend names the holder.
    assert.equal((await tap('clock1', {})).text, 'punch in, card 1001');
    assert.match(admin('holder', 'name', '1001', '王 Alice'), /holders version 1, pushed to 3 connected/);
    assert.ok(await net.until(synced_, 5_000), 'every terminal holds the new holders version');
    assert.equal((await tap('clock1', { punchType: 'out' })).text, 'punch out, 王 Alice');

    // The lab opens for the project group only.
    assert.match((await tap('lab', {})).text, /no rule or grant for door 0/);
    admin('holder', 'groups', '1001', `1,${PROJECT_GROUP}`);
    assert.ok(await net.until(synced_, 5_000));
    assert.equal((await tap('lab', {})).text, 'open (schedule)');
    await net.run(5_000);
    admin('holder', 'groups', '1001', 'none');
    assert.ok(await net.until(synced_, 5_000));
    assert.match((await tap('lab', {})).text, /no rule or grant/, 'taken out of the group: shut again');

    // A pass through the month: three hours cost nothing.
    assert.equal((await tap('park1', { gate: 'entry' })).kind, 'accepted');
    admin('holder', 'pass', '1001', '2026-12-31');
    assert.ok(await net.until(synced_, 5_000));
    await net.run(3 * 3_600_000);
    assert.equal((await tap('park1', { gate: 'exit' })).text, 'exit: barrier up, fee 0.00');
    assert.equal((await w.inspect('alice')).purse.balance, 5_000, 'the purse untouched');
    assert.match(admin('holder', 'show', '1001'), /name "王 Alice", groups \(none\), pass through 2026-12-31/);
    stopSynced(synced);
  } finally {
    w.close();
    net.close();
  }
});

test('holder admin commands refuse a bad group, a bad day, an unknown card, and change nothing', () => {
  const w = new SimWorld({ seed: 24, startMs: START });
  const net = new Net(w.clock, 24, { log: false });
  try {
    assert.equal(runAdmin(net.b, ['card', 'register', '1001']).code, 0);
    const refused: [string[], RegExp][] = [
      [['holder', 'groups', '1001', '32'], /groups: a comma list of 0\.\.31, or none/],
      [['holder', 'pass', '1001', '2026-13-40'], /pass: the last valid day as YYYY-MM-DD, or none/],
      [['holder', 'pass', '1001', '2026-02-30'], /pass: the last valid day as YYYY-MM-DD, or none/],
      [['holder', 'name', '1002', 'Bob'], /1002/],
      [['holder', 'name', '1001', 'x'.repeat(65)], /at most 64 bytes/],
      [['holder', 'nick', '1001', 'x'], /usage: onecard backend holder/],
    ];
    for (const [args, said] of refused) {
      const r = runAdmin(net.b, args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.lines.join('\n'), said, args.join(' '));
    }
    assert.equal(net.b.lists.version('holders'), 0, 'nothing changed');
  } finally {
    w.close();
    net.close();
  }
});
