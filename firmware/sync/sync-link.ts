import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { systemRandom } from '../core/random.ts';
import type { Terminal } from '../terminal/terminal.ts';
import type { PeripheralHealth, Status } from '../../protocol/index.ts';
import { SessionAuthorizer } from './authorizer.ts';
import type { LastSync } from './client.ts';
import type { ClockStepper } from './clock-watch.ts';
import type { Dial } from './link.ts';
import { systemScheduler } from './scheduler.ts';
import type { SyncAlarm } from './sync-alarm.ts';
import { syncTerminal, type TerminalSync } from './index.ts';

/**
 * The sync link of a terminal, composed one way for `onecard run` (app/run/backend-link.ts) and
 * `onecard sim --backend` (simulator/cli/sim-backend.ts), so CI runs what a device runs: the online
 * authorizer made before the terminal opens, then the sync client over the terminal's stores on the
 * real scheduler and randomness. Its callers only choose the key and where it dials.
 */
export interface SyncLink {
  authorizer: SessionAuthorizer;
  /** The backend's remote lock for the terminal (unlocked until the client says otherwise). */
  locked(): { locked: boolean; text: string };
  /** What stops the terminal's sync (uploads stopped, key refused, clock far off); null when none. */
  syncAlarm(): SyncAlarm | null;
  /** The sync of the terminal attached now; null before attach and after detach. */
  sync(): TerminalSync | null;
  status(): (Status & { connected: boolean; lastSync: LastSync }) | null;
  /**
   * Starts the sync client of an opened terminal. Its session timers run on `clocks.session`; the
   * backend's time steps `clocks.terminalClock`, the clock the terminal's journal and decisions read.
   */
  attach(
    terminal: Terminal,
    clocks: { session: Clock; terminalClock: Clock & ClockStepper },
    peripherals: () => PeripheralHealth[],
  ): void;
  /** Stops the client and closes its state (before the terminal closes); attach may follow again. */
  detach(): void;
}

export interface SyncLinkDeps {
  keyId: number;
  key: Uint8Array;
  dial: Dial;
  /** The authorizer's clock: the terminal's deadlines are computed from it. */
  authorizerClock: Clock;
  log: Logger;
}

export function composeSyncLink(d: SyncLinkDeps): SyncLink {
  const authorizer = new SessionAuthorizer(d.authorizerClock, systemScheduler, d.log);
  let sync: TerminalSync | null = null;
  return {
    authorizer,
    locked: () => sync?.client.locked ?? { locked: false, text: '' },
    syncAlarm: () => sync?.client.syncAlarm ?? null,
    sync: () => sync,
    status: () => {
      if (!sync) return null;
      const { client } = sync;
      return { ...client.status(), connected: client.connected, lastSync: client.lastSync() };
    },
    attach(terminal, clocks, peripherals) {
      sync?.close();
      sync = syncTerminal(terminal, {
        ...{ keyId: d.keyId, key: d.key, dial: d.dial, clock: clocks.session, terminalClock: clocks.terminalClock },
        ...{ scheduler: systemScheduler, random: systemRandom, log: d.log, authorizer, peripherals },
      });
      // One event from the one composition: `onecard run` and `onecard sim` both log it (a test holds them to it).
      d.log.info('sync.composed', { terminal: terminal.config.terminal.id, generation: d.keyId });
      sync.client.start();
    },
    detach() {
      sync?.close();
      sync = null;
    },
  };
}
