import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCodecs, CAP, deltaChunks, LIST_CAP, type Message, type SessionEvent } from '../../protocol/index.ts';
import { pair, pump } from './helpers.ts';

/** PROTOCOL.md §4.7: each list is governed by its own capability, on send and on receive. */
const delta = (list: 'blacklist' | 'grants'): Message =>
  list === 'blacklist'
    ? deltaChunks({ list, add: [5], remove: [] }, 0, 1, new Uint8Array(12))[0]
    : deltaChunks(
        { list, add: [{ cardNumber: 5, doors: 1, validFromMinute: 0, validUntilMinute: 60 }], remove: [] },
        0,
        1,
        new Uint8Array(12),
      )[0];
const rejected = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'rejected' ? [e.reason] : []));

test('list codecs: each list under its own bit', () => {
  assert.deepEqual(LIST_CAP, {
    blacklist: CAP.blacklist,
    grants: CAP.grants,
    credits: CAP.credits,
    holders: CAP.holders,
  });
  for (const c of allCodecs().filter((c) => c.type.startsWith('list'))) {
    assert.equal(c.cap, CAP.blacklist | CAP.grants | CAP.credits | CAP.holders, c.type);
    assert.ok(c.capOf);
  }
});

test('a terminal without the grants capability is never sent grants, and refuses them if they come', () => {
  const q = pair();
  // A POS: journal, blacklist and status, no grants.
  (q.terminal as unknown as { opts: { caps: number } }).opts.caps = CAP.journal | CAP.blacklist | CAP.status;
  q.terminal.connect();
  pump(q);
  assert.equal(q.backend.info?.caps, CAP.journal | CAP.blacklist | CAP.status);
  assert.ok(q.backend.send(delta('blacklist')).ok, 'the blacklist is agreed');
  const refused = q.backend.send(delta('grants'));
  assert.ok(!refused.ok && refused.error === 'capability');
  assert.equal(q.terminal.send({ type: 'listAck', list: 'grants', version: 0, status: 'applied' }).ok, false);
  assert.equal(q.terminal.send({ type: 'listAck', list: 'blacklist', version: 1, status: 'applied' }).ok, true);
  // A backend that sends anyway (here: its own record of the agreement is wrong) is refused by the terminal.
  (q.backend as unknown as { opened: { caps: number } }).opened.caps |= CAP.grants;
  assert.ok(q.backend.send(delta('grants')).ok);
  pump(q);
  assert.deepEqual(rejected(q.events.terminal), ['capability']);
});
