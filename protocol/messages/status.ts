import { CAP, makeEnum, type Codec } from './codec.ts';
import { ListIdEnum, type ListId } from './list-entries.ts';
import { readTlvs, TlvWriter } from './tlv.ts';
import { ClockState, type ClockStateName } from './time.ts';
import { EncodeError } from './varint.ts';

/**
 * Status / heartbeat (PROTOCOL.md §5.9). The terminal sends STATUS at least
 * every WELCOME.heartbeatMs; the backend answers STATUS_ACK with its clock,
 * so drift is watched without a separate TIME exchange.
 */

export const PeripheralKind = makeEnum({
  reader: 1,
  printer: 2,
  'bill-acceptor': 3,
  relay: 4,
  'door-sensor': 5,
  display: 6,
  keypad: 7,
  storage: 8,
  wiegand: 9,
});
export const Health = makeEnum({ ok: 0, degraded: 1, failed: 2, absent: 3 });
/** Peripherals one STATUS reports, at most: a terminal has a handful; the bound keeps a decoder's work small. */
export const PERIPHERALS_MAX = 64;
/** STATUS tlv 6: one line for a dashboard, not a log. */
export const STATUS_ALARM_BYTES_MAX = 1024;

/** One peripheral's health as STATUS reports it (§6.3): absent = configured but not found. */
export interface PeripheralHealth {
  kind: (typeof PeripheralKind.values)[number];
  health: (typeof Health.values)[number];
}

export interface Status {
  type: 'status';
  terminalTimeMs: number;
  clock: ClockStateName;
  /** Last measured backend − terminal clock offset, ms (0 before the first TIME exchange). */
  clockDriftMs: number;
  journalLastSeq: number;
  /** Records written but not yet acknowledged by the backend. */
  journalQueueDepth: number;
  lists: { list: ListId; version: number }[];
  configVersion: number;
  locked: boolean;
  peripherals: PeripheralHealth[];
  /** tlv 2 */
  firmware?: string;
  /** tlv 4: seconds since the runtime started. */
  uptimeS?: number;
  /** tlv 6: what stopped and needs a person (upload refused as conflict or malformed …); absent while all is well. */
  alarm?: string;
}

export const statusCodec: Codec<Status> = {
  code: 0x70,
  type: 'status',
  from: 'terminal',
  cap: CAP.status,
  encode(w, m) {
    w.varint(m.terminalTimeMs, 'terminalTimeMs');
    ClockState.write(w, m.clock, 'clock');
    w.svarint(m.clockDriftMs, 'clockDriftMs')
      .varint(m.journalLastSeq, 'journalLastSeq')
      .varint(m.journalQueueDepth, 'journalQueueDepth');
    w.varint(m.lists.length, 'lists');
    for (const l of m.lists) {
      ListIdEnum.write(w, l.list, 'list');
      w.varint(l.version, 'version');
    }
    w.varint(m.configVersion, 'configVersion').u8(m.locked ? 1 : 0, 'flags');
    if (m.peripherals.length > PERIPHERALS_MAX)
      throw new EncodeError(`peripherals: ${m.peripherals.length} > ${PERIPHERALS_MAX}`);
    w.varint(m.peripherals.length, 'peripherals');
    for (const p of m.peripherals) {
      PeripheralKind.write(w, p.kind, 'peripheral kind');
      Health.write(w, p.health, 'peripheral health');
    }
    if (m.alarm !== undefined && Buffer.byteLength(m.alarm) > STATUS_ALARM_BYTES_MAX) {
      throw new EncodeError(`alarm: over ${STATUS_ALARM_BYTES_MAX} bytes`);
    }
    new TlvWriter(w).str(2, m.firmware).varint(4, m.uptimeS).str(6, m.alarm);
  },
  decode(r) {
    const m: Status = {
      type: 'status',
      terminalTimeMs: r.varint('terminalTimeMs'),
      clock: ClockState.read(r, 'clock'),
      clockDriftMs: r.svarint('clockDriftMs'),
      journalLastSeq: r.varint('journalLastSeq'),
      journalQueueDepth: r.varint('journalQueueDepth'),
      lists: [],
      configVersion: 0,
      locked: false,
      peripherals: [],
    };
    const lists = r.count('lists', 2, 16);
    for (let i = 0; i < lists && !r.failed; i++)
      m.lists.push({ list: ListIdEnum.read(r, 'list'), version: r.varint('version') });
    m.configVersion = r.varint('configVersion');
    const flags = r.u8('flags');
    if ((flags & ~1) !== 0) r.fail(`status flags: reserved bits set (0x${flags.toString(16)})`);
    m.locked = (flags & 1) !== 0;
    const n = r.count('peripherals', 2, PERIPHERALS_MAX);
    for (let i = 0; i < n && !r.failed; i++)
      m.peripherals.push({
        kind: PeripheralKind.read(r, 'peripheral kind'),
        health: Health.read(r, 'peripheral health'),
      });
    const t = readTlvs(r, [2, 4, 6]);
    const fw = t.str(2);
    const up = t.varint(4);
    const alarm = t.str(6);
    const alarmTooLong = alarm !== undefined && Buffer.byteLength(alarm) > STATUS_ALARM_BYTES_MAX;
    if (alarmTooLong) r.fail(`alarm: over ${STATUS_ALARM_BYTES_MAX} bytes`);
    else if (alarm !== undefined) m.alarm = alarm;
    if (fw !== undefined) m.firmware = fw;
    if (up !== undefined) m.uptimeS = up;
    return m;
  },
};

export interface StatusAck {
  type: 'statusAck';
  backendTimeMs: number;
}

export const statusAckCodec: Codec<StatusAck> = {
  code: 0x71,
  type: 'statusAck',
  from: 'backend',
  cap: CAP.status,
  encode(w, m) {
    w.varint(m.backendTimeMs, 'backendTimeMs');
  },
  decode(r) {
    const m: StatusAck = { type: 'statusAck', backendTimeMs: r.varint('backendTimeMs') };
    readTlvs(r, []);
    return m;
  },
};
