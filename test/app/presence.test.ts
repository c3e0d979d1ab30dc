import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPresence, type PollSeen, type Presence } from '../../app/run/presence.ts';
import { keepAliveMsOf } from '../../app/run/notify.ts';

/** The run loop's polls: a card left on the reader pays once; it taps again only after the field was empty. */
function taps(polls: PollSeen[]): number {
  let p: Presence = { kind: 'empty' };
  let n = 0;
  for (const seen of polls) {
    const step = nextPresence(p, seen);
    p = step.presence;
    if (step.tap) n++;
  }
  return n;
}
const card = (uidHex: string): PollSeen => ({ kind: 'card', uidHex });
const none: PollSeen = { kind: 'none' };

test('a card held on the reader taps once; lifted and put back, twice; another card at once', () => {
  assert.equal(taps([card('a'), card('a'), card('a')]), 1);
  assert.equal(taps([card('a'), none, card('a')]), 2);
  assert.equal(taps([card('a'), card('b')]), 2);
  assert.equal(taps([none, none]), 0);
});

test('systemd keep-alives go at half of WatchdogSec; none without a watchdog', () => {
  assert.equal(keepAliveMsOf('10000000'), 5_000);
  assert.equal(keepAliveMsOf(undefined), null);
  assert.equal(keepAliveMsOf('0'), null);
  assert.equal(keepAliveMsOf('x'), null);
});
