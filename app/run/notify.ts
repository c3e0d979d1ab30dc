import { spawn } from 'node:child_process';

/**
 * systemd's sd_notify from Node: Node's dgram has no unix datagram sockets,
 * so we run `systemd-notify` (the unit sets NotifyAccess=all, since the
 * message comes from a child). READY=1 once the reader is polled, then
 * WATCHDOG=1 at half of WatchdogSec from the event loop: a loop that hangs
 * stops the keep-alives and systemd restarts the service. Outside systemd
 * (no NOTIFY_SOCKET) it does nothing.
 */
export interface Notifier {
  ready(): void;
  /** How often to send keep-alives, or null when systemd watches no deadline. */
  keepAliveMs: number | null;
  keepAlive(): void;
}

/** WATCHDOG_USEC is in microseconds; keep-alives go at half of it, as sd_watchdog_enabled(3) advises. */
export function keepAliveMsOf(watchdogUsec: string | undefined): number | null {
  const usec = Number(watchdogUsec);
  return Number.isSafeInteger(usec) && usec > 0 ? Math.max(1, Math.floor(usec / 2_000)) : null;
}

export function systemdNotifier(env: NodeJS.ProcessEnv, onError: (message: string) => void): Notifier {
  const send = (state: string) => {
    if (!env.NOTIFY_SOCKET) return;
    // Never --no-block: systemd-notify then exits before systemd reads the message, systemd cannot find the
    // exited sender's unit and drops it (1-21 % of them under systemd 252: docs/install.md, §4). Waiting
    // (its BARRIER=1) lost none; test/app/sd-notify.test.ts holds it.
    const child = spawn('systemd-notify', [state], { stdio: 'ignore' });
    child.on('error', (e) => onError(`systemd-notify ${state}: ${e.message}`));
  };
  return {
    ready: () => send('--ready'),
    keepAliveMs: env.NOTIFY_SOCKET ? keepAliveMsOf(env.WATCHDOG_USEC) : null,
    keepAlive: () => send('WATCHDOG=1'),
  };
}
