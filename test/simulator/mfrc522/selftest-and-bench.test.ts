/** The reader self-test and the POS-tap benchmark, both on the emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchMfrc522, modelRf } from '../../../bench/mfrc522.ts';
import { EXIT_CHIP_FAULT, EXIT_OK, selftestReader } from '../../../app/selftest-reader.ts';

test('selftest reader on the emulator: chip version, then UID/ATQA/SAK of the card in the field', async () => {
  const lines: string[] = [];
  assert.equal(await selftestReader({ reader: 'emulator', out: (l) => lines.push(l) }), EXIT_OK);
  assert.match(lines[1]!, /^chip: MFRC522 v2\.0, VersionReg 0x92; self-test passed/);
  assert.equal(lines[2], 'card: UID 04 a2 3b 4c 5d 6e 7f (7 bytes), ATQA 44 00, SAK 08 (MIFARE Classic 1K)');
});

test('selftest reader on spidev without the native package is a clear chip-side failure', async () => {
  const lines: string[] = [];
  const code = await selftestReader({
    reader: 'spidev',
    device: '/dev/spidev0.0',
    attempts: 1,
    out: (l) => lines.push(l),
  });
  // On a terminal with spi-device but no reader wired, open or init fails the same way.
  assert.equal(code, EXIT_CHIP_FAULT);
  assert.match(lines.join('\n'), /spi-device is not installed|self-test FAILED|cannot open SPI/);
});

test('bench: a POS sale costs a fixed SPI and RF budget; the tap→beep model adds each part once', async () => {
  const r = await benchMfrc522();
  const { dear, cheap } = r;
  // Pinned: a change in the driver's register traffic or the sale's card commands shows up here first.
  // Bus operations / chip selects / bytes / IRQ polls of the dearer of two sales (the one that re-authenticates).
  const spi = [dear.spiTransactions, dear.spiFrames, dear.spiBytes, dear.irqPolls];
  // One READ more than before member levels: level slot 0 (block 10); slot 1 is read only once slot 0 holds one.
  assert.deepEqual(spi, [57, 169, 670, 20]);
  assert.deepEqual([dear.rf.exchanges, dear.rf.roundTrips, dear.rf.cardProcessingMs], [20, 24, 44]);
  assert.deepEqual([cheap.rf.exchanges, cheap.rf.cardProcessingMs], [19, 42], 'no auth before its write');
  assert.ok(dear.spiBusMs.at1MHz > dear.spiBusMs.at4MHz && dear.spiBusMs.at4MHz > dear.spiBusMs.at10MHz);
  // Procedures: one identification and selection, 4 AUTHs, 9 READs, 2 WRITEs (each with its data frame).
  const procedures = dear.rf.commands.map((c) => c.procedure);
  assert.equal(procedures.filter((p) => p === 'SELECT').length, 1);
  assert.equal(procedures.filter((p) => p === 'WRITE').length, 2);
  // The tap→beep model is the sum of its parts, each once: SPI + one detection poll per command + RF + fsync.
  const parts = dear.spiBusMs.at4MHz + dear.detectionMs.at4MHz + dear.rf.modelMs + r.sdFsyncMs;
  assert.ok(Math.abs(dear.tapToBeepModelMs.at4MHz - parts) < 0.02, `${dear.tapToBeepModelMs.at4MHz} vs ${parts}`);
  assert.equal(dear.detectionMs.at4MHz, (20 * (r.perTransactionOverheadUs + 10)) / 1000, 'one 5-byte poll each');
  // The pessimistic bound adds the frames' airtime on top of NXP's times, which already hold it.
  assert.ok(dear.rf.pessimisticMs > dear.rf.modelMs + 25, `${dear.rf.pessimisticMs} vs ${dear.rf.modelMs}`);
  const seven = await benchMfrc522({ uid: Uint8Array.of(4, 1, 2, 3, 4, 5, 6) });
  assert.equal(seven.dear.rf.cardProcessingMs, 45, 'the second cascade level adds 1 ms');
  // Two cascade levels are one procedure, typically 2.5 + 1 ms; its ten frames' airtime is longer, so it counts.
  const [select] = seven.dear.rf.commands;
  assert.deepEqual([select!.procedure, select!.exchanges, select!.typicalMs], ['SELECT', 5, 3.5]);
  assert.equal(select!.modelMs, select!.airtimeMs);
  assert.equal(dear.rf.commands[0]!.modelMs, 2.5, 'one cascade level: its frames fit in the typical 2.5 ms');
});

test('bench: a site without member levels sends one READ less per sale (block 10), nothing else changes', async () => {
  const on = await benchMfrc522();
  const off = await benchMfrc522({ memberLevels: false });
  assert.match(on.dear.sequence, /READ 9 → READ 10 → AUTH S3/);
  assert.doesNotMatch(off.dear.sequence, /READ 1[04]/);
  assert.equal(off.dear.sequence, on.dear.sequence.replace(' → READ 10', ''));
  assert.deepEqual([off.dear.cardCommands, off.dear.spiTransactions], [19, 54], 'one command, three bus operations');
  assert.equal(Math.round((on.dear.rf.modelMs - off.dear.rf.modelMs) * 100) / 100, 2.5);
});

// READ 4: the reader sends 30 04 + CRC (32 bits), the card 16 bytes + CRC (144 bits).
const READ = {
  op: 'READ',
  txBits: 32,
  rxBits: 144,
  txBytes: 4,
  rxBytes: 18,
  roundTrips: 1,
  answered: true,
  timeoutUs: 0,
} as const;

test('RF model: a READ is counted once, max(its airtime, NXP 2.5 ms), not airtime + 2.5 ms', () => {
  const m = modelRf([READ]);
  // The datasheet's read timing: 368 µs of reader frame + 1548 µs of answer, inside the typical 2.5 ms.
  assert.ok(m.airtimeMs > 2 && m.airtimeMs < 2.5, `${m.airtimeMs}`);
  assert.equal(m.modelMs, 2.5);
  assert.equal(m.pessimisticMs, Math.round((m.airtimeMs + 2.5) * 100) / 100);
});

test('RF model: a WRITE and its data are one procedure (5.5 ms), REQA…SELECT one selection (2.5 ms)', () => {
  const ack = { rxBits: 4, rxBytes: 1, roundTrips: 1, answered: true, timeoutUs: 0 } as const;
  const write = modelRf([
    { op: 'WRITE', txBits: 32, txBytes: 4, ...ack },
    { op: 'WRITE-DATA', txBits: 144, txBytes: 18, ...ack },
  ]);
  assert.deepEqual(
    write.commands.map((c) => [c.procedure, c.exchanges, c.modelMs]),
    [['WRITE', 2, 5.5]],
  );
  const select = modelRf([
    { op: 'REQA', txBits: 7, rxBits: 16, txBytes: 1, rxBytes: 2, roundTrips: 1, answered: true, timeoutUs: 0 },
    { op: 'ANTICOLL', txBits: 16, rxBits: 40, txBytes: 2, rxBytes: 5, roundTrips: 1, answered: true, timeoutUs: 0 },
    { op: 'SELECT', txBits: 72, rxBits: 24, txBytes: 9, rxBytes: 3, roundTrips: 1, answered: true, timeoutUs: 0 },
    READ,
  ]);
  assert.deepEqual(
    select.commands.map((c) => [c.procedure, c.modelMs]),
    [
      ['SELECT', 2.5],
      ['READ', 2.5],
    ],
  );
  assert.equal(select.modelMs, 5);
});

test('RF model: a REQA nobody answers costs its airtime and the timer period', () => {
  const m = modelRf([
    { op: 'REQA', txBits: 7, rxBits: 0, txBytes: 1, rxBytes: 0, roundTrips: 1, answered: false, timeoutUs: 25_025 },
  ]);
  assert.equal(m.unansweredWaitMs, 25.03);
  assert.equal(m.cardProcessingMs, 0);
  assert.ok(m.airtimeMs > 0.2 && m.airtimeMs < 0.3, `${m.airtimeMs}`); // 9 bits × 9.44 µs + 2 × 86 µs
  assert.ok(m.modelMs > 25.2 && m.modelMs < 25.4, `${m.modelMs}`);
});
