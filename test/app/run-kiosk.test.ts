import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTerminal } from '../../app/run/service.ts';
import { ManualClock } from '../../base/clock.ts';
import { silentLogger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { parseConfig } from '../../firmware/config/schema.ts';
import { REPRINT_RETRY_MS } from '../../firmware/kiosk/receipt-desk.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';
import type { KioskScreenTwin } from '../../simulator/kiosk-screen/twin.ts';
import { issueSimCard } from '../../simulator/card/issue.ts';
import type { Mfrc522Reader } from '../../drivers/card/mfrc522/reader.ts';

/**
 * The kiosk as `onecard run` opens it, in process: the config's validator,
 * printer and screen twins reach the kiosk through the registry and
 * composeTerminal, and the service's loops (reader, validator) drive it.
 */
const EXAMPLE = new URL('../../examples/terminal-kiosk-sim.json', import.meta.url);

/** The example kiosk started as a service on a manual clock, its loops' timers run when `turn` says so. */
async function startKiosk(reader: { kind: string } | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-run-kiosk-'));
  const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
    storage: { dataDir: string };
    peripherals: { reader: { kind: string } };
  };
  raw.storage.dataDir = join(dir, 'data');
  if (reader) raw.peripherals.reader = reader;
  const config = parseConfig(raw);
  const clock = new ManualClock(Date.parse('2026-12-07T12:10:00+08:00'));
  // The loops' timers run when the test says so; the CCNET link's reply timeouts never fire (the emulator answers).
  const due: { fn: () => void; live: boolean }[] = [];
  const scheduler: Scheduler = {
    after: (_ms, fn) => {
      const timer = { fn, live: true };
      due.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  const nowUs = () => clock.nowMs() * 1000;
  const started = await startTerminal(config, { clock, scheduler, nowUs, log: silentLogger });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const run = started.value;
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const turn = async (until: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 400 && !until(); i++) {
      for (const t of due.splice(0)) if (t.live) t.fn();
      for (let j = 0; j < 5; j++) await tick();
    }
    assert.ok(until(), what);
  };
  const stop = async () => {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { run, turn, clock, config, stop };
}

test("onecard run's kiosk takes a bill on the config's twins and pushes each screen to the screen driver", async () => {
  const { run, turn, clock, config, stop } = await startKiosk();
  try {
    const screen = run.peripherals.kioskScreen!.twin as KioskScreenTwin;
    const { emulator, printer } = run.peripherals.cash!.twins;
    assert.ok(emulator && printer, 'the config named the twins');
    assert.equal(screen.current?.kind, 'idle', 'the page has the screen from boot');
    const acceptor = run.peripherals.cash!.cash.acceptor;
    await turn(() => acceptor.billTable !== undefined, 'the validator powered up and its bill table read');

    const card = await issueSimCard(
      { name: 'ann', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 },
      deriveSimMasterKeys(config.sim!.seed),
      clock,
    );
    run.peripherals.reader.twin!.place(card);
    await turn(() => screen.current?.balance === '¥50.00', 'the balance on the screen');
    await turn(() => emulator.state === 'idle', 'the bills enabled for the card on the reader');
    emulator.insert(2); // bill type 2: the 10 yuan bill (RMB_TABLE)
    const shown = () => JSON.stringify(screen.views.slice(-2));
    await turn(() => screen.current?.balance === '¥60.00', 'the balance risen by the stacked bill');
    assert.equal(screen.current?.kind, 'balance', shown());
    assert.match(printer.transcript(), /10\.00/);
    // Paper out: the next bill is still credited; its receipt is owed and the printer reported degraded.
    printer.runOutOfPaper();
    await turn(() => emulator.state === 'idle', 'the validator ready for the next bill');
    emulator.insert(2);
    await turn(() => screen.current?.balance === '¥70.00', 'the second bill credited without paper');
    assert.equal(run.health().find((p) => p.kind === 'printer')?.health, 'degraded');
    printer.loadPaper();
    clock.advance(REPRINT_RETRY_MS); // the kiosk tries an owed receipt again after this
    await turn(() => run.health().find((p) => p.kind === 'printer')?.health === 'ok', 'the owed receipt printed');
    // The card taken away: the reader's poll tells the kiosk, which goes back to its idle screen.
    run.peripherals.reader.twin!.remove();
    await turn(() => screen.current?.kind === 'idle', 'the idle screen once the card is gone');
    const health = run.health();
    assert.deepEqual(
      ['bill-acceptor', 'printer'].map((k) => health.find((p) => p.kind === k)?.health),
      ['ok', 'ok'],
    );
  } finally {
    await stop();
  }
});

test('the run loop selects nothing while the kiosk holds a card: one selection from the tap to the removal', async () => {
  const { run, turn, clock, config, stop } = await startKiosk({ kind: 'mfrc522-emulator' });
  try {
    const screen = run.peripherals.kioskScreen!.twin as KioskScreenTwin;
    const { emulator } = run.peripherals.cash!.twins;
    const field = run.peripherals.reader.emulator!;
    const chip = run.peripherals.reader.reader as Mfrc522Reader;
    await turn(() => run.peripherals.cash!.cash.acceptor.billTable !== undefined, 'the validator ready');
    const card = await issueSimCard(
      { name: 'ann', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 },
      deriveSimMasterKeys(config.sim!.seed),
      clock,
    );
    field.place(card);
    await turn(() => screen.current?.balance === '¥50.00', 'the balance on the screen');
    const detects = chip.counters.detects;
    await turn(() => emulator!.state === 'idle', 'the bills enabled for the card');
    emulator!.insert(2); // ¥10
    await turn(
      () => screen.current?.balance === '¥60.00',
      'the bill written to the card through the session of the tap',
    );
    let rounds = 0;
    await turn(() => ++rounds > 20, 'twenty more rounds of the reader and validator polls, the card still on');
    assert.equal(chip.counters.detects, detects, 'no detect (no re-selection) while the kiosk holds the card');
    assert.equal(chip.counters.cardsSelected, 1);
    field.field.remove(card);
    await turn(() => screen.current?.kind === 'idle', 'the kiosk heard of the removal through its own session');
    await turn(() => chip.counters.detects > detects, 'the loop detects again once the kiosk let go');
    assert.equal(chip.counters.cardsSelected, 1, 'the card gone: nothing selected');
  } finally {
    await stop();
  }
});
