import { CAP, makeEnum, type Codec } from './codec.ts';
import { readTlvs } from './tlv.ts';

/**
 * Time (PROTOCOL.md §5.2): an NTP-style exchange of four timestamps, all ms
 * since the Unix epoch (UTC). t1 terminal sends, t2 backend receives,
 * t3 backend sends, t4 terminal receives (not on the wire).
 */

export const ClockState = makeEnum({ unknown: 0, estimated: 1, synced: 2 });
export type ClockStateName = (typeof ClockState.values)[number];

export interface TimeRequest {
  type: 'timeRequest';
  t1Ms: number;
  clock: ClockStateName;
}

export const timeRequestCodec: Codec<TimeRequest> = {
  code: 0x10,
  type: 'timeRequest',
  from: 'terminal',
  cap: CAP.time,
  encode(w, m) {
    w.varint(m.t1Ms, 't1Ms');
    ClockState.write(w, m.clock, 'clock');
  },
  decode(r) {
    const m: TimeRequest = { type: 'timeRequest', t1Ms: r.varint('t1Ms'), clock: ClockState.read(r, 'clock') };
    readTlvs(r, []);
    return m;
  },
};

export interface TimeResponse {
  type: 'timeResponse';
  t1Ms: number;
  t2Ms: number;
  t3Ms: number;
  /** The site's offset from UTC in minutes (east positive): where "today" flips for card days. */
  utcOffsetMinutes: number;
}

export const timeResponseCodec: Codec<TimeResponse> = {
  code: 0x11,
  type: 'timeResponse',
  from: 'backend',
  cap: CAP.time,
  encode(w, m) {
    w.varint(m.t1Ms, 't1Ms')
      .varint(m.t2Ms, 't2Ms')
      .varint(m.t3Ms, 't3Ms')
      .svarint(m.utcOffsetMinutes, 'utcOffsetMinutes');
  },
  decode(r) {
    const m: TimeResponse = {
      type: 'timeResponse',
      t1Ms: r.varint('t1Ms'),
      t2Ms: r.varint('t2Ms'),
      t3Ms: r.varint('t3Ms'),
      utcOffsetMinutes: r.svarint('utcOffsetMinutes'),
    };
    readTlvs(r, []);
    if (Math.abs(m.utcOffsetMinutes) > 18 * 60) r.fail(`utcOffsetMinutes ${m.utcOffsetMinutes} beyond ±18 h`);
    return m;
  },
};

/**
 * offset = ((t2 − t1) + (t3 − t4)) / 2 is what the terminal's clock must add
 * to agree with the backend; roundTrip = (t4 − t1) − (t3 − t2). Integer ms.
 */
export function clockOffset(resp: TimeResponse, t4Ms: number): { offsetMs: number; roundTripMs: number } {
  return {
    offsetMs: Math.floor((resp.t2Ms - resp.t1Ms + (resp.t3Ms - t4Ms)) / 2),
    roundTripMs: t4Ms - resp.t1Ms - (resp.t3Ms - resp.t2Ms),
  };
}

/**
 * A clock this far from the backend's needs a person: card days turn at the
 * wrong midnight, and a remote open-door (valid one minute) is judged wrong.
 * The terminal marks it (SyncClient.syncAlarm), the backend raises an alarm.
 */
export const CLOCK_FAR_MS = 60_000;
