import { CAP, makeEnum, type Codec } from './codec.ts';
import { readTlvs, TlvWriter } from './tlv.ts';

/**
 * Config push (PROTOCOL.md §5.7): the backend sends a whole terminal config
 * (JSON text, the same document as the terminal's config file) with a
 * version; the terminal validates it against its schema, applies it durably
 * and answers. A config is one frame: 32 KiB is ample for a terminal config
 * with a 999-item menu.
 */

export const CONFIG_BYTES_MAX = 30 * 1024;
export const ConfigFormat = makeEnum({ json: 0 });
export const ConfigStatus = makeEnum({ applied: 0, rejected: 1, stale: 2 });

export interface ConfigPush {
  type: 'configPush';
  corrId: number;
  version: number;
  format: (typeof ConfigFormat.values)[number];
  body: string;
}

export const configPushCodec: Codec<ConfigPush> = {
  code: 0x50,
  type: 'configPush',
  from: 'backend',
  cap: CAP.config,
  encode(w, m) {
    w.varint(m.corrId, 'corrId').varint(m.version, 'version');
    ConfigFormat.write(w, m.format, 'format');
    w.str(m.body, CONFIG_BYTES_MAX, 'body');
  },
  decode(r) {
    const m: ConfigPush = {
      type: 'configPush',
      corrId: r.varint('corrId', 0xffff_ffff),
      version: r.varint('version'),
      format: ConfigFormat.read(r, 'format'),
      body: r.str('body', CONFIG_BYTES_MAX),
    };
    readTlvs(r, []);
    return m;
  },
};

export interface ConfigAck {
  type: 'configAck';
  corrId: number;
  /** The version now in force (the pushed one when applied). */
  version: number;
  status: (typeof ConfigStatus.values)[number];
  /** tlv 2: why it was rejected (the schema's message). */
  problem?: string;
}

export const configAckCodec: Codec<ConfigAck> = {
  code: 0x51,
  type: 'configAck',
  from: 'terminal',
  cap: CAP.config,
  encode(w, m) {
    w.varint(m.corrId, 'corrId').varint(m.version, 'version');
    ConfigStatus.write(w, m.status, 'status');
    new TlvWriter(w).str(2, m.problem);
  },
  decode(r) {
    const m: ConfigAck = {
      type: 'configAck',
      corrId: r.varint('corrId', 0xffff_ffff),
      version: r.varint('version'),
      status: ConfigStatus.read(r, 'status'),
    };
    const problem = readTlvs(r, [2]).str(2);
    if (problem !== undefined) m.problem = problem;
    return m;
  },
};
