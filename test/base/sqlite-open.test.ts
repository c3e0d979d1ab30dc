import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, STORE_FILE_MODE } from '../../base/sqlite-open.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

test('openSqlite: a store file an older build left 0644 (and its WAL) is owner-only once opened again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-open-'));
  try {
    const path = join(dir, 'old.db');
    const first = openSqlite({ path }).db;
    first.exec('CREATE TABLE t (x INTEGER)');
    first.close();
    chmodSync(path, 0o644);
    const { db, created } = openSqlite({ path });
    try {
      db.exec('INSERT INTO t VALUES (1)');
      assert.equal(created, false);
      assert.deepEqual([mode(path), mode(`${path}-wal`)], [STORE_FILE_MODE, STORE_FILE_MODE]);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
