import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { JsonLogger, MemorySink } from '../../../../firmware/core/log.ts';
import {
  deriveSimMasterKeys,
  loadKeyFile,
  masterKeys,
  writeKeyFile,
  type MasterKeys,
} from '../../../../firmware/store/keys/keyfile.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== 'win32';

const KEY_A = '00112233445566778899aabbccddeeff';
const KEY_B = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf';
const MAC = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const hexOf = (k: MasterKeys) => [k.cardKeyA, k.cardKeyB, k.cardMac].map((b) => Buffer.from(b).toString('hex'));

function writeRaw(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode); // the umask may have removed bits; tests need the exact mode
  return path;
}

const validJson = JSON.stringify({ version: 1, keys: { cardKeyA: KEY_A, cardKeyB: KEY_B, cardMac: MAC } });

function assertNoKeyMaterial(text: string): void {
  for (const hex of [KEY_A, KEY_B, MAC]) {
    assert.ok(!text.toLowerCase().includes(hex), `leaked key hex in: ${text}`);
    assert.ok(!text.toLowerCase().includes(hex.slice(0, 8)), `leaked part of a key in: ${text}`);
  }
}

test('loads a valid 0600 key file', () => {
  const keys = loadKeyFile(writeRaw('ok.json', validJson));
  assert.deepEqual(hexOf(keys), [KEY_A, KEY_B, MAC]);
});

test('refuses a file group/other can read, naming the path and not the keys', { skip: !posix }, () => {
  const path = writeRaw('open.json', validJson, 0o644);
  assert.throws(
    () => loadKeyFile(path),
    (err: Error) => {
      assert.ok(err.message.includes(path));
      assert.match(err.message, /0644/);
      assertNoKeyMaterial(err.message + (err.stack ?? ''));
      return true;
    },
  );
  chmodSync(path, 0o640);
  assert.throws(() => loadKeyFile(path), /group\/other/);
});

test('refuses malformed JSON without quoting the content', () => {
  const path = writeRaw('malformed.json', validJson.slice(0, -5));
  assert.throws(
    () => loadKeyFile(path),
    (err: Error) => {
      assert.equal(err.message, `key file ${path}: not valid JSON`);
      assertNoKeyMaterial(err.message);
      return true;
    },
  );
});

test('refuses a key that is not 32 hex characters, without printing it', () => {
  const cases: [string, RegExp][] = [
    [KEY_A.slice(0, 31), /cardKeyA must be 32 hex characters .* got 31 characters/],
    [`${KEY_A.slice(0, 31)}g`, /cardKeyA must be 32 hex characters .* with non-hex ones/],
  ];
  for (const [bad, expected] of cases) {
    const path = writeRaw(
      'badkey.json',
      JSON.stringify({ version: 1, keys: { cardKeyA: bad, cardKeyB: KEY_B, cardMac: MAC } }),
    );
    assert.throws(
      () => loadKeyFile(path),
      (err: Error) => {
        assert.match(err.message, expected);
        assert.ok(err.message.includes(path));
        assertNoKeyMaterial(err.message);
        return true;
      },
    );
  }
  const missing = writeRaw('missing.json', JSON.stringify({ version: 1, keys: { cardKeyA: KEY_A, cardKeyB: KEY_B } }));
  assert.throws(() => loadKeyFile(missing), /keys\.cardMac is missing/);
  const version = writeRaw('v3.json', JSON.stringify({ version: 3, keys: {} }));
  assert.throws(() => loadKeyFile(version), /version must be 2 \(or 1\), got 3/);
});

test('writeKeyFile writes mode 0600 and round-trips', () => {
  const path = join(dir, 'written.json');
  const keys = deriveSimMasterKeys(7);
  writeKeyFile(path, keys);
  if (posix) assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(hexOf(loadKeyFile(path)), hexOf(keys));
});

test('deriveSimMasterKeys is deterministic and seed-dependent', () => {
  const a = deriveSimMasterKeys(1);
  assert.deepEqual(hexOf(a), hexOf(deriveSimMasterKeys(1)));
  assert.notDeepEqual(hexOf(a), hexOf(deriveSimMasterKeys(2)));
  // sha256("onecard-sim-master/cardKeyA/1"), first 16 bytes, computed independently:
  const expected = createHash('sha256').update('onecard-sim-master/cardKeyA/1').digest('hex').slice(0, 32);
  assert.equal(hexOf(a)[0], expected);
  assert.equal(new Set(hexOf(a)).size, 3);
});

test('MasterKeys never print their bytes: JSON, inspect, String, template, logger', () => {
  const keys = loadKeyFile(writeRaw('print.json', validJson));
  const sink = new MemorySink();
  new JsonLogger(sink, () => 0).info('boot', { keys, master: keys, k: keys });
  const renderings = [
    JSON.stringify(keys),
    JSON.stringify({ nested: { keys } }),
    inspect(keys),
    inspect({ nested: keys }, { depth: 10, showHidden: true }),
    String(keys),
    `${keys}`,
    ...sink.lines,
  ];
  for (const text of renderings) assertNoKeyMaterial(text);
  assert.equal(JSON.stringify(keys), '"[master keys redacted]"');
  assert.match(inspect(keys), /redacted/);
  assert.ok(Object.isFrozen(keys));
});

test('masterKeys copies its input and rejects wrong lengths', () => {
  const a = new Uint8Array(16).fill(1);
  const keys = masterKeys({ cardKeyA: a, cardKeyB: new Uint8Array(16), cardMac: new Uint8Array(16) });
  a.fill(9);
  assert.equal(keys.cardKeyA[0], 1);
  assert.throws(
    () => masterKeys({ cardKeyA: new Uint8Array(6), cardKeyB: new Uint8Array(16), cardMac: new Uint8Array(16) }),
    /cardKeyA must be 16 bytes/,
  );
});
