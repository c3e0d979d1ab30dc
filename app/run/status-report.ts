import type { RunningTerminal } from './service.ts';

/**
 * What `onecard status` shows: one object, the same fields with or without
 * a backend. With one, queue depth, list versions, clock and peripherals are
 * the STATUS the sync client sends (PROTOCOL.md §6.3); without, the stores'.
 */
export function statusReport(t: RunningTerminal, startedMs: number, nowMs: number): Record<string, unknown> {
  const sync = t.link?.status() ?? null;
  const { journal, blacklist, config } = t.terminal;
  const loop = t.loop();
  return {
    terminal: config.terminal.id,
    role: config.terminal.roles[0],
    uptimeS: Math.floor((nowMs - startedMs) / 1000),
    journalLastSeq: journal.lastSeq(),
    queueDepth: sync?.journalQueueDepth ?? journal.stats().unacked,
    lists: sync?.lists ?? [{ list: 'blacklist', version: blacklist.version() }],
    backend: sync === null ? 'none (offline terminal)' : sync.connected ? 'connected' : 'not connected',
    sync: sync === null ? null : { locked: sync.locked, alarm: sync.alarm ?? null },
    clock:
      sync === null
        ? { source: 'system clock, not checked (no backend)' }
        : { source: sync.clock, driftMs: sync.clockDriftMs },
    peripherals: t.peripherals.health(),
    reader: { lastPollMs: loop.lastPollMs, taps: loop.taps, faults: loop.readerFaults },
  };
}
