import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecordOf } from '../../firmware/store/journal/journal.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import { KIND } from '../../protocol/index.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';
import { scanJournal } from '../../simulator/journal-scan.ts';
import { runCli } from './run-cli.ts';
import { startExample } from './start-example.ts';

/**
 * A door with paired readers as `onecard run` runs it (startTerminal →
 * composeTerminal), all twins: door.readers says `reader` is door 0's in side
 * and `reader2` its out side; with hard anti-passback a card that went in
 * through `in` is refused a second `in` until it has come out.
 */
const EXAMPLE = fileURLToPath(new URL('../../examples/terminal-door-inout-sim.json', import.meta.url));
const RELAY_LINE = 5;
/** Longer than the example's 3 s release: the latch holds again before the next tap. */
const RELOCK_MS = 5_000;

test('onecard run: a card in through the in-reader twice is refused the second time (hard anti-passback)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-door-run-'));
  try {
    const { t, clock, scheduler } = await startExample(EXAMPLE, dir, '2026-12-07T09:00:00+08:00');
    const [inside, outside, pins] = [t.peripherals.reader.twin, t.peripherals.reader2?.twin, t.peripherals.gpio?.twin];
    assert.ok(inside && outside && pins, 'the example is all twins, with two readers');
    const card = await issueSimCard(
      { name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 0 },
      deriveSimMasterKeys(1),
      clock,
    );
    const releases = () => pins.timeline.filter((c) => c.line === RELAY_LINE && c.level === 1).length;
    const badge = async (reader: typeof inside) => {
      reader.place(card);
      await scheduler.run(500); // several polls with the card on the reader: one tap
      reader.remove();
      await scheduler.run(RELOCK_MS);
    };

    await badge(inside);
    assert.equal(releases(), 1, 'in: opens');
    await badge(inside);
    assert.equal(releases(), 1, 'in again without an out: stays shut');
    await badge(outside);
    assert.equal(releases(), 2, 'out: opens');
    await badge(inside);
    assert.equal(releases(), 3, 'in again after the out: opens');
    assert.equal(t.loop().taps, 4);

    const records = [...scanJournal(t.terminal.journal)];
    const sides = records.flatMap((r) => (isRecordOf(r, KIND.doorGranted) ? [r.body.direction] : []));
    assert.deepEqual(sides, ['in', 'out', 'in']);
    const refused = records.flatMap((r) => (isRecordOf(r, KIND.doorRefused) ? [r.body.reason] : []));
    assert.deepEqual(refused, ['passback']);
    await t.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('onecard config example --role door passes the check; a bad reader side is named with its fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-door-config-'));
  try {
    const example = await runCli(['config', 'example', '--role', 'door']);
    assert.equal(example.code, 0, example.stderr);
    assert.match(example.stdout, /"readers": \[/);
    const good = join(dir, 'door.json');
    writeFileSync(good, example.stdout.replace('"/var/lib/onecard"', '"data"'));
    const ok = await runCli(['config', 'check', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /terminal 301 \(door\)/);
    const cases: [string, string, RegExp][] = [
      [
        '"reader": "reader2", "door": 0, "side": "out"',
        '"reader": "reader2", "door": 0, "side": "in"',
        /"door\.readers": door 0 has anti-passback \(hard\): add its out reader, e\.g\. \{"reader": "reader2", "door": 0, "side": "out"\}/,
      ],
      [
        '"reader": "reader2", "door": 0, "side": "out"',
        '"reader": "reader2", "door": 4, "side": "out"',
        /"door\.readers\[1\]\.door": no door 4 in door\.doors/,
      ],
      [
        '"reader": "reader2", "door": 0, "side": "out"',
        '"reader": "reader3", "door": 0, "side": "out"',
        /"door\.readers\[1\]\.reader": the reader: "reader" or "reader2"/,
      ],
      [
        '"reader2": { "kind": "mfrc522", "device": "/dev/spidev0.1" },',
        '',
        /"door\.readers\[1\]\.reader": no peripherals\.reader2: add it/,
      ],
    ];
    for (const [from, to, said] of cases) {
      const bad = join(dir, 'bad.json');
      assert.ok(example.stdout.includes(from), from);
      writeFileSync(bad, example.stdout.replace(from, to));
      const r = await runCli(['config', 'check', bad]);
      assert.equal(r.code, 2, `${to}: ${r.stdout}`);
      assert.match(r.stderr, said);
      assert.match(r.stderr, /see `onecard config example --role door`/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
