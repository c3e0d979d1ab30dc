import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deriveSimMasterKeys,
  deriveSimRolloverKeys,
  loadKeyFile,
  loadKeyRing,
  writeKeyFile,
  writeKeyRing,
  type MasterKeys,
} from '../../../../firmware/store/keys/keyfile.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-ring-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hexOf = (k: MasterKeys) => [k.cardKeyA, k.cardKeyB, k.cardMac].map((b) => Buffer.from(b).toString('hex'));
const OLD = deriveSimMasterKeys(1);
const NEW = deriveSimRolloverKeys(2, OLD);

function writeRaw(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

test('a single-set (version 1) key file reads as key version 1 with no previous set', () => {
  const path = join(dir, 'single.json');
  writeKeyFile(path, OLD);
  const ring = loadKeyRing(path);
  assert.equal(ring.current.keyVersion, 1);
  assert.equal(ring.previous, null);
  assert.deepEqual(hexOf(ring.current.keys), hexOf(OLD));
  const legacy = writeRaw('legacy.json', {
    version: 1,
    keys: Object.fromEntries(['cardKeyA', 'cardKeyB', 'cardMac'].map((n, i) => [n, hexOf(OLD)[i]])),
  });
  assert.deepEqual(hexOf(loadKeyRing(legacy).current.keys), hexOf(OLD));
});

test('current and previous key versions round-trip, 0600, and loadKeyFile gives the current keys', () => {
  const path = join(dir, 'ring.json');
  writeKeyRing(path, { current: { keyVersion: 2, keys: NEW }, previous: { keyVersion: 1, keys: OLD } });
  if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
  const ring = loadKeyRing(path);
  assert.equal(ring.current.keyVersion, 2);
  assert.equal(ring.previous?.keyVersion, 1);
  assert.deepEqual(hexOf(ring.current.keys), hexOf(NEW));
  assert.deepEqual(hexOf(ring.previous!.keys), hexOf(OLD));
  assert.deepEqual(hexOf(loadKeyFile(path)), hexOf(NEW));
});

test('a ring whose previous version is not below the current one is refused, without key material', () => {
  const path = join(dir, 'ring-ok.json');
  writeKeyRing(path, { current: { keyVersion: 3, keys: NEW }, previous: { keyVersion: 2, keys: OLD } });
  const body = JSON.parse(readFileSync(path, 'utf8'));
  body.previous.keyVersion = 3;
  const same = writeRaw('same.json', body);
  assert.throws(
    () => loadKeyRing(same),
    (err: Error) => {
      assert.match(err.message, /previous key version 3 must be below current 3/);
      assert.ok(!err.message.includes(hexOf(OLD)[0]!.slice(0, 8)));
      return true;
    },
  );
  body.previous.keyVersion = 0;
  assert.throws(() => loadKeyRing(writeRaw('zero.json', body)), /previous\.keyVersion must be a positive integer/);
  delete body.previous.keys.cardMac;
  body.previous.keyVersion = 1;
  assert.throws(() => loadKeyRing(writeRaw('nomac.json', body)), /previous\.keys\.cardMac is missing/);
  assert.throws(
    () =>
      writeKeyRing(join(dir, 'bad.json'), {
        current: { keyVersion: 1, keys: NEW },
        previous: { keyVersion: 1, keys: OLD },
      }),
    /must be below current/,
  );
});

test('a ring whose versions differ in cardMac is refused: re-keyed cards would read as forged', () => {
  const other = deriveSimMasterKeys(2); // its own cardMac
  const ring = { current: { keyVersion: 2, keys: other }, previous: { keyVersion: 1, keys: OLD } };
  assert.throws(() => writeKeyRing(join(dir, 'mac.json'), ring), /same cardMac: the data-MAC key cannot roll over/);
  const path = join(dir, 'mac-ok.json');
  writeKeyRing(path, { current: { keyVersion: 2, keys: NEW }, previous: { keyVersion: 1, keys: OLD } });
  const body = JSON.parse(readFileSync(path, 'utf8'));
  body.current.keys.cardMac = hexOf(other)[2];
  assert.throws(() => loadKeyRing(writeRaw('mac-bad.json', body)), /same cardMac/);
});
