import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAdmin } from '../../backend/admin.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, stopSynced, syncTerminal } from './harness.ts';
import { ALWAYS_ZONE, PARKING } from './role-sections.ts';

/**
 * Role records reach the backend: a door, a punch clock and a car park, each
 * composed as `onecard run` composes it (SimWorld → composeTerminal, relays on
 * the GPIO driver over the twin), synced to the reference backend over
 * loopback links. Grants, refusals, alarms, punches and passages are uploaded,
 * acknowledged and listed by `onecard backend records`; the exit's fee is in
 * the ledger exactly once although the first exit tap tore the write.
 */
const START = Date.parse('2026-12-07T22:10:00+08:00'); // a Monday night: the stay runs over midnight
const DOOR = {
  doors: [
    {
      id: 0,
      antiPassback: 'hard',
      relay: { line: 5, wiring: 'fail-secure', releaseMs: 3_000 },
      contact: { line: 6, activeLevel: 1 },
    },
  ],
  timeZones: [ALWAYS_ZONE],
  rules: [{ cardClass: 1, doors: 1, timeZoneId: 1 }],
};
const TERMINALS = [
  { name: 'door1', id: 301, door: DOOR },
  { name: 'clock1', id: 401, attendance: { duplicateWindowMs: 60_000 } },
  { name: 'park1', id: 501, parking: PARKING },
];

/** `onecard backend records T` as lines "kind count". */
function counts(net: Net, terminal: number): Record<string, number> {
  const r = runAdmin(net.b, ['records', String(terminal)]);
  assert.equal(r.code, 0, r.lines.join('\n'));
  return Object.fromEntries(
    r.lines.slice(1).map((l) => {
      const [kind, n] = l.trim().split(/\s+/);
      return [kind, Number(n)];
    }),
  );
}

test('door, attendance and parking records are uploaded, acknowledged and listed by the backend', async () => {
  const w = new SimWorld({ seed: 21, startMs: START });
  const net = new Net(w.clock, 21, { log: false });
  try {
    const synced = TERMINALS.map((spec) => {
      const auth = authorizerFor(net);
      w.addTerminal({ ...spec, authorizer: auth });
      return syncTerminal(w, spec.name, net, auth);
    });
    await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
    await w.addCard({ name: 'lost', uid: '04f4f4f4', number: 4004, cardClass: 1, balanceCents: 5_000 });
    assert.ok(await net.until(() => synced.every((s) => s.client.connected), 10_000));
    assert.equal(runAdmin(net.b, ['card', 'register', '1001', '4004']).code, 0);
    assert.equal(runAdmin(net.b, ['card', 'lost', '4004']).code, 0);
    const listed = () => [...w.terminals.values()].every((t) => t.terminal.blacklist.has(4004));
    assert.ok(await net.until(listed, 5_000), 'every terminal holds the lost card');

    const tap = (name: string, card: string, reader: Parameters<SimWorld['roleTap']>[2], tear?: number) =>
      net.settle(w.roleTap(name, card, reader, tear === undefined ? {} : { tearAfterBytes: tear }));
    // The door: a grant, a passback refused, a lost card refused, then forced open (an alarm on and off).
    assert.equal((await tap('door1', 'alice', { direction: 'in' })).kind, 'accepted');
    await net.run(5_000);
    assert.equal((await tap('door1', 'alice', { direction: 'in' })).kind, 'refused');
    assert.equal((await tap('door1', 'lost', { direction: 'in' })).kind, 'refused');
    await net.settle(w.driveInput('door1', 6, 1));
    await net.settle(w.driveInput('door1', 6, 0));
    // The punch clock: a punch, its duplicate (not stored), a lost card.
    assert.equal((await tap('clock1', 'alice', {})).text, 'punch in, card 1001');
    assert.match((await tap('clock1', 'alice', {})).text, /not stored again/);
    assert.equal((await tap('clock1', 'lost', {})).kind, 'refused');
    // The car park: in at 22:10, out at 01:40; the first exit tap tears the write, the second settles it.
    assert.equal((await tap('park1', 'alice', { gate: 'entry' })).kind, 'accepted');
    await net.run(3.5 * 3_600_000);
    assert.match((await tap('park1', 'alice', { gate: 'exit' }, 32)).text, /tap again/);
    assert.equal((await tap('park1', 'alice', { gate: 'exit' })).text, 'exit: barrier up, fee 14.00');

    const acked = () =>
      TERMINALS.every((t) => net.b.journal.highWater(t.id) === w.terminal(t.name).terminal.journal.lastSeq());
    assert.ok(await net.until(acked, 60_000), 'every terminal journal acknowledged to its last record');
    assert.deepEqual(counts(net, 301), { 'door.alarm': 2, 'door.granted': 1, 'door.refused': 2 });
    assert.deepEqual(counts(net, 401), { punch: 1 });
    const park = counts(net, 501);
    assert.deepEqual([park['parking.entry'], park['parking.exit']], [1, 1]);

    const refused = runAdmin(net.b, ['records', '301', 'door.refused']).lines.join('\n');
    assert.match(refused, /card 4004 .*"reason":"blacklisted"/);
    assert.match(refused, /card 1001 .*"reason":"passback"/);
    assert.match(runAdmin(net.b, ['records', '501', 'parking.exit']).lines[1], /"feeCents":1400/);
    const ledger = net.b.cardReport(1001);
    assert.deepEqual([ledger.landed, ledger.movedCents, ledger.open], [1, 1_400, 0], 'the fee landed once');
    assert.equal(runAdmin(net.b, ['records', '401', 'door.granted']).code, 1, 'a kind it never sent');
    stopSynced(synced);
  } finally {
    w.close();
    net.close();
  }
});
