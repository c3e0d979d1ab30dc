import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  batchItems,
  buildJournalBatch,
  canonicalRecord,
  chainNext,
  crc16,
  crc32,
  decodeMessage,
  deriveTerminalKey,
  encodeFrame,
  encodeMessage,
  FrameDecoder,
  keyCheck,
  Session,
  type JournalBatch,
  type Message,
  type WireRecord,
} from '../../protocol/index.ts';
import { backendProof, handshakeSecrets, transcriptForBackendProof } from '../../protocol/handshake.ts';
import { frameMac } from '../../protocol/keys.ts';
import { fromJson, hex, unhex } from './json.ts';

/**
 * The golden vectors (test/vectors/protocol/*.json, written once by
 * generate.ts) checked both ways against the code: encode(decoded) == hex
 * and decode(hex) == decoded. PROTOCOL.md quotes the same hex.
 */
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../vectors/protocol/${name}`, import.meta.url), 'utf8'));
const hs = load('handshake.json');
const msgs = load('messages.json');
const journal = load('journal.json');
const journalCases = load('journal-cases.json');
const frames = load('frames.json');
const rejects = load('rejects.json');

test('every message type has a vector', async () => {
  const { allCodecs } = await import('../../protocol/index.ts');
  const covered = new Set(msgs.messages.map((m: { type: string }) => m.type));
  assert.deepEqual(
    allCodecs()
      .map((c) => c.type)
      .filter((t) => !covered.has(t)),
    [],
  );
});

for (const v of msgs.messages) {
  test(`vector ${v.name}: encode(decoded) == hex and decode(hex) == decoded`, () => {
    const decoded = fromJson(v.decoded) as Message;
    const { code, payload } = encodeMessage(decoded);
    assert.equal(code, v.code);
    assert.equal(hex(payload), v.payloadHex);
    const back = decodeMessage(v.code, unhex(v.payloadHex));
    assert.ok(back.ok, back.ok ? '' : back.error);
    assert.deepStrictEqual(back.message, decoded);
    const key = v.frame.macKey ? unhex(hs[v.frame.macKey]) : null;
    const frame = encodeFrame({
      type: code,
      seq: v.frame.seq,
      payload,
      mac: key ? (s) => frameMac(key, s, 8) : undefined,
    });
    assert.equal(hex(frame), v.frame.hex);
    const events = new FrameDecoder().push(unhex(v.frame.hex));
    assert.equal(events.length, 1);
    assert.ok(events[0].kind === 'frame');
    assert.equal(hex(events[0].frame.payload), v.payloadHex);
  });
}

test('handshake transcript: the sessions reproduce every frame, and each derived value', () => {
  const key = deriveTerminalKey(unhex(hs.masterKey), hs.terminalId, hs.keyId);
  assert.equal(hex(key), hs.terminalKey);
  const now = () => hs.backendTimeMs;
  const terminal = Session.terminal({
    nowMs: now,
    randomBytes: () => unhex(hs.nonceTerminal),
    terminalId: hs.terminalId,
    keyId: hs.keyId,
    key,
    firmware: 'onecard 0.1.0',
  });
  const backend = Session.backend({
    nowMs: now,
    randomBytes: () => unhex(hs.nonceBackend),
    keyFor: (t, k) => deriveTerminalKey(unhex(hs.masterKey), t, k),
    utcOffsetMinutes: 480,
  });
  const seen: string[] = [];
  const pump = () => {
    for (let i = 0; i < 10; i++) {
      const t = terminal.takeOutbound();
      const b = backend.takeOutbound();
      for (const f of t) {
        seen.push(hex(f));
        backend.receiveData(f);
      }
      for (const f of b) {
        seen.push(hex(f));
        terminal.receiveData(f);
      }
    }
  };
  terminal.connect();
  pump();
  backend.offerKey(hs.rotation.corrId, hs.rotation.newKeyId, unhex(hs.rotation.newKey));
  pump();
  terminal.confirmKey(hs.rotation.corrId);
  pump();
  assert.deepEqual(
    seen,
    hs.frames.map((f: { hex: string }) => f.hex),
  );
  const payload = (h: string) => unhex(h).subarray(13, 13 + (unhex(h)[9] | (unhex(h)[10] << 8)));
  const hello = payload(hs.frames[0].hex);
  const challenge = payload(hs.frames[1].hex);
  assert.equal(hex(transcriptForBackendProof(hello, challenge)), hs.th0);
  assert.equal(hex(backendProof(key, hello, challenge)), hs.proofBackend);
  const s = handshakeSecrets(key, hello, challenge);
  assert.deepEqual(
    [hex(s.transcript), hex(s.terminalProof), hex(s.keys.macT2B), hex(s.keys.macB2T), hex(s.keys.wrap)],
    [hs.th, hs.proofTerminal, hs.macT2B, hs.macB2T, hs.wrap],
  );
  assert.equal(hex(keyCheck(unhex(hs.rotation.newKey), hs.rotation.newKeyId)), hs.rotation.keyCheck);
});

test('journal batch: item by item, and the hash chain record by record', () => {
  const records = fromJson(journal.records) as WireRecord[];
  const v = msgs.messages.find((m: { name: string }) => m.name === 'journalBatch');
  const batch = fromJson(v.decoded) as JournalBatch;
  assert.deepStrictEqual(batch.records, records);
  assert.deepEqual(
    batchItems(batch).map((it) => hex(it.bytes)),
    journal.items.map((it: { hex: string }) => it.hex),
  );
  let chain = unhex(journal.chainPrev);
  for (const [i, r] of records.entries()) {
    assert.equal(hex(canonicalRecord(r, journal.terminalId)), journal.chain[i].canonical);
    chain = chainNext(chain, r, journal.terminalId);
    assert.equal(hex(chain), journal.chain[i].chain);
  }
  assert.equal(hex(chain), journal.chainLast);
});

for (const c of journalCases.cases) {
  test(`journal case ${c.name}: the batch both ways, item by item, and the chain with each record's canonical item`, () => {
    const records = fromJson(c.records) as WireRecord[];
    const batch = buildJournalBatch(records, {
      terminalId: journalCases.terminalId,
      utcOffsetMinutes: journalCases.utcOffsetMinutes,
      chainPrev: unhex(c.chainPrev),
      maxPayloadBytes: 32768,
    });
    assert.equal(hex(encodeMessage(batch).payload), c.payloadHex);
    const back = decodeMessage(0x30, unhex(c.payloadHex));
    assert.ok(back.ok, back.ok ? '' : back.error);
    assert.deepStrictEqual((back.message as JournalBatch).records, records);
    assert.deepEqual(
      batchItems(batch).map((it) => [it.bytes[0] & 0x0f, hex(it.bytes)]),
      c.items.map((it: { item: number; hex: string }) => [it.item, it.hex]),
    );
    let chain = unhex(c.chainPrev);
    for (const [i, r] of records.entries()) {
      const canonical = canonicalRecord(r, journalCases.terminalId);
      assert.equal(hex(canonical), c.chain[i].canonical);
      chain = chainNext(chain, r, journalCases.terminalId);
      assert.equal(hex(chain), c.chain[i].chain);
    }
    assert.equal(hex(chain), c.chainLast);
  });
}

test('journal cases: item 10 (context, no dt) and a negative dt occur; a record with forfeitedSeqs travels generic with a compact canonical item', () => {
  const [ctx, generic] = journalCases.cases;
  assert.equal(ctx.items[0].item, 10);
  assert.deepEqual(ctx.items[0].seqs, []);
  assert.ok(
    ctx.items.some((it: { hex: string }) => (parseInt(it.hex.slice(0, 2), 16) & 0x10) !== 0),
    'an item with bit 4: negative dt',
  );
  const credit = generic.items.find((it: { seqs: number[] }) => it.seqs[0] === 121);
  assert.equal(credit.item, 0);
  assert.equal(generic.chain.find((ch: { seq: number }) => ch.seq === 121).canonicalItem, 1);
});

test('framing: CRC check values and the resync stream', () => {
  const ascii = new TextEncoder().encode('123456789');
  assert.equal(crc16(ascii).toString(16), frames.crc16CheckValue);
  assert.equal(crc32(ascii).toString(16), frames.crc32CheckValue);
  assert.equal(frames.crc16CheckValue, 'e5cc');
  assert.equal(frames.crc32CheckValue, 'cbf43926');
  const events = new FrameDecoder().push(unhex(frames.stream.hex));
  assert.equal(events.filter((e) => e.kind === 'frame').length, frames.stream.frames);
  assert.deepEqual(
    events.flatMap((e) => (e.kind === 'error' ? [e.error] : [])),
    frames.stream.errors,
  );
  for (const e of events) if (e.kind === 'frame') assert.equal(hex(e.frame.raw), frames.unsecuredNote.hex);
});

for (const r of rejects.reject) {
  test(`reject: ${r.name}`, () => {
    const d = decodeMessage(r.code, unhex(r.payloadHex));
    assert.equal(d.ok, false);
    assert.ok(!d.ok && d.error.includes(r.problem), !d.ok ? d.error : '');
  });
}

for (const a of rejects.accept) {
  test(`accept: ${a.name}`, () => {
    const d = decodeMessage(a.code, unhex(a.payloadHex));
    const base = decodeMessage(a.code, unhex(a.sameAs));
    assert.ok(d.ok && base.ok);
    assert.deepStrictEqual(d.message, base.message);
  });
}

test('PROTOCOL.md quotes every vector payload', () => {
  const doc = readFileSync(new URL('../../protocol/PROTOCOL.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)]
    .map((m) => m[1].replace(/[\s|]/g, '').toLowerCase())
    .join('#');
  const missing = msgs.messages
    .filter((m: { payloadHex: string }) => !blocks.includes(m.payloadHex))
    .map((m: { name: string }) => m.name);
  assert.deepEqual(missing, []);
});
