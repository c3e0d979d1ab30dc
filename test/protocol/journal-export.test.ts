import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ExportWriter, exportMacKey, readExport, type WireRecord } from '../../protocol/index.ts';

/**
 * The hand-carried journal file (PROTOCOL.md §11): what the terminal writes reads back whole, and a file
 * changed in any way is refused with a reason a person can act on — one byte, a record dropped (even
 * re-signed by someone holding the key), a wrong key, a file cut short.
 */
const KEY = new Uint8Array(32).fill(9);
const OTHER_KEY = new Uint8Array(32).fill(8);
const AT_MS = Date.parse('2026-12-05T03:00:00Z');

const records: WireRecord[] = [
  { seq: 41, kind: 'door.granted', atMs: AT_MS, card: 1001, ref: null, body: { doorId: 1, cause: 'grant' } },
  { seq: 42, kind: 'clock.step', atMs: AT_MS + 5, card: null, ref: null, body: { fromMs: 1, toMs: 2, offsetMs: 1 } },
  { seq: 43, kind: 'card.issued', atMs: AT_MS + 9, card: 1002, ref: null, body: { cardNumber: 1002 } },
];

function exportText(recs: readonly WireRecord[], key = KEY, fromSeq = 41): string {
  let text = '';
  const w = new ExportWriter(
    { terminalId: 101, keyId: 1, utcOffsetMinutes: 480, fromSeq, exportedAtMs: AT_MS + 60_000 },
    key,
    (t) => {
      text += t;
    },
  );
  for (const r of recs) w.record(r);
  w.finish();
  return text;
}

const keyOf = (t: number, k: number) => (t === 101 && k === 1 ? KEY : `no key ${k} for terminal ${t}`);

/** Re-signs a changed file as someone holding the key could: the seqs and the chain must still catch it. */
function resign(text: string): string {
  const body = `${text.slice(0, -1).split('\n').slice(0, -1).join('\n')}\n`;
  return `${body}${JSON.stringify({ mac: createHmac('sha256', exportMacKey(KEY)).update(body).digest('hex') })}\n`;
}

test('an export reads back whole: the header, every record as journaled, the chain', () => {
  const r = readExport(exportText(records), keyOf);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.deepEqual(r.records, records);
  assert.equal(r.header.terminalId, 101);
  assert.equal(r.header.fromSeq, 41);
});

test('one byte changed anywhere is refused by the MAC', () => {
  const text = exportText(records);
  for (const at of [text.indexOf('"doorId":1') + 9, text.indexOf('"seq":42') + 7, text.indexOf('"fromSeq"') + 11]) {
    const changed = `${text.slice(0, at)}${text[at] === '2' ? '3' : '2'}${text.slice(at + 1)}`;
    assert.notEqual(changed, text);
    const r = readExport(changed, keyOf);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /the MAC does not verify with terminal 101's key 1: the file was changed/);
  }
});

test('a record dropped is refused: by the MAC, and by the seqs when re-signed', () => {
  const lines = exportText(records).split('\n');
  const dropped = [...lines.slice(0, 2), ...lines.slice(3)].join('\n');
  assert.match((readExport(dropped, keyOf) as { reason: string }).reason, /the MAC does not verify/);
  assert.match(
    (readExport(resign(dropped), keyOf) as { reason: string }).reason,
    /line 3: record 43 where 42 was due: records are missing/,
  );
  const lastDropped = [...lines.slice(0, 3), ...lines.slice(4)].join('\n');
  assert.match(
    (readExport(resign(lastDropped), keyOf) as { reason: string }).reason,
    /the end line says 3 record\(s\) to 43; the file holds 2 to 42/,
  );
});

test('a record changed and re-signed is refused by its chain value', () => {
  const text = exportText(records).replace('"cause":"grant"', '"cause":"remote"');
  assert.match(
    (readExport(resign(text), keyOf) as { reason: string }).reason,
    /line 2: record 41 does not match its chain value/,
  );
});

test('a wrong MAC, a key the backend does not hold, a cut file and a non-export are refused with the reason', () => {
  assert.match(
    (readExport(exportText(records, OTHER_KEY), keyOf) as { reason: string }).reason,
    /the MAC does not verify with terminal 101's key 1/,
  );
  const text = exportText(records);
  assert.equal(
    (readExport(text, () => 'no key 1 for terminal 101') as { reason: string }).reason,
    'no key 1 for terminal 101',
  );
  assert.match((readExport(text.slice(0, -40), keyOf) as { reason: string }).reason, /cut short/);
  const noMac = `${text.split('\n').slice(0, -2).join('\n')}\n`;
  assert.match((readExport(noMac, keyOf) as { reason: string }).reason, /no MAC on the last line/);
  assert.match(
    (readExport('card,amount\n1,2\n3,4\n', keyOf) as { reason: string }).reason,
    /line 1: not a journal export/,
  );
});

test('the writer refuses a record out of order rather than write a file that would be refused', () => {
  const w = new ExportWriter(
    { terminalId: 1, keyId: 1, utcOffsetMinutes: 0, fromSeq: 5, exportedAtMs: 0 },
    KEY,
    () => {},
  );
  assert.throws(() => w.record({ ...records[0], seq: 6 }), /record 6 where 5 was due/);
});
