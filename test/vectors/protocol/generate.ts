/**
 * Generator of the protocol's golden vectors (test/vectors/protocol/*.json),
 * the examples PROTOCOL.md quotes. Run by hand, from the repository root,
 * only when the protocol deliberately changes (a new version, never a silent
 * edit of v1):
 *
 *   node --import tsx test/vectors/protocol/generate.ts
 *
 * then review the diff and check it in. The tests (test/protocol/vectors.test.ts)
 * never run this: they check the JSON against the code both ways. The keys
 * are test keys derived from a public master key, never a real fleet's.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { batchItems, buildJournalBatch, canonicalRecord, chainNext, codecOf, crc16, crc32, decodeMessage, deriveTerminalKey, encodeFrame, encodeMessage, keyCheck, Session, type JournalBatch, type Message } from '../../../protocol/index.ts';
import { transcriptForBackendProof, handshakeSecrets, backendProof } from '../../../protocol/handshake.ts';
import { frameMac } from '../../../protocol/keys.ts';
import { hex, toJson } from '../../protocol/json.ts';
import { CHAIN_PREV, examples, JOURNAL_CASES, JOURNAL_RECORDS, T0, TERMINAL_ID, UTC_OFFSET_MINUTES } from './examples.ts';

const OUT = fileURLToPath(new URL('.', import.meta.url));
const write = (name: string, value: unknown) => writeFileSync(`${OUT}${name}`, `${JSON.stringify(value, null, 2)}\n`);
const fill = (from: number) => Uint8Array.from({ length: 16 }, (_, i) => from + i);

export const MASTER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const NONCE_T = fill(0xa0);
const NONCE_B = fill(0xb0);

function handshake() {
  const key = deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 1);
  const now = () => T0;
  const terminal = Session.terminal({ nowMs: now, randomBytes: () => NONCE_T.slice(), terminalId: TERMINAL_ID, keyId: 1, key, firmware: 'onecard 0.1.0' });
  const backend = Session.backend({ nowMs: now, randomBytes: () => NONCE_B.slice(), keyFor: (t, k) => deriveTerminalKey(MASTER_KEY, t, k), utcOffsetMinutes: 480 });
  const frames: { from: string; frame: Uint8Array }[] = [];
  const pump = () => {
    for (let i = 0; i < 10; i++) {
      const t = terminal.takeOutbound();
      const b = backend.takeOutbound();
      for (const f of t) (frames.push({ from: 'terminal', frame: f }), backend.receiveData(f));
      for (const f of b) (frames.push({ from: 'backend', frame: f }), terminal.receiveData(f));
      if (!t.length && !b.length) return;
    }
  };
  terminal.connect();
  pump();
  if (terminal.state !== 'open' || backend.state !== 'open') throw new Error('handshake failed');
  const newKey = deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 2);
  backend.offerKey(7, 2, newKey);
  pump();
  terminal.confirmKey(7);
  pump();
  const payloadOf = (f: Uint8Array) => f.subarray(13, 13 + (f[9] | (f[10] << 8)));
  const hello = payloadOf(frames[0].frame);
  const challenge = payloadOf(frames[1].frame);
  const s = handshakeSecrets(key, hello, challenge);
  return {
    description: 'A full v1 handshake between terminal 1042 (key generation 1) and the backend, then a key rotation to generation 2. Nonces and clocks fixed; keys derived from the public test master key 00 01 02 … 1f.',
    masterKey: hex(MASTER_KEY),
    terminalId: TERMINAL_ID,
    keyId: 1,
    terminalKey: hex(key),
    nonceTerminal: hex(NONCE_T),
    nonceBackend: hex(NONCE_B),
    backendTimeMs: T0,
    th0: hex(transcriptForBackendProof(hello, challenge)),
    proofBackend: hex(backendProof(key, hello, challenge)),
    th: hex(s.transcript),
    proofTerminal: hex(s.terminalProof),
    macT2B: hex(s.keys.macT2B),
    macB2T: hex(s.keys.macB2T),
    wrap: hex(s.keys.wrap),
    rotation: { corrId: 7, newKeyId: 2, newKey: hex(newKey), keyCheck: hex(keyCheck(newKey, 2)) },
    frames: frames.map(({ from, frame }) => {
      const dec = decodeMessage(frame[3], payloadOf(frame));
      if (!dec.ok) throw new Error(dec.error);
      return { from, seq: frame[5] | (frame[6] << 8), secured: frame[4] === 1, hex: hex(frame), decoded: toJson(dec.message) };
    }),
  };
}

function messages(keys: { macT2B: string; macB2T: string }, transcriptFrames: ReturnType<typeof handshake>['frames']) {
  const fromTranscript = transcriptFrames.map((f) => {
    const m = f.decoded as { type: string };
    return { name: m.type, meaning: `From the handshake transcript (handshake.json), sent by the ${f.from}.`, type: m.type, code: Buffer.from(f.hex, 'hex')[3], decoded: f.decoded, frame: { seq: f.seq, macKey: f.secured ? (f.from === 'terminal' ? 'macT2B' : 'macB2T') : null, hex: f.hex } };
  });
  const app = examples().map((e) => {
    const { code, payload } = encodeMessage(e.message);
    const from = codecOf(e.message.type).from;
    const macKey = from === 'backend' ? 'macB2T' : 'macT2B';
    const key = Buffer.from(keys[macKey], 'hex');
    const frame = encodeFrame({ type: code, seq: 2, payload, mac: (s) => frameMac(key, s, 8) });
    return { name: e.name, meaning: e.meaning, type: e.message.type, code, decoded: toJson(e.message), payloadHex: hex(payload), frame: { seq: 2, macKey, hex: hex(frame) } };
  });
  return {
    description: 'One example of every v1 message: the decoded meaning, the payload, and the whole frame (seq 2, MAC under the handshake transcript\'s session key of the sending direction). PROTOCOL.md quotes these.',
    messages: [...fromTranscript.map((m) => ({ ...m, payloadHex: hex(Buffer.from(m.frame.hex, 'hex').subarray(13, 13 + (Buffer.from(m.frame.hex, 'hex')[9] | (Buffer.from(m.frame.hex, 'hex')[10] << 8)))) })), ...app],
  };
}

function journal() {
  const batch = examples().find((e) => e.name === 'journalBatch')?.message as JournalBatch;
  const items = batchItems(batch);
  let seq = JOURNAL_RECORDS[0].seq;
  let chain: Uint8Array = CHAIN_PREV;
  return {
    description: 'The journalBatch example item by item: which records each item carries and its bytes; and the hash chain record by record.',
    terminalId: batch.terminalId,
    utcOffsetMinutes: batch.utcOffsetMinutes,
    chainPrev: hex(batch.chainPrev),
    chainLast: hex(batch.chainLast),
    payloadBytes: encodeMessage(batch).payload.length,
    items: items.map((it) => {
      const seqs = Array.from({ length: it.records }, (_, i) => seq + i);
      seq += it.records;
      return { seqs, kinds: seqs.map((s) => JOURNAL_RECORDS.find((r) => r.seq === s)?.kind), bytes: it.bytes.length, hex: hex(it.bytes) };
    }),
    chain: JOURNAL_RECORDS.map((r) => {
      chain = chainNext(chain, r, TERMINAL_ID);
      return { seq: r.seq, canonical: hex(canonicalRecord(r, TERMINAL_ID)), chain: hex(chain) };
    }),
    records: toJson(JOURNAL_RECORDS),
  };
}

/** The first item byte's number (bits 0–3) after canonical(record)'s two leading varints. */
function canonicalItem(canonical: Uint8Array): number {
  let i = 0;
  for (let n = 0; n < 2; n++) while (canonical[i++] & 0x80);
  return canonical[i] & 0x0f;
}

function journalCases() {
  let chainPrev = (examples().find((e) => e.name === 'journalBatch')?.message as JournalBatch).chainLast;
  return {
    description: 'Journal batches beyond the §6.6.3 example, continuing its journal (the first chainPrev is chain(113)): each with its payload, its items (item number, records), and per record the canonical form, its item number and chain(seq).',
    terminalId: TERMINAL_ID,
    utcOffsetMinutes: UTC_OFFSET_MINUTES,
    cases: JOURNAL_CASES.map((c) => {
      const batch = buildJournalBatch(c.records, { terminalId: TERMINAL_ID, utcOffsetMinutes: UTC_OFFSET_MINUTES, chainPrev, maxPayloadBytes: 32768 });
      if (batch.records.length !== c.records.length) throw new Error(`${c.name}: not every record fit`);
      let seq = c.records[0].seq;
      let chain = chainPrev;
      const out = {
        name: c.name,
        meaning: c.meaning,
        chainPrev: hex(chainPrev),
        chainLast: hex(batch.chainLast),
        payloadHex: hex(encodeMessage(batch).payload),
        items: batchItems(batch).map((it) => {
          const seqs = Array.from({ length: it.records }, (_, i) => seq + i);
          seq += it.records;
          return { item: it.bytes[0] & 0x0f, seqs, hex: hex(it.bytes) };
        }),
        chain: c.records.map((r) => {
          chain = chainNext(chain, r, TERMINAL_ID);
          const canonical = canonicalRecord(r, TERMINAL_ID);
          return { seq: r.seq, canonicalItem: canonicalItem(canonical), canonical: hex(canonical), chain: hex(chain) };
        }),
        records: toJson(c.records),
      };
      chainPrev = batch.chainLast;
      return out;
    }),
  };
}

function frames() {
  const ascii = new TextEncoder().encode('123456789');
  const note: Message = { type: 'note', text: 'hi' };
  const { code, payload } = encodeMessage(note);
  const plain = encodeFrame({ type: code, seq: 0, payload });
  const torn = plain.slice(0, 10);
  const corrupt = plain.slice();
  corrupt[15] ^= 0x01;
  return {
    description: 'Framing checks: CRC check values, an unsecured frame, and a byte stream with garbage, a torn frame and a corrupted frame, with what the decoder must report.',
    crc16CheckValue: crc16(ascii).toString(16),
    crc32CheckValue: crc32(ascii).toString(16),
    unsecuredNote: { decoded: toJson(note), hex: hex(plain) },
    stream: {
      hex: hex(Buffer.concat([Buffer.from('ffa5001122', 'hex'), torn, plain, corrupt, plain])),
      frames: 2,
      errors: ['garbage', 'bad-header-crc', 'garbage', 'bad-crc', 'garbage'],
      note: 'ff a5 00 11 22 are garbage; the torn frame\'s marker starts a header that fails its CRC; the corrupted copy fails the frame CRC and is rescanned from its second byte.',
    },
  };
}

function rejects() {
  const hello = Buffer.from(encodeMessage({ type: 'hello', terminalId: 1042, keyId: 1, versionMin: 1, versionMax: 1, caps: 1023, nonce: NONCE_T }).payload).toString('hex');
  return {
    description: 'Payloads a decoder must refuse (with the problem it reports), and one it must accept while skipping an unknown optional field.',
    reject: [
      { name: 'truncated hello', code: 1, payloadHex: hello.slice(0, -2), problem: 'nonce' },
      { name: 'non-canonical varint (keyId 1 as 81 00)', code: 1, payloadHex: hello.slice(0, 8) + '8100' + hello.slice(10), problem: 'non-canonical' },
      { name: 'unknown critical TLV tag 9', code: 1, payloadHex: `${hello}0900`, problem: 'unknown critical tlv tag 9' },
      { name: 'TLV tags out of order', code: 1, payloadHex: `${hello}04016102028080`, problem: 'tags must ascend' },
      { name: 'trailing garbage in a status ack', code: 0x71, payloadHex: '01ff', problem: 'tlv' },
      { name: 'unknown enum value (error code 200)', code: 5, payloadHex: 'c8000000', problem: 'unknown value 200' },
      { name: 'journal batch with a lying record count', code: 0x30, payloadHex: '65ff0f00', problem: 'recordCount' },
    ],
    accept: [{ name: 'hello with an unknown optional TLV tag 10', code: 1, payloadHex: `${hello}0a03616263`, sameAs: hello }],
  };
}

const hs = handshake();
write('handshake.json', hs);
write('messages.json', messages(hs, hs.frames));
write('journal.json', journal());
write('journal-cases.json', journalCases());
write('frames.json', frames());
write('rejects.json', rejects());
console.log('wrote test/vectors/protocol/{handshake,messages,journal,journal-cases,frames,rejects}.json');
