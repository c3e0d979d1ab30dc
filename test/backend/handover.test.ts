import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../firmware/core/clock.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';
import { Backend } from '../../backend/backend.ts';
import { buildJournalBatch, CHAIN_ZERO, chainOver, KIND, type WireRecord } from '../../protocol/index.ts';

/** A kiosk's cash.handover at the backend: one pending credit per record, booked when stored (docs/kiosk.md). */
const KIOSK = 301;
const AT_MS = 1_795_000_000_000;

const record = (seq: number, kind: string, body: unknown, card: number | null = 1001): WireRecord => ({
  seq,
  kind,
  atMs: AT_MS + seq,
  card,
  ref: null,
  body,
});
const batch = (recs: WireRecord[], all: WireRecord[]) =>
  buildJournalBatch(recs, {
    terminalId: KIOSK,
    utcOffsetMinutes: 480,
    chainPrev: chainOver(
      CHAIN_ZERO,
      all.filter((r) => r.seq < recs[0]!.seq),
      KIOSK,
    ),
    maxPayloadBytes: 32_768,
  });

test('a cash.handover becomes one pending credit (balance, topup); a batch sent again books nothing twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-handover-'));
  const clock = new ManualClock(AT_MS);
  const b = Backend.open({ dbPath: join(dir, 'b.db'), clock, scheduler: new VirtualScheduler(clock) });
  try {
    const recs = [
      record(1, KIND.cashStack, { cardNumber: 1001, billType: 3, valueCents: 2_000 }),
      record(2, KIND.cashStacked, { cardNumber: 1001, billType: 3, valueCents: 2_000 }),
      record(3, KIND.cashHandover, { cardNumber: 1001, amountCents: 2_000 }),
      record(4, KIND.cashHandover, { cardNumber: 1001, amountCents: -5 }),
      record(5, KIND.cashHandover, { cardNumber: '1001', amountCents: 100 }),
    ];
    const first = b.journal.ingest(KIOSK, batch(recs, recs));
    assert.deepEqual([first.ack.status, first.stored, first.listsChanged], ['ok', 5, true]);
    const booked = () => b.lists.creditsOf(1001).map((c) => [c.creditSeq, c.amount, c.purse, c.reason]);
    assert.deepEqual(booked(), [[1, 2_000, 'balance', 'topup']], 'a stacked bill alone books nothing');
    const again = b.journal.ingest(KIOSK, batch(recs.slice(2), recs));
    assert.deepEqual([again.stored, again.listsChanged], [0, false]);
    assert.deepEqual(booked(), [[1, 2_000, 'balance', 'topup']], 'once');
    assert.deepEqual(
      b.alerts().map((a) => [a.kind, a.terminal]),
      [
        ['handover-malformed', KIOSK],
        ['handover-malformed', KIOSK],
      ],
      'a body that is not a card and a positive amount is stored, alerted, and books nothing',
    );
  } finally {
    b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
