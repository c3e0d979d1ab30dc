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

test('bench: a POS sale costs a fixed SPI and RF budget; the tap→beep lower bound is within the goal', async () => {
  const r = await benchMfrc522();
  // Pinned: a change in the driver's register traffic or the sale's card commands shows up here first.
  // Bus operations / chip selects / bytes / IRQ polls of the dearer of two sales (the one that re-authenticates).
  const spi = [r.spiTransactionsPerTap, r.spiFramesPerTap, r.spiBytesPerTap, r.irqPollsPerTap];
  // One READ more than before member levels: level slot 0 (block 10); slot 1 is read only once slot 0 holds one.
  assert.deepEqual(spi, [57, 169, 670, 20]);
  assert.deepEqual([r.rf.exchanges, r.rf.roundTrips, r.rf.cardProcessingMs], [20, 24, 44]);
  assert.deepEqual([r.otherSale.rf.exchanges, r.otherSale.rf.cardProcessingMs], [19, 42], 'no auth before its write');
  assert.ok(r.spiBusMs.at1MHz > r.spiBusMs.at4MHz && r.spiBusMs.at4MHz > r.spiBusMs.at10MHz);
  // A model, not a measurement: the SPI part rests on PER_TRANSACTION_US_ESTIMATE, the fsync on SD_FSYNC_MS_ESTIMATE.
  // Its upper bound (airtime added to NXP's card times, which include it) stays above the goal: docs/hardware.md.
  assert.ok(r.tapToBeepLowerBoundMs.at4MHz <= r.tapGoalMs, `lower bound ${r.tapToBeepLowerBoundMs.at4MHz} ms`);
  assert.ok(r.tapToBeepModelMs.at4MHz > r.tapToBeepLowerBoundMs.at4MHz);
  const seven = await benchMfrc522({ uid: Uint8Array.of(4, 1, 2, 3, 4, 5, 6) });
  assert.equal(seven.rf.cardProcessingMs, 45, 'the second cascade level adds 1 ms');
});

test('RF model: a REQA nobody answers costs its airtime and the timer period', () => {
  const m = modelRf([
    { op: 'REQA', txBits: 7, rxBits: 0, txBytes: 1, rxBytes: 0, roundTrips: 1, answered: false, timeoutUs: 25_025 },
  ]);
  assert.equal(m.unansweredWaitMs, 25.03);
  assert.equal(m.cardProcessingMs, 0);
  assert.ok(m.airtimeMs > 0.2 && m.airtimeMs < 0.3, `${m.airtimeMs}`); // 9 bits × 9.44 µs + 2 × 86 µs
});
