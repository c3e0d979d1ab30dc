import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../../app/config/config-file.ts';
import { startTerminal } from '../../app/run/service.ts';
import { silentLogger } from '../../base/log.ts';
import { CardApp } from '../../firmware/card/app.ts';
import { ManualClock } from '../../firmware/core/clock.ts';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { KIND } from '../../protocol/index.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';
import { VirtualReader } from '../../simulator/card/virtual-reader.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';
import { runCli } from './run-cli.ts';

/**
 * A car park as `onecard run` runs it (startTerminal → composeTerminal), all
 * twins: parking.lanes says the entry post's reader opens the entry barrier
 * and reader2 the exit's; a card at each lifts that barrier's relay, and the
 * exit takes the fee from the purse once.
 */
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-parking-sim.json', import.meta.url));
const RELAY = { entry: 5, exit: 12 };

test('onecard run: the entry reader lifts the entry barrier, reader2 the exit one, the fee taken once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-parking-run-'));
  try {
    const read = readConfigFile(EXAMPLE);
    assert.ok(read.ok, read.ok ? '' : read.message);
    const config = { ...read.config, storage: { ...read.config.storage, dataDir: join(dir, 'data') } };
    const clock = new ManualClock(Date.parse('2026-12-07T22:10:00+08:00'));
    const scheduler = new VirtualScheduler(clock);
    const started = await startTerminal(config, {
      ...{ clock, scheduler, log: silentLogger },
      nowUs: () => clock.nowMs() * 1000,
    });
    assert.ok(started.ok, started.ok ? '' : started.message);
    const t = started.value;
    const [entry, exit, pins] = [t.peripherals.reader.twin, t.peripherals.reader2?.twin, t.peripherals.gpio?.twin];
    assert.ok(entry && exit && pins, 'the example is all twins, with two readers');
    const keys = deriveSimMasterKeys(1);
    const card = await issueSimCard(
      { name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 },
      keys,
      clock,
    );
    const lifts = (line: number) => pins.timeline.filter((c) => c.line === line && c.level === 1).length;

    entry.place(card);
    await scheduler.run(500);
    entry.remove();
    assert.deepEqual([lifts(RELAY.entry), lifts(RELAY.exit)], [1, 0], 'the entry barrier only');

    await scheduler.run(3.5 * 3_600_000);
    exit.place(card);
    await scheduler.run(500); // several polls with the card on the reader: one tap
    exit.remove();
    assert.deepEqual([lifts(RELAY.entry), lifts(RELAY.exit)], [1, 1], 'then the exit barrier only');
    assert.equal(t.loop().taps, 2);

    const exits = [...scanJournal(t.terminal.journal)].filter((r) => isRecordOf(r, KIND.parkingExit));
    assert.deepEqual(
      exits.map((r) => (isRecordOf(r, KIND.parkingExit) ? r.body.feeCents : null)),
      [1_400],
    );
    const reader = new VirtualReader();
    reader.place(card);
    const purse = await new CardApp(keys).read(reader.open()!);
    assert.ok(purse.ok);
    assert.equal(purse.card.purse.balance, 10_000 - 1_400, '22:10 to 01:40: 14.00, taken once');
    await t.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('onecard config example --role parking passes the check; a bad lane is named with its fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-parking-config-'));
  try {
    const example = await runCli(['config', 'example', '--role', 'parking']);
    assert.equal(example.code, 0, example.stderr);
    const good = join(dir, 'parking.json');
    writeFileSync(good, example.stdout.replace('"/var/lib/onecard"', '"data"'));
    const ok = await runCli(['config', 'check', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /terminal 501 \(parking\)/);
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      example.stdout.replace('"reader": "reader2", "barrier": "exit"', '"reader": "reader2", "barrier": "out"'),
    );
    const r = await runCli(['config', 'check', bad]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      /"parking\.lanes\[1\]\.barrier": the barrier a card at this reader opens: "entry" or "exit"/,
    );
    assert.match(r.stderr, /see `onecard config example --role parking`/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
