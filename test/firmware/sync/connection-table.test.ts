import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONNECTION_TRANSITIONS,
  nextPhase,
  type ConnectionEvent,
  type ConnectionPhase,
} from '../../../firmware/sync/connection-table.ts';

/** The sync connection's phases (firmware/sync/connection-table.ts): every transition, and every one it refuses. */
const PHASES = Object.keys(CONNECTION_TRANSITIONS) as ConnectionPhase[];
const EVENTS: ConnectionEvent[] = [
  'start',
  'dialed',
  'dial-failed',
  'no-key',
  'opened',
  'rekey',
  'closed',
  'relinked',
  'retry',
  'stop',
];

/** phase event → phase, one line each; anything not here is refused. */
const EXPECTED = `
idle start dialing | idle stop stopped
dialing dialed handshake | dialing dial-failed backoff | dialing stop stopped
handshake opened open | handshake closed backoff | handshake no-key backoff | handshake stop stopped
open rekey rekeying | open closed backoff | open stop stopped
rekeying relinked dialing | rekeying stop stopped
backoff retry dialing | backoff stop stopped
stopped start dialing`;

test('the phase table, cell by cell: what each phase takes and what it refuses', () => {
  const expected = new Map(
    EXPECTED.trim()
      .split(/\s*[|\n]\s*/)
      .map((l) => l.split(' '))
      .map(([p, e, to]) => [`${p} ${e}`, to]),
  );
  for (const p of PHASES)
    for (const e of EVENTS) assert.equal(nextPhase(p, e), expected.get(`${p} ${e}`), `${p} on ${e}`);
});

test('every phase but stopped can be stopped, and nothing leaves stopped but start', () => {
  for (const p of PHASES) if (p !== 'stopped') assert.equal(nextPhase(p, 'stop'), 'stopped', p);
  assert.deepEqual(Object.keys(CONNECTION_TRANSITIONS.stopped), ['start']);
});

test('a dial, a retry or a rekeyed link that comes back after stop changes nothing', () => {
  for (const late of ['dialed', 'dial-failed', 'retry', 'relinked', 'opened', 'closed'] as const)
    assert.equal(nextPhase('stopped', late), undefined, late);
});
