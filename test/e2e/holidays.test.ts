import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import type { Holidays } from '../../firmware/store/lists/holidays.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, stopSynced, syncTerminal } from './harness.ts';

/**
 * The holidays list (PROTOCOL.md §6.4.2 list 4) from the backend's admin to
 * the doors: a day added at the backend closes a door that its weekday time
 * zone opens, once the list has synced; a site's holiday closes only that
 * site's doors; removing it opens them again. Door terminals composed as
 * `onecard run` composes them, synced over loopback links on virtual time.
 */
const START = Date.parse('2026-12-07T09:00:00+08:00'); // a Monday morning
const TODAY = '2026-12-07';
const EAST_SITE = 3;
const OFFICE_HOURS = [{ fromMinute: 8 * 60, untilMinute: 18 * 60 }];
// Weekdays 08:00–18:00; shut at weekends and on holidays.
const WEEKDAY_ZONE = { id: 1, week: [...Array(5).fill(OFFICE_HOURS), [], []], holiday: [] };
// The hq door's own config names Tuesday a local day off: merged with the backend's list, never replaced.
const LOCAL_DAY_OFF = '2026-12-08';
const door = (site: number, holidays: string[] = []) => ({
  site,
  holidays,
  doors: [{ id: 0, relay: { line: 5, wiring: 'fail-secure', releaseMs: 3_000 } }],
  timeZones: [WEEKDAY_ZONE],
  rules: [{ cardClass: 1, doors: 1, timeZoneId: 1 }],
});
// The decision's detail for a refusal by schedule: today (card day 9837), 09:00.
const SHUT_TODAY = /^day 9837 minute 540$/;
const TERMINALS = [
  { name: 'hq', id: 311, door: door(0, [LOCAL_DAY_OFF]) },
  { name: 'east', id: 312, door: door(EAST_SITE) },
];

test('a holiday added at the backend shuts the doors its weekday zone opens, after the sync; per site', async () => {
  const w = new SimWorld({ seed: 31, startMs: START });
  const net = new Net(w.clock, 31, { log: false });
  try {
    const holidaysOf = (name: string): Holidays => {
      const role = w.terminal(name).terminal.role;
      if (role.role !== 'door') throw new Error(`${name} is not a door`);
      return role.holidays;
    };
    const synced = TERMINALS.map((spec) => {
      const auth = authorizerFor(net);
      w.addTerminal({ ...spec, authorizer: auth });
      return syncTerminal(w, spec.name, net, auth, { holidays: holidaysOf(spec.name) });
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
    assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
    const admin = (...args: string[]) => {
      const r = runAdmin(net.b, args);
      assert.equal(r.code, 0, r.lines.join('\n'));
      return r.lines.join('\n');
    };
    const allSynced = () => TERMINALS.every((t) => holidaysOf(t.name).version() === net.b.lists.version('holidays'));
    const tap = async (name: string) => {
      const said = (await net.settle(w.roleTap(name, 'alice', {}))).text;
      await net.run(5_000); // the release ends and the latch holds again before the next tap
      return said;
    };

    assert.equal(await tap('hq'), 'open (schedule)', 'a Monday at 09:00 opens');
    assert.equal(await tap('east'), 'open (schedule)');

    assert.match(admin('holiday', 'add', TODAY), /every site added; holidays version 1, pushed to 2 connected/);
    assert.ok(await net.until(allSynced, 5_000), 'both doors hold the new holidays version');
    assert.match(await tap('hq'), SHUT_TODAY, 'a holiday: the zone has no hours');
    assert.match(await tap('east'), SHUT_TODAY);

    admin('holiday', 'remove', TODAY);
    admin('holiday', 'add', TODAY, String(EAST_SITE));
    assert.ok(await net.until(allSynced, 5_000));
    assert.equal(await tap('hq'), 'open (schedule)', "another site's holiday leaves this door's weekday");
    assert.match(await tap('east'), SHUT_TODAY, "the east site's own holiday");
    assert.match(admin('holiday', 'list'), /2026-12-07 site 3\n1 holiday\(s\), holidays version 3/);
    // The backend's terminals line says which holidays version each door holds (acknowledged).
    const lines = admin('terminals').split('\n');
    for (const t of TERMINALS)
      assert.match(lines.find((l) => l.startsWith(`terminal ${t.id}:`)) ?? '', /, holidays 3\b/, t.name);

    // Tuesday 09:00: the backend's list does not name it, hq's config does.
    await net.run(24 * 3_600_000 - 5 * 5_000);
    assert.match(await tap('hq'), /^day 9838 minute 540$/, "the config's own holiday still shuts hq");
    assert.equal(await tap('east'), 'open (schedule)');
    stopSynced(synced);
  } finally {
    w.close();
    net.close();
  }
});

test('holiday admin commands refuse a bad day, a bad site, a bad verb, and change nothing', () => {
  const w = new SimWorld({ seed: 32, startMs: START });
  const net = new Net(w.clock, 32, { log: false });
  try {
    const refused: [string[], RegExp][] = [
      [['holiday', 'add', '2026-02-30'], /not a date YYYY-MM-DD/],
      [['holiday', 'add', 'tomorrow'], /not a date YYYY-MM-DD/],
      [['holiday', 'add', TODAY, '0'], /a site is 1\.\.65535/],
      [['holiday', 'add', TODAY, '70000'], /a site is 1\.\.65535/],
      [['holiday', 'move', TODAY], /usage: onecard backend holiday/],
      [['holiday', 'add'], /usage: onecard backend holiday/],
    ];
    for (const [args, said] of refused) {
      const r = runAdmin(net.b, args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.lines.join('\n'), said, args.join(' '));
    }
    assert.equal(net.b.lists.version('holidays'), 0, 'nothing changed');
    assert.match(runAdmin(net.b, ['holiday', 'remove', TODAY]).lines.join('\n'), /already so \(holidays version 0\)/);
  } finally {
    w.close();
    net.close();
  }
});
