import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../firmware/core/clock.ts';
import { silentLogger } from '../firmware/core/log.ts';
import { DoorController } from '../firmware/door/controller.ts';
import type { DoorLists } from '../firmware/door/decide.ts';
import { Blacklist, BLACKLIST_MAX_ENTRIES } from '../firmware/store/lists/blacklist.ts';
import { cardMinute, Grants } from '../firmware/store/lists/grants.ts';
import { Gpio } from '../drivers/gpio/port.ts';
import { SimGpioLines } from '../simulator/gpio/sim-lines.ts';
import { VirtualScheduler } from '../simulator/net/virtual-scheduler.ts';
import { cardAt, percentile } from './blacklist.ts';

/**
 * Tap → relay on, in-process: from the controller's tap() to the relay
 * line's write on the GPIO twin, through the real decision, the stores and
 * the GPIO driver code. Lists at their issue-stated size (a 1,000,000-card
 * blacklist, 100,000 grants) beside the same taps on empty lists, same run.
 */
export interface DoorBenchResult {
  relayP50Ms: number;
  relayP99Ms: number;
  /** The same taps with the same entries in in-heap Sets. */
  heapRelayP50Ms: number;
  heapRelayP99Ms: number;
}

export const DOOR_BENCH_GRANTS = 100_000;
const DEFAULT_TAPS = 2_000;
const RELAY_LINE = 5;
const RELEASE_MS = 1;
/** Monday 2026-12-07 09:00 at UTC+8: office hours, fixed so the run is reproducible. */
const START_MS = Date.UTC(2026, 11, 7, 1);

/** `blacklisted` and `grants` default to the sizes; a smoke test runs the same code on small lists. */
export async function benchDoor(opts: {
  dir: string;
  taps?: number;
  blacklisted?: number;
  grants?: number;
}): Promise<DoorBenchResult> {
  const lost = opts.blacklisted ?? BLACKLIST_MAX_ENTRIES;
  const granted = opts.grants ?? DOOR_BENCH_GRANTS;
  const dir = join(opts.dir, 'bench-door');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const blacklist = Blacklist.open({ path: join(dir, 'lists.db'), log: silentLogger });
  const grants = Grants.open({ path: join(dir, 'grants.db'), log: silentLogger });
  try {
    blacklist.replaceAll(
      1,
      (function* () {
        for (let i = 0; i < lost; i++) yield cardAt(i);
      })(),
    );
    const now = cardMinute(START_MS);
    grants.replaceAll(
      1,
      (function* () {
        for (let i = 0; i < granted; i++)
          yield {
            cardNumber: cardAt(lost + i),
            doors: 1,
            validFromMinute: now - 60,
            validUntilMinute: now + 600,
          };
      })(),
    );
    const taps = opts.taps ?? DEFAULT_TAPS;
    const holders = { first: lost, count: granted };
    const stored = await timeTaps(taps, holders, {
      blacklisted: (n) => blacklist.has(n),
      grantOpens: (n, door, minute) => grants.opens(n, door, minute),
    });
    // Baseline: the same entries in in-heap structures, the floor without any store.
    const heapBlacklist = new Set<number>();
    for (let i = 0; i < lost; i++) heapBlacklist.add(cardAt(i));
    const heapGrants = new Set<number>();
    for (let i = 0; i < granted; i++) heapGrants.add(cardAt(lost + i));
    const heap = await timeTaps(taps, holders, {
      blacklisted: (n) => heapBlacklist.has(n),
      grantOpens: (n) => heapGrants.has(n),
    });
    return {
      relayP50Ms: percentile(stored, 0.5) / 1e6,
      relayP99Ms: percentile(stored, 0.99) / 1e6,
      heapRelayP50Ms: percentile(heap, 0.5) / 1e6,
      heapRelayP99Ms: percentile(heap, 0.99) / 1e6,
    };
  } finally {
    for (const l of [blacklist, grants]) l.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each tap alone, by a grant holder (both lists are read), the relay checked on the timeline. */
async function timeTaps(
  taps: number,
  holders: { first: number; count: number },
  lookups: Pick<DoorLists, 'blacklisted' | 'grantOpens'>,
): Promise<Float64Array> {
  const clock = new ManualClock(START_MS);
  const scheduler = new VirtualScheduler(clock);
  const pins = new SimGpioLines(clock);
  const lists: DoorLists = {
    ...lookups,
    groupsOf: () => [],
    holidays: { version: 0, days: new Set() },
  };
  const controller = new DoorController({
    port: new Gpio(pins, scheduler),
    scheduler,
    clock,
    log: silentLogger,
    doors: [
      {
        spec: { id: 0, partnerId: null, antiPassback: 'off', exitInLockdown: true },
        relay: { line: RELAY_LINE, wiring: 'fail-secure', releaseMs: RELEASE_MS },
        contact: null,
        exitButton: null,
        heldOpenMs: 10_000,
        alarm: null,
        signals: null,
      },
    ],
    cardRules: { tenantId: 1, classes: new Map(), allowedClasses: [] },
    lists,
    schedules: { utcOffsetMinutes: 480, timeZones: new Map(), rules: [] },
    record: () => {},
  });
  const out = new Float64Array(taps);
  for (let i = 0; i < taps; i++) {
    const cardNumber = cardAt(holders.first + ((i * 7919) % holders.count));
    const before = pins.timeline.length;
    const start = process.hrtime.bigint();
    controller.tap(0, { kind: 'uid', cardNumber });
    out[i] = Number(process.hrtime.bigint() - start);
    const on = pins.timeline[before];
    if (on?.line !== RELAY_LINE || on.level !== 1) throw new Error(`door bench: tap ${i} did not release the relay`);
    await scheduler.run(RELEASE_MS + 1);
  }
  controller.close();
  return out;
}
