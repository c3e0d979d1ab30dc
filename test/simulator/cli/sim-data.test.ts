import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveBackend } from '../../../backend/main.ts';
import { runCli } from '../../app/run-cli.ts';

/**
 * `onecard sim --data DIR` is one terminal across runs: a second run continues
 * its journal and finds the cards as the first left them (without --data
 * every run is a new terminal with new cards).
 */
const cardsShown = (out: string) => out.split('\n').filter((l) => /^ {2}\w+ +no\. \d+ class/.test(l));
const journalSeqs = (out: string) => [...out.matchAll(/^ {2}journal : #(\d+) /gm)].map((m) => Number(m[1]));

test('two runs on one DIR continue the same journal and card balances', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-simdata-'));
  try {
    const data = join(dir, 'pos');
    const first = await runCli(['sim', '--data', data]);
    assert.equal(first.code, 0, first.stderr);
    const second = await runCli(['sim', '--data', data]);
    assert.equal(second.code, 0, second.stderr);
    const fresh = await runCli(['sim']);

    const lastOfFirst = Math.max(...journalSeqs(first.stdout));
    assert.match(second.stdout, new RegExp(`restored from .*: journal at #${lastOfFirst}\\n`));
    assert.equal(Math.min(...journalSeqs(second.stdout)), lastOfFirst + 1, 'the journal goes on where it stopped');

    // The demo opens with `cards`: the second run starts where the first one's sales left the cards.
    assert.deepEqual(
      cardsShown(first.stdout),
      cardsShown(fresh.stdout).slice(0, 6),
      'a first run starts from the issued cards',
    );
    const [aliceBefore, aliceAfter] = [first, second].map(
      (r) => cardsShown(r.stdout).find((l) => l.includes('alice'))!,
    );
    assert.match(aliceBefore, /balance 50\.00 subsidy 10\.00 {2}counter 0/);
    assert.doesNotMatch(aliceAfter, /counter 0$/, `alice's card was written in the first run: ${aliceAfter}`);
    assert.match(second.stdout, /money reconciles/, 'cards and journal still agree over both runs');

    for (const f of ['world.json', 'cards/alice.bin']) assert.equal(statSync(join(data, f)).mode & 0o777, 0o600, f);
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.ok(readdirSync(join(data, 'pos1')).includes('journal.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data folder keeps its seed, terminal id and whether it syncs; another is refused, not silently mixed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-simdata-'));
  try {
    const data = join(dir, 'pos');
    assert.equal((await runCli(['sim', '--data', data])).code, 0);
    const other = await runCli(['sim', '--data', data, '--seed', '2']);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /holds terminal 101 of seed 1; it cannot become another/);
    const online = await runCli(['sim', '--data', data, '--backend', 'ws://127.0.0.1:9', '--key-file', join(dir, 'k')]);
    assert.equal(online.code, 2);
    assert.match(online.stderr, /holds an offline terminal; run it the same way/);
    // A first run that stopped before its terminal existed (here: no key) leaves a folder that starts afresh.
    const fresh = join(dir, 'fresh');
    const noKey = await runCli(['sim', '--data', fresh, '--backend', 'ws://127.0.0.1:9', '--key-file', join(dir, 'k')]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /key file .*: cannot open/);
    assert.equal((await runCli(['sim', '--data', fresh])).code, 0);
    const notOurs = await runCli(['sim', '--data', join(process.cwd(), 'docs')]);
    assert.equal(notOurs.code, 2);
    assert.match(notOurs.stderr, /not a simulator data folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('against a backend, the second run on one DIR is the same terminal: its records follow on, no conflict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-simdata-'));
  const dbPath = join(dir, 'backend.db');
  const server = await serveBackend({ dbPath, port: 0 });
  try {
    const data = join(dir, 'pos');
    const args = ['sim', '--backend', server.url, '--db', dbPath, '--data', data, '--log-level', 'warn', '--demo'];
    for (const run of [1, 2]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /journal acknowledged by the backend/, `run ${run}: ${r.stderr}`);
    }
    const records = server.backend.journal.records(101);
    assert.equal(server.backend.journal.highWater(101), records.length);
    assert.deepEqual(
      records.map((r) => r.seq),
      records.map((_, i) => i + 1),
      'one journal, seq 1.. without a restart at 1',
    );
    assert.deepEqual(server.backend.alerts(), []);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
