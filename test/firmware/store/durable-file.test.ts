import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileIfExists, tempPathFor, writeFileDurable } from '../../../firmware/store/durable-file.ts';
import { DurableJsonFile, openDurableLow } from '../../../firmware/store/lowdb-durable-adapter.ts';

const dir = mkdtempSync(join(tmpdir(), 'onecard-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Config {
  terminalId: number;
  name: string;
}

/** A hand-written parse with readable errors, standing in for a zod schema. */
function parseConfig(raw: unknown): Config {
  if (typeof raw !== 'object' || raw === null) throw new Error('expected an object');
  const { terminalId, name } = raw as Record<string, unknown>;
  if (!Number.isInteger(terminalId))
    throw new Error(`terminalId must be an integer, got ${JSON.stringify(terminalId)}`);
  if (typeof name !== 'string') throw new Error('name must be a string');
  return { terminalId: terminalId as number, name };
}

test('writeFileDurable replaces the file and leaves no temp file', () => {
  const path = join(dir, 'a.bin');
  writeFileDurable(path, 'first');
  writeFileDurable(path, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  assert.equal(existsSync(tempPathFor(path)), false);
});

test('writeFileDurable applies the mode exactly, also over a stale temp file', {
  skip: process.platform === 'win32',
}, () => {
  const path = join(dir, 'secret');
  writeFileSync(tempPathFor(path), 'stale', { mode: 0o644 });
  writeFileDurable(path, 'x', 0o600);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), 'x');
});

test('readFileIfExists: undefined for a missing file, bytes otherwise', () => {
  assert.equal(readFileIfExists(join(dir, 'missing')), undefined);
  const path = join(dir, 'present');
  writeFileDurable(path, 'hi');
  assert.equal(readFileIfExists(path)?.toString('utf8'), 'hi');
});

test('lowdb on the durable adapter: round trip through a new Low', async () => {
  const path = join(dir, 'config.json');
  const db = await openDurableLow(path, parseConfig, { terminalId: 0, name: 'new' });
  assert.deepEqual(db.data, { terminalId: 0, name: 'new' }); // no file yet: defaults
  db.data.terminalId = 42;
  db.data.name = 'canteen-1';
  await db.write();
  const again = await openDurableLow(path, parseConfig, { terminalId: 0, name: 'new' });
  assert.deepEqual(again.data, { terminalId: 42, name: 'canteen-1' });
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { terminalId: 42, name: 'canteen-1' });
});

test('lowdb adapter: a file that fails the parse is refused with the problem and left in place', async () => {
  const path = join(dir, 'bad.json');
  const text = '{"terminalId": 1.5, "name": "x"}';
  writeFileSync(path, text);
  const adapter = new DurableJsonFile(path, parseConfig);
  await assert.rejects(
    adapter.read(),
    (err: Error) => err.message.includes(path) && err.message.includes('terminalId must be an integer, got 1.5'),
  );
  assert.equal(readFileSync(path, 'utf8'), text);
});

test('lowdb adapter: malformed JSON is refused, naming the file', async () => {
  const path = join(dir, 'broken.json');
  writeFileSync(path, '{"terminalId": 1,');
  await assert.rejects(new DurableJsonFile(path, parseConfig).read(), (err: Error) =>
    err.message.startsWith(`${path}: not valid JSON`),
  );
  assert.equal(readFileSync(path, 'utf8'), '{"terminalId": 1,');
});

test('lowdb adapter: writing invalid data is refused and the old file stays', async () => {
  const path = join(dir, 'keep.json');
  const db = await openDurableLow(path, parseConfig, { terminalId: 7, name: 'ok' });
  await db.write();
  const before = readFileSync(path, 'utf8');
  (db.data as unknown as Record<string, unknown>).terminalId = 'seven';
  await assert.rejects(db.write(), /refusing to write: terminalId must be an integer, got "seven"/);
  assert.equal(readFileSync(path, 'utf8'), before);
  assert.equal(existsSync(tempPathFor(path)), false);
});
