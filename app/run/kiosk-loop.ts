import type { Logger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import { POLL_INTERVAL_MS } from '../../drivers/cash/ccnet/driver.ts';
import type { KioskApp } from '../../firmware/kiosk/kiosk.ts';
import type { PeripheralHealth } from '../../protocol/index.ts';

/**
 * The kiosk role on a device: the validator polled every POLL_INTERVAL_MS
 * and the kiosk acting on what it said, taking turns with the reader's polls
 * (one queue). The kiosk's machine takes one event at a time, and a reader's
 * turn (a tap, a read asking whether the held card is there) uses the card's
 * session, so it must never fall inside a card write.
 */
export interface KioskLoop {
  /** Runs `step` once the step before it (a validator poll, a reader poll) is over. */
  turn<T>(what: string, step: () => Promise<T>): Promise<T>;
  /** Stops polling and waits for the step in progress (a bill being journaled finishes). */
  stop(): Promise<void>;
}

export function runKioskLoop(
  kiosk: KioskApp,
  acceptor: { cycle(): Promise<void> },
  d: { scheduler: Scheduler; log: Logger },
): KioskLoop {
  let queue: Promise<unknown> = Promise.resolve();
  const turn = <T>(what: string, step: () => Promise<T>): Promise<T> => {
    const mine = queue.then(step);
    // The queue goes on after a step that threw; the caller still gets its error.
    queue = mine.catch((e: unknown) => d.log.error('kiosk.loop-fault', { what, message: String(e) }));
    return mine;
  };
  let stopped = false;
  let cancel: () => void = () => {};
  const poll = (): void => {
    void turn('acceptor', async () => {
      await acceptor.cycle();
      await kiosk.pump();
    })
      .catch(() => undefined) // logged by turn
      .then(() => {
        if (!stopped) cancel = d.scheduler.after(POLL_INTERVAL_MS, poll);
      });
  };
  cancel = d.scheduler.after(0, poll);
  return {
    turn,
    async stop() {
      stopped = true;
      cancel();
      await queue;
    },
  };
}

const RANK: Record<PeripheralHealth['health'], number> = { ok: 0, degraded: 1, absent: 2, failed: 3 };

/**
 * STATUS's peripherals on a kiosk: the link's view of the validator (does it
 * answer) and the kiosk's (an alarm in force, a receipt owed), the worse of
 * the two for each peripheral.
 */
export function withKioskHealth(base: PeripheralHealth[], kiosk: KioskApp): PeripheralHealth[] {
  const out = [...base];
  for (const h of [kiosk.health(), kiosk.printerHealth()]) {
    const i = out.findIndex((p) => p.kind === h.kind);
    if (i < 0) out.push(h);
    else if (RANK[h.health] > RANK[out[i]!.health]) out[i] = h;
  }
  return out;
}
