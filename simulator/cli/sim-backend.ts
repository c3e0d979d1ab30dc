import type { Clock } from '../../firmware/core/clock.ts';
import type { Logger } from '../../firmware/core/log.ts';
import { type SessionAuthorizer, webSocketDialer } from '../../firmware/sync/index.ts';
import { composeSyncLink } from '../../firmware/sync/sync-link.ts';
import { CARD_ISSUED_KIND } from '../../backend/card-register.ts';
import type { SyncAlarm } from '../../firmware/sync/sync-alarm.ts';
import type { SimWorld } from '../world.ts';
import type { TerminalKey } from './terminal-key.ts';

/**
 * `onecard sim --backend URL --terminal ID`: the simulated terminal talks to a real
 * backend over WebSocket. This is a composition root: the simulated clock
 * follows wall time here, and the sync client runs on real timers.
 */
export interface SimBackendLink {
  authorizer: SessionAuthorizer;
  /** The key generation the terminal dials with (from its key file: N:HEX, or 1). */
  keyId: number;
  /** Waits (wall time, at most maxMs) until the session is open; false if it is not. */
  connected(maxMs: number): Promise<boolean>;
  /** The session is open now (the panel's 在线/online mark). */
  online(): boolean;
  /** Waits (wall time, at most maxMs) until the backend has acknowledged every journal record; false if it has not. */
  drained(maxMs: number): Promise<boolean>;
  /** The backend's remote lock for the terminal (unlocked until the client says otherwise). */
  locked(): { locked: boolean; text: string };
  /** What stops the terminal's sync (uploads stopped, key refused, clock far off), for its screen; null when none. */
  syncAlarm(): SyncAlarm | null;
  attach(world: SimWorld, terminalName: string): void;
  close(): void;
}

const CLOCK_FOLLOW_MS = 100;
/** How often a scripted run looks whether its session is open, or its journal reached the backend. */
const POLL_MS = 100;

/**
 * The world's cards were issued by the simulator, which stands in for the
 * issuing desk: the terminal journals a `card.issued` for each, and the
 * backend registers them when the journal arrives (backend/
 * card-register.ts), so the admin may credit, grant or blacklist them.
 */
export function registerWorldCards(world: SimWorld, terminalName: string): void {
  const journal = world.terminal(terminalName).terminal.journal;
  for (const c of world.cards.values())
    journal.append(CARD_ISSUED_KIND, { cardNumber: c.spec.number }, { card: c.spec.number });
}

async function waitFor(done: () => boolean, maxMs: number): Promise<boolean> {
  for (let waitedMs = 0; !done(); waitedMs += POLL_MS) {
    if (waitedMs >= maxMs) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS)); // composition root: wall time
  }
  return true;
}

/** A URL a terminal can dial: ws:// or wss:// with a host; anything else is refused at start, not retried for ever. */
export function checkBackendUrl(text: string): string | { ok: string } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'is not a URL (ws://HOST:PORT)';
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return 'must start with ws:// or wss://';
  if (!u.hostname) return 'names no host';
  return { ok: text };
}

/**
 * `clockOf`: the terminal's clock (its deadlines are in it: OnlineSales computes them from it).
 * The link is the device's own composition (firmware/sync/sync-link.ts, as `onecard run` uses it);
 * the simulator adds only what a simulated world needs: its clock following wall time, the cards it
 * issued, and the link re-attached across the world's restarts.
 */
export function simBackendLink(
  url: string,
  terminalKey: TerminalKey,
  clockOf: () => Clock,
  log: Logger,
): SimBackendLink {
  const { keyId, key } = terminalKey;
  // The authorizer exists before the terminal opens: it reads the terminal's clock once there is one.
  const link = composeSyncLink({
    ...{ keyId, key, dial: webSocketDialer(url), log },
    authorizerClock: { nowMs: () => clockOf().nowMs() },
  });
  let follow: ReturnType<typeof setInterval> | null = null;
  const client = () => link.sync()?.client;
  return {
    authorizer: link.authorizer,
    keyId,
    connected: (maxMs) => waitFor(() => client()?.connected === true, maxMs),
    online: () => client()?.connected === true,
    drained: (maxMs) => waitFor(() => client()?.queueDepth() === 0, maxMs),
    locked: link.locked,
    syncAlarm: link.syncAlarm,
    attach(world, terminalName) {
      follow = setInterval(() => {
        const now = Date.now(); // the sim's composition root: wall time in, simulated clock out
        if (now > world.clock.nowMs()) world.clock.set(now);
      }, CLOCK_FOLLOW_MS);
      follow.unref();
      const open = () => {
        const peripherals = () => world.peripheralHealth(terminalName); // STATUS (§6.3) reports the sim's reader
        const t = world.terminal(terminalName);
        link.attach(t.terminal, { session: world.clock, terminalClock: t.clock }, peripherals);
      };
      world.restartHooks.push({ before: () => link.detach(), after: open });
      registerWorldCards(world, terminalName);
      open();
    },
    close() {
      if (follow) clearInterval(follow);
      link.detach();
    },
  };
}
