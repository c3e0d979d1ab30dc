import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  crc32,
  deriveTerminalKey,
  encodeFrame,
  encodeMessage,
  HEADER_BYTES,
  MAC_BYTES,
  Session,
  TRANSITIONS,
  type Message,
  type SendResult,
  type SessionEvent,
} from '../../protocol/index.ts';
import { connected, MASTER_KEY, pair, Prng, pump, randomChunks, TERMINAL_ID } from './helpers.ts';

/** Layer 3: the sans-IO session in both roles. */

const status = (seq = 1): Message => ({
  type: 'status',
  terminalTimeMs: 1_795_000_000_000 + seq,
  clock: 'synced',
  clockDriftMs: 0,
  journalLastSeq: seq,
  journalQueueDepth: 0,
  lists: [],
  configVersion: 1,
  locked: false,
  peripherals: [],
});
const rejected = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'rejected' ? [e.reason] : []));
const messages = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
const closed = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'closed' ? [e.reason] : []));

/** Recomputes the frame CRC after an edit, so only the MAC can catch it. */
function recrc(f: Uint8Array): Uint8Array {
  const c = crc32(f, 0, f.length - 4);
  for (let i = 0; i < 4; i++) f[f.length - 4 + i] = (c >>> (8 * i)) & 0xff;
  return f;
}

test('handshake: both sides open with the same agreed version and capabilities, and messages flow both ways', () => {
  const p = pair();
  assert.equal(p.terminal.state, 'idle');
  assert.equal(p.backend.state, 'await-hello');
  p.terminal.connect();
  pump(p);
  assert.equal(p.terminal.state, 'open');
  assert.equal(p.backend.state, 'open');
  const ot = p.events.terminal.find((e) => e.type === 'opened');
  const ob = p.events.backend.find((e) => e.type === 'opened');
  assert.ok(ot && ob && ot.type === 'opened' && ob.type === 'opened');
  assert.deepEqual([ot.version, ot.caps, ot.terminalId], [ob.version, ob.caps, TERMINAL_ID]);
  assert.equal(ot.utcOffsetMinutes, 480);
  assert.ok(p.terminal.send(status()).ok);
  assert.ok(p.backend.send({ type: 'statusAck', backendTimeMs: 5 }).ok);
  pump(p);
  assert.equal(messages(p.events.backend)[0].type, 'status');
  assert.deepEqual(messages(p.events.terminal), [{ type: 'statusAck', backendTimeMs: 5 }]);
});

test('handshake over a byte-at-a-time and randomly split link', () => {
  const rng = new Prng(9);
  for (let trial = 0; trial < 30; trial++) {
    const p = pair({ seed: trial });
    p.terminal.connect();
    for (let round = 0; round < 10; round++) {
      for (const f of p.terminal.takeOutbound())
        for (const c of randomChunks(f, rng, trial % 2 ? f.length : 6))
          p.events.backend.push(...p.backend.receiveData(c));
      for (const f of p.backend.takeOutbound())
        for (const c of randomChunks(f, rng, 6)) p.events.terminal.push(...p.terminal.receiveData(c));
    }
    assert.equal(p.terminal.state, 'open', `trial ${trial}`);
    assert.equal(p.backend.state, 'open');
  }
});

test('wrong terminal secret: the terminal finds the backend proof wrong and both close', () => {
  const p = pair({ terminalKey: deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 99) });
  p.terminal.connect();
  pump(p);
  assert.deepEqual(closed(p.events.terminal), ['auth-failed']);
  assert.deepEqual(closed(p.events.backend), ['refused']);
  assert.equal(p.terminal.state, 'closed');
  assert.equal(p.backend.state, 'closed');
});

test('a fake terminal that ignores the backend proof still cannot prove itself', () => {
  // A terminal with the wrong key whose PROVE the backend must check: build it by hand from a real session's frames.
  const good = pair();
  good.terminal.connect();
  const hello = good.terminal.takeOutbound();
  const backend = Session.backend({
    nowMs: good.clock.nowMs,
    randomBytes: (n) => new Uint8Array(n).fill(7),
    keyFor: (t, k) => deriveTerminalKey(MASTER_KEY, t, k),
  });
  backend.receiveData(hello[0]);
  backend.takeOutbound();
  const forgedProve = encodeFrame({ type: 0x03, seq: 1, payload: new Uint8Array(16).fill(0x42) });
  const events = backend.receiveData(forgedProve);
  assert.deepEqual(closed(events), ['auth-failed']);
  const reply = backend.takeOutbound();
  assert.equal(reply.length, 1);
  assert.equal(reply[0][3], 0x05, 'the backend says ERROR auth-failed');
});

test('an unknown terminal is refused', () => {
  const p = pair({ keyFor: () => null });
  p.terminal.connect();
  pump(p);
  assert.deepEqual(closed(p.events.backend), ['auth-failed']);
  assert.deepEqual(closed(p.events.terminal), ['refused']);
});

test('a replayed frame is rejected with reason replay, and the original was delivered once', () => {
  const p = connected();
  p.terminal.send(status(1));
  const [frame] = p.terminal.takeOutbound();
  const first = p.backend.receiveData(frame);
  const again = p.backend.receiveData(frame);
  assert.equal(messages(first).length, 1);
  assert.deepEqual(rejected(again), ['replay']);
  assert.equal(messages(again).length, 0);
  assert.equal(p.backend.state, 'open', 'a duplicate is not an attack: the session stays up');
});

test('a MAC-forged frame (payload changed, CRC fixed) is rejected with reason mac; three end the session', () => {
  const p = connected();
  for (let i = 1; i <= 3; i++) {
    p.terminal.send(status(i));
    const [frame] = p.terminal.takeOutbound();
    const forged = frame.slice();
    forged[HEADER_BYTES + 1] ^= 0x01;
    const events = p.backend.receiveData(recrc(forged));
    assert.deepEqual(rejected(events), ['mac']);
    assert.equal(messages(events).length, 0);
    if (i < 3) assert.equal(p.backend.state, 'open');
    else assert.deepEqual(closed(events), ['mac-failures']);
  }
  assert.equal(p.backend.stats.rejected, 3);
});

test('a forged MAC with a fresh seq and a frame from another session are both rejected', () => {
  const a = connected(1);
  const b = connected(2);
  a.terminal.send(status());
  const [fa] = a.terminal.takeOutbound();
  assert.deepEqual(rejected(b.backend.receiveData(fa)), ['mac'], 'other session keys');
  const bogus = fa.slice();
  bogus.fill(0xee, fa.length - 4 - MAC_BYTES, fa.length - 4);
  assert.deepEqual(rejected(a.backend.receiveData(recrc(bogus))), ['mac']);
});

test('an out-of-window seq is rejected; a late frame inside the window is accepted once', () => {
  const p = pair({ replayWindow: 16 });
  p.terminal.connect();
  pump(p);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    p.terminal.send(status(i));
    frames.push(...p.terminal.takeOutbound());
  }
  // Deliver all but frames 0 and 30, then the late ones.
  const late = [frames[0], frames[30]];
  const events: SessionEvent[] = [];
  for (const [i, f] of frames.entries()) if (i !== 0 && i !== 30) events.push(...p.backend.receiveData(f));
  assert.ok(events.some((e) => e.type === 'seqGap'));
  assert.deepEqual(rejected(p.backend.receiveData(late[0])), ['out-of-window']);
  assert.equal(messages(p.backend.receiveData(late[1])).length, 1, 'seq 32 is within 16 of 41');
  assert.deepEqual(rejected(p.backend.receiveData(late[1])), ['replay']);
});

test('an unsecured frame in an open session is rejected', () => {
  const p = connected();
  const f = encodeFrame({ type: 0x70, seq: 50, payload: new Uint8Array(20) });
  assert.deepEqual(rejected(p.backend.receiveData(f)), ['unauthenticated']);
});

test('key rotation: offered, stored, confirmed; a new handshake under the new key succeeds', () => {
  const p = connected();
  const newKey = deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 2);
  assert.ok(p.backend.offerKey(7, 2, newKey).ok);
  pump(p);
  const offered = p.events.terminal.find((e) => e.type === 'keyOffered');
  assert.ok(offered && offered.type === 'keyOffered');
  assert.deepEqual(
    [offered.corrId, offered.keyId, Buffer.from(offered.key).toString('hex')],
    [7, 2, Buffer.from(newKey).toString('hex')],
  );
  assert.ok(p.terminal.confirmKey(7).ok);
  pump(p);
  assert.ok(p.events.backend.some((e) => e.type === 'keyConfirmed' && e.keyId === 2));
  p.terminal.close('rekey');
  pump(p);
  assert.deepEqual(closed(p.events.backend), ['peer-bye']);
  // Reconnect under generation 2; the backend knows it as pending.
  const rng = new Prng(4);
  const t2 = Session.terminal({
    nowMs: p.clock.nowMs,
    randomBytes: (n) => rng.bytes(n),
    terminalId: TERMINAL_ID,
    keyId: 2,
    key: offered.key,
  });
  const b2 = Session.backend({
    nowMs: p.clock.nowMs,
    randomBytes: (n) => rng.bytes(n),
    keyFor: (_t, k) => (k === 2 ? newKey : null),
  });
  const q = {
    terminal: t2,
    backend: b2,
    clock: p.clock,
    events: { terminal: [] as SessionEvent[], backend: [] as SessionEvent[] },
  };
  t2.connect();
  pump(q);
  assert.equal(b2.state, 'open');
  assert.ok(q.events.backend.some((e) => e.type === 'opened' && e.keyId === 2));
});

test('key rotation: an acknowledgement with a wrong key check is rejected', () => {
  const p = connected();
  p.backend.offerKey(8, 3, deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 3));
  pump(p);
  const ch = (p.terminal as unknown as { ch: { emit(c: number, p: Uint8Array, s: boolean): number } }).ch;
  ch.emit(0x08, encodeMessage({ type: 'keyRotateAck', corrId: 8, keyId: 3, check: new Uint8Array(8) }).payload, true);
  pump(p);
  assert.deepEqual(rejected(p.events.backend), ['key-check']);
  assert.ok(!p.events.backend.some((e) => e.type === 'keyConfirmed'));
});

test('unknown types: below 0x80 answered with ERROR unknown-type, from 0x80 ignored', () => {
  const p = connected();
  const keys = (p.terminal as unknown as { ch: { emit(c: number, p: Uint8Array, s: boolean): number } }).ch;
  keys.emit(0x7e, new Uint8Array([1, 2, 3]), true);
  keys.emit(0xfe, new Uint8Array([1, 2, 3]), true);
  pump(p);
  assert.deepEqual(rejected(p.events.backend), ['unknown-type']);
  assert.ok(p.events.backend.some((e) => e.type === 'ignored' && e.msgType === 0xfe));
  const err = messages(p.events.terminal).find((m) => m.type === 'error');
  assert.ok(err && err.type === 'error' && err.code === 'unknown-type' && err.refType === 0x7e);
});

test('direction and capability are enforced on send and on receive', () => {
  const p = connected();
  assert.equal(p.terminal.send({ type: 'statusAck', backendTimeMs: 1 }).ok, false);
  assert.equal(p.backend.send(status()).ok, false);
  assert.equal(
    p.terminal.send({
      type: 'hello',
      terminalId: 1,
      keyId: 1,
      versionMin: 1,
      versionMax: 1,
      caps: 0,
      nonce: new Uint8Array(16),
    }).ok,
    false,
  );
  const q = pair();
  (q.backend as unknown as { opts: { caps: number } }).opts.caps = 0x001; // backend offers journal only
  q.terminal.connect();
  pump(q);
  assert.equal(q.terminal.info?.caps, 0x001);
  assert.equal(q.terminal.send(status()).ok, false, 'status not agreed');
});

test('a send that cannot happen says why as a code (SendResult), with a detail for the log', () => {
  const why = (r: SendResult) => (r.ok ? 'sent' : r.error);
  const p = connected();
  assert.equal(why(p.terminal.send({ type: 'statusAck', backendTimeMs: 1 })), 'not-allowed');
  assert.equal(
    why(
      p.terminal.send({
        type: 'hello',
        terminalId: 1,
        keyId: 1,
        versionMin: 1,
        versionMax: 1,
        caps: 0,
        nonce: new Uint8Array(16),
      }),
    ),
    'not-allowed',
  );
  assert.equal(
    why(p.terminal.send({ ...status(), clock: 'bogus' } as unknown as Message)),
    'encode',
    'an EncodeError is a value, not a throw',
  );
  const big = (seq: number) => ({
    seq,
    kind: 'note.big',
    atMs: 1_795_000_000_000,
    card: null,
    ref: null,
    body: { text: 'x'.repeat(15_000) },
  });
  const batch: Message = {
    type: 'journalBatch',
    terminalId: TERMINAL_ID,
    utcOffsetMinutes: 480,
    chainPrev: new Uint8Array(16),
    chainLast: new Uint8Array(16),
    records: [big(1), big(2), big(3)],
  };
  const tooLarge = p.terminal.send(batch);
  assert.ok(
    !tooLarge.ok && tooLarge.error === 'too-large' && /exceeds the peer's 32768/.test(tooLarge.detail),
    JSON.stringify(tooLarge),
  );
  assert.equal(why(p.terminal.confirmKey(99)), 'no-key-offered');
  assert.equal(why(p.terminal.connect()), 'not-open');
  const q = pair();
  (q.backend as unknown as { opts: { caps: number } }).opts.caps = 0x001;
  q.terminal.connect();
  pump(q);
  assert.equal(why(q.terminal.send(status())), 'capability');
  p.terminal.close();
  assert.equal(why(p.terminal.send(status())), 'not-open');
});

test('timeouts: a stalled handshake and a silent session close on the injected clock', () => {
  const p = pair();
  p.terminal.connect();
  p.clock.advance(15_000);
  assert.deepEqual(closed(p.terminal.tick()), ['handshake-timeout']);
  assert.deepEqual(closed(p.backend.tick()), ['handshake-timeout']);
  const q = connected();
  q.clock.advance(179_999);
  assert.deepEqual(q.backend.tick(), []);
  q.clock.advance(1);
  assert.deepEqual(closed(q.backend.tick()), ['idle-timeout']);
});

test('version negotiation: no common version is refused with a reason', () => {
  const p = pair();
  p.terminal.connect();
  const [hello] = p.terminal.takeOutbound();
  const h = hello.slice();
  h[HEADER_BYTES + 5] = 2; // versionMin 2 (after terminalId u32 and keyId varint)
  h[HEADER_BYTES + 6] = 3; // versionMax 3
  const f = encodeFrame({ type: 1, seq: 0, payload: h.subarray(HEADER_BYTES, h.length - 4) });
  assert.deepEqual(closed(p.backend.receiveData(f)), ['version']);
});

test('the transition table lists every state and nothing leaves closed', () => {
  assert.deepEqual(Object.keys(TRANSITIONS).sort(), [
    'await-hello',
    'challenge-sent',
    'closed',
    'hello-sent',
    'idle',
    'open',
    'prove-sent',
  ]);
  assert.deepEqual(TRANSITIONS.closed, {});
  for (const [state, moves] of Object.entries(TRANSITIONS)) if (state !== 'closed') assert.equal(moves.fail, 'closed');
});

test('a journal batch naming another terminal is refused', () => {
  const p = connected();
  const batch = {
    type: 'journalBatch',
    terminalId: TERMINAL_ID + 1,
    utcOffsetMinutes: 480,
    chainPrev: new Uint8Array(16),
    chainLast: new Uint8Array(16),
    records: [],
  } as const;
  assert.ok(p.terminal.send({ ...batch, records: [] }).ok);
  pump(p);
  assert.deepEqual(rejected(p.events.backend), ['unexpected']);
  assert.equal(messages(p.events.backend).length, 0);
});

test('a closed session ignores input and refuses to send', () => {
  const p = connected();
  p.terminal.close();
  assert.equal(p.terminal.state, 'closed');
  assert.deepEqual(p.terminal.receiveData(new Uint8Array([1, 2, 3])), []);
  assert.equal(p.terminal.send(status()).ok, false);
});
