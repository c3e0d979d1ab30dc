import { systemRandom } from '../../firmware/core/random.ts';
import type { Logger } from '../../firmware/core/log.ts';
import {
  SessionAuthorizer,
  syncTerminal,
  systemScheduler,
  webSocketDialer,
  type TerminalSync,
} from '../../firmware/sync/index.ts';
import type { SimWorld } from '../world.ts';
import type { TerminalKey } from './terminal-key.ts';

/**
 * `onecard sim --backend URL --terminal ID`: the simulated terminal talks to a real
 * backend over WebSocket. This is a composition root: the simulated clock
 * follows wall time here, and the sync client runs on real timers.
 */
export interface SimBackendLink {
  authorizer: SessionAuthorizer;
  /** The backend's remote lock for the terminal (unlocked until the client says otherwise). */
  locked(): { locked: boolean; text: string };
  attach(world: SimWorld, terminalName: string): void;
  /**
   * Resolves true once the backend has acknowledged every journal record, false
   * when `timeoutMs` passes first (the demo's last step: a run that ends at once
   * would otherwise leave all its records for the next run to upload).
   */
  uploaded(timeoutMs: number): Promise<boolean>;
  close(): void;
}

const CLOCK_FOLLOW_MS = 100;

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

export function simBackendLink(
  url: string,
  terminalKey: TerminalKey,
  clockOf: () => { set(ms: number): void; nowMs(): number },
  log: Logger,
): SimBackendLink {
  const { keyId, key } = terminalKey;
  // The authorizer exists before the terminal opens; the clock it reads is the world's.
  const clock = { nowMs: () => clockOf().nowMs() };
  const authorizer = new SessionAuthorizer(clock, systemScheduler, log);
  let sync: TerminalSync | null = null;
  let follow: ReturnType<typeof setInterval> | null = null;
  let unacked = () => 0;
  let onAcked: (() => void) | null = null;
  return {
    authorizer,
    locked: () => sync?.client.locked ?? { locked: false, text: '' },
    attach(world, terminalName) {
      follow = setInterval(() => {
        const now = Date.now(); // the sim's composition root: wall time in, simulated clock out
        if (now > world.clock.nowMs()) world.clock.set(now);
      }, CLOCK_FOLLOW_MS);
      follow.unref();
      const open = () => {
        const peripherals = () => world.peripheralHealth(terminalName); // STATUS (§6.3) reports the sim's reader
        sync = syncTerminal(world.terminal(terminalName).terminal, {
          keyId,
          key,
          dial: webSocketDialer(url),
          clock: world.clock,
          scheduler: systemScheduler,
          random: systemRandom,
          log,
          authorizer,
          peripherals,
          onEvent: (e) => {
            if (e.type === 'acked') onAcked?.();
          },
        });
        sync.client.start();
      };
      world.restartHooks.push({ before: () => sync?.close(), after: open });
      unacked = () => world.terminal(terminalName).terminal.journal.stats().unacked;
      open();
    },
    uploaded(timeoutMs) {
      return new Promise((resolve) => {
        const finish = (done: boolean) => {
          clearTimeout(timer);
          onAcked = null;
          resolve(done);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        onAcked = () => {
          if (unacked() === 0) finish(true);
        };
        onAcked();
      });
    },
    close() {
      if (follow) clearInterval(follow);
      sync?.close();
      sync = null;
    },
  };
}
