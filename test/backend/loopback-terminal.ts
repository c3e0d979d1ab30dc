import { join } from 'node:path';
import type { Clock } from '../../firmware/core/clock.ts';
import { silentLogger, type Logger } from '../../firmware/core/log.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import { Blacklist } from '../../firmware/store/lists/blacklist.ts';
import { PendingCredits } from '../../firmware/store/credits.ts';
import { Journal } from '../../firmware/store/journal/journal.ts';
import { SyncClient, type SyncEvent } from '../../firmware/sync/client.ts';
import type { Dial } from '../../firmware/sync/link.ts';
import { systemScheduler } from '../../firmware/sync/scheduler.ts';
import { SyncState } from '../../firmware/sync/sync-state.ts';

/**
 * Terminal 101's sync client on real loopback sockets, for the server tests:
 * its journal and lists in `dir`, and `next(pred)` to wait for a sync event
 * (bounded, so a test fails instead of hanging).
 */
const wall: Clock = { nowMs: () => Date.now() };

export function terminal(dir: string, dial: Dial, key: Uint8Array, log: Logger = silentLogger) {
  const journal = Journal.open({ path: join(dir, 'journal.db'), clock: wall, log: silentLogger });
  const blacklist = Blacklist.open({ path: join(dir, 'lists.db'), log: silentLogger });
  const credits = PendingCredits.open({ path: ':memory:', log: silentLogger });
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const waiters: { pred: (e: SyncEvent) => boolean; resolve: () => void }[] = [];
  const seen: SyncEvent[] = [];
  const onEvent = (e: SyncEvent) => {
    seen.push(e);
    for (const w of waiters) if (w.pred(e)) w.resolve();
  };
  const client = new SyncClient({
    terminalId: 101,
    keyId: 1,
    key,
    utcOffsetMinutes: 480,
    journal,
    blacklist,
    credits,
    state,
    dial,
    clock: wall,
    scheduler: systemScheduler,
    random: new SeededRandom(1),
    log,
    onEvent,
  });
  const next = (pred: (e: SyncEvent) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000);
      waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  const close = () => {
    client.stop();
    journal.close();
    blacklist.close();
    credits.close();
    state.close();
  };
  return { journal, blacklist, client, next, close, seen };
}
