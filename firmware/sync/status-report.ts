import { PERIPHERALS_MAX, STATUS_ALARM_BYTES_MAX, type Status } from '../../protocol/index.ts';
import type { SyncClientDeps } from './client-options.ts';
import type { ClockWatch } from './clock-watch.ts';
import type { ListApplier } from './lists.ts';
import type { UploadAlarm } from './uploader.ts';

/** What the sync client knows beyond its deps that goes into a STATUS. */
export interface StatusParts {
  clockWatch: ClockWatch;
  lists: ListApplier;
  /** Records not yet acknowledged, -1 before the first ack (SyncClient.queueDepth). */
  queueDepth: number;
  startedMs: number;
  uploadAlarm: UploadAlarm | null;
}

/** STATUS tlv 6 (§6.3): why upload stopped, cut to what the codec carries. */
function alarmText(a: UploadAlarm): string {
  const text = `upload stopped (${a.reason}): ${a.detail}`;
  // A UTF-16 unit is at most 3 bytes of UTF-8: a quarter of the limit in units always fits.
  if (Buffer.byteLength(text) <= STATUS_ALARM_BYTES_MAX) return text;
  return `${text.slice(0, STATUS_ALARM_BYTES_MAX / 4 - 1)}…`;
}

/** The STATUS (PROTOCOL.md §6.3) a terminal reports now: clock, queue, lists, config, lock, peripherals. */
export function statusReport(d: SyncClientDeps, p: StatusParts): Status {
  const now = d.clock.nowMs();
  return {
    type: 'status',
    terminalTimeMs: (d.terminalClock ?? d.clock).nowMs(),
    clock: p.clockWatch.state,
    clockDriftMs: p.clockWatch.clockDriftMs,
    journalLastSeq: d.journal.lastSeq(),
    journalQueueDepth: Math.max(0, p.queueDepth),
    lists: [
      { list: 'blacklist', version: p.lists.held('blacklist') },
      ...(d.grants ? [{ list: 'grants' as const, version: p.lists.held('grants') }] : []),
      ...(d.holders ? [{ list: 'holders' as const, version: p.lists.held('holders') }] : []),
      { list: 'credits', version: p.lists.held('credits') },
    ],
    configVersion: d.state.configVersion(),
    locked: d.state.lock().locked,
    peripherals: (d.peripherals?.() ?? []).slice(0, PERIPHERALS_MAX),
    ...(d.firmware ? { firmware: d.firmware } : {}),
    uptimeS: Math.floor((now - p.startedMs) / 1000),
    ...(p.uploadAlarm ? { alarm: alarmText(p.uploadAlarm) } : {}),
  };
}
