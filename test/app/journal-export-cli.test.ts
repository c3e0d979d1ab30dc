import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalMain } from '../../app/journal/export-command.ts';
import { backendMain, serveBackend } from '../../backend/main.ts';
import { silentLogger } from '../../firmware/core/log.ts';
import { Journal } from '../../firmware/store/journal/journal.ts';

/**
 * `onecard journal export` and `onecard backend import` as a person runs them: the terminal's config names
 * its data dir and key file; the file goes to the backend by hand; help, mistakes and a tampered file.
 */
function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const clear = () => {
    out.length = 0;
    err.length = 0;
  };
  return {
    out,
    err,
    journal: (...args: string[]) => {
      clear();
      return journalMain(args, io);
    },
    backend: (...args: string[]) => {
      clear();
      return backendMain(args, io.out, io.err);
    },
  };
}

test('onecard journal export: help, mistakes named, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-export-cli-'));
  const c = cli();
  try {
    assert.equal(c.journal('export', '--help'), 0);
    assert.match(c.out.join('\n'), /--out FILE/);
    assert.equal(c.journal('export', '--bogus', '--out', 'x'), 2);
    assert.match(c.err.join('\n'), /unknown option: --bogus/);
    assert.equal(c.journal('export', '--out', join(dir, 'x')), 2);
    assert.match(c.err.join('\n'), /--config FILE and --out FILE are required/);
    assert.equal(c.journal('import'), 2);
    assert.match(c.err.join('\n'), /unknown command "import"/);
    assert.equal(c.journal('export', '--config', join(dir, 'missing.json'), '--out', join(dir, 'x')), 2);
    assert.match(c.err.join('\n'), /missing\.json: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exported at the terminal, imported at the backend once; a changed byte is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-export-cli-'));
  const c = cli();
  try {
    const db = join(dir, 'backend.db');
    assert.equal(await c.backend('init', '--db', db), 0);
    assert.equal(await c.backend('key', '101', '--db', db, '--out', join(dir, 'terminal.key')), 0, c.err.join('\n'));
    const config = JSON.parse(readFileSync(new URL('../../examples/terminal-sim.json', import.meta.url), 'utf8'));
    config.storage.dataDir = 'data';
    config.backend = { url: 'ws://127.0.0.1:9/', terminalKeyFile: 'terminal.key' };
    writeFileSync(join(dir, 'terminal.json'), JSON.stringify(config));
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    const journal = Journal.open({
      path: join(dir, 'data', 'journal.db'),
      clock: { nowMs: () => 1e12 },
      log: silentLogger,
    });
    for (const n of [1001, 1002, 1003]) journal.append('card.issued', { cardNumber: n }, { card: n });
    journal.close();

    const out = join(dir, 'usb', 'pos1.journal');
    assert.equal(c.journal('export', '--config', join(dir, 'terminal.json'), '--out', out), 2, 'no such folder');
    assert.match(c.err.join('\n'), /--out .*pos1\.journal: cannot write \(ENOENT\)/);
    const stick = join(dir, 'pos1.journal');
    assert.equal(c.journal('export', '--config', join(dir, 'terminal.json'), '--out', stick), 0, c.err.join('\n'));
    assert.match(
      c.out[0],
      /^exported records 1\.\.3 \(3\) of terminal 101 to .*; import with: onecard backend import /,
    );
    assert.equal(statSync(stick).mode & 0o777, 0o600);

    assert.equal(await c.backend('import', stick, '--db', db), 0, c.err.join('\n'));
    assert.match(c.out[0], /terminal 101 records 1\.\.3: 3 new, 0 held already$/);
    assert.equal(await c.backend('import', stick, '--db', db), 0);
    assert.match(c.out[0], /: 0 new, 3 held already$/);
    assert.equal(await c.backend('card', 'show', '1002', '--db', db), 0, 'card.issued registered the card');
    const server = await serveBackend({ dbPath: db });
    try {
      assert.equal(await c.backend('import', stick, '--db', db), 0, 'through the running server');
      assert.match(c.out[0], /: 0 new, 3 held already$/);
    } finally {
      await server.stop();
    }

    const text = readFileSync(stick, 'utf8');
    writeFileSync(stick, text.replace('"cardNumber":1002', '"cardNumber":1004'));
    assert.equal(await c.backend('import', stick, '--db', db), 1);
    assert.match(c.err[0], /refused, nothing imported: the MAC does not verify/);
    assert.equal(await c.backend('import', join(dir, 'nope.journal'), '--db', db), 2);
    assert.match(c.err[0], /cannot read .*nope\.journal/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
