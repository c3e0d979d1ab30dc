import { localTime } from '../../firmware/core/clock.ts';
import { CLOCK_STEP_MS } from '../../firmware/sync/clock-watch.ts';
import type { LastSync } from '../../firmware/sync/index.ts';
import type { ClockStateName } from '../../protocol/index.ts';
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
    queueDepth: sync?.journalQueueDepth ?? journal.health().unacked,
    lists: sync?.lists ?? [{ list: 'blacklist', version: blacklist.version() }],
    backend: sync === null ? 'none (offline terminal)' : sync.connected ? 'connected' : 'not connected',
    sync:
      sync === null
        ? null
        : {
            locked: sync.locked,
            alarm: sync.alarm ?? null,
            ...lastSyncShown(sync.lastSync, config.terminal.utcOffsetMinutes),
          },
    clock:
      sync === null
        ? { source: 'system clock, not checked (no backend)' }
        : {
            source: clockSourceShown(sync.lastSync.clockSource, sync.clock),
            state: sync.clock,
            driftMs: sync.clockDriftMs,
          },
    peripherals: t.health(),
    reader: { lastPollMs: loop.lastPollMs, taps: loop.taps, faults: loop.readerFaults },
  };
}

/**
 * Whose time the terminal keeps: `backend` once a TIME exchange found it within CLOCK_STEP_MS of the
 * backend's (or stepped it there), `local` before that and on a runtime that cannot step its clock.
 */
export function clockSourceShown(source: LastSync['clockSource'], state: ClockStateName): string {
  const withinS = CLOCK_STEP_MS / 1000;
  if (source === 'local') return 'local (never stepped; the drift from the backend is reported)';
  return state === 'synced'
    ? `backend (synced within ${withinS} s; a jump is stepped to its time)`
    : `local (not synced to the backend yet; a jump of more than ${withinS} s will be stepped)`;
}

/** The last session and ack on the terminal's clock, as local time (a person reads them). */
export function lastSyncShown(s: LastSync, utcOffsetMinutes: number) {
  const shown = (ms: number | null) => (ms === null ? 'none since start' : localTime(ms, utcOffsetMinutes));
  return { lastSessionOpened: shown(s.openedMs), lastJournalAck: shown(s.ackedMs) };
}
