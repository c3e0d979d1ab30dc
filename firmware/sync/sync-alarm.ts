import { CLOCK_FAR_MS } from '../../protocol/index.ts';
import type { UploadAlarm } from './uploader.ts';

/** Both ends read a refused key the same way: the rule lives in protocol/ (session.ts). */
export { keyRefused } from '../../protocol/index.ts';

/**
 * The terminal's mark for "sync has stopped and needs a person", one value a
 * screen can show (SyncClient.syncAlarm): uploads stopped (conflict,
 * backend-ahead …), the backend refused our key, or our clock is far from
 * the backend's. The backend raises the same conditions as alarms
 * (backend/sync-alarms.ts), so both ends say it.
 */
export type SyncAlarm = UploadAlarm | { reason: 'wrong-key' | 'clock-off'; detail: string };

/** The first condition that holds, in the order a person should deal with them; null while all is well. */
export function syncAlarm(
  upload: UploadAlarm | null,
  keyRefused: string | null,
  clockDriftMs: number,
): SyncAlarm | null {
  if (upload) return upload;
  if (keyRefused !== null) return { reason: 'wrong-key', detail: keyRefused };
  if (Math.abs(clockDriftMs) > CLOCK_FAR_MS)
    return { reason: 'clock-off', detail: `clock ${Math.round(Math.abs(clockDriftMs) / 1000)} s off the backend's` };
  return null;
}

/**
 * What the client remembers for the mark across sessions: the last session's
 * upload alarm (until uploads move again) and a refused key (until a session
 * opens). The uploader is made anew each session, so its alarm alone would
 * vanish at every reconnect.
 */
export class SyncAlarmMark {
  private uploadStopped: UploadAlarm | null = null;
  private keyRefusedDetail: string | null = null;

  keyRefused(detail: string): void {
    this.keyRefusedDetail = detail;
  }
  opened(): void {
    this.keyRefusedDetail = null;
  }
  /** A session ended, with its uploader's alarm (null: none). */
  closed(upload: UploadAlarm | null): void {
    if (upload) this.uploadStopped = upload;
  }
  /** A JOURNAL_ACK ok, and the uploader's alarm after it: uploads that move again end the mark. */
  acked(upload: UploadAlarm | null): void {
    if (!upload) this.uploadStopped = null;
  }
  current(upload: UploadAlarm | null, clockDriftMs: number): SyncAlarm | null {
    return syncAlarm(upload ?? this.uploadStopped, this.keyRefusedDetail, clockDriftMs);
  }
}
