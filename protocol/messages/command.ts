import { CAP, makeEnum, type Codec } from './codec.ts';
import { readTlvs, TlvWriter } from './tlv.ts';
import { EncodeError, Reader, Writer } from './varint.ts';

/**
 * Remote commands (PROTOCOL.md §5.8). Each carries a correlation id the
 * backend never reuses for that terminal; the terminal remembers the results
 * of its last 64 ids, so a command repeated after a lost result is answered
 * from memory and never executed twice (the door opens once). Arguments sit
 * in a length-prefixed block, so a terminal can skip a command it does not
 * know and answer `unknown-command`.
 */

export const COMMAND_CODES = { 'open-door': 1, lock: 2, unlock: 3, reprint: 4, reboot: 5, 'set-config': 6 } as const;

export type CommandArgs =
  | { command: 'open-door'; door: number; pulseMs: number }
  | { command: 'lock'; text: string }
  | { command: 'unlock' }
  | { command: 'reprint'; journalSeq: number }
  | { command: 'reboot'; delayMs: number }
  | { command: 'set-config'; key: string; value: string }
  /** A code this build does not know: kept so the terminal can answer it. */
  | { command: 'unknown'; code: number; args: Uint8Array };

export type Command = {
  type: 'command';
  corrId: number;
  /** Backend time (ms) after which the terminal must not execute it (answers `expired`); 0 = no limit. */
  notAfterMs: number;
} & CommandArgs;

function writeArgs(c: CommandArgs): Uint8Array {
  const w = new Writer();
  switch (c.command) {
    case 'open-door':
      return w.u8(c.door, 'door').varint(c.pulseMs, 'pulseMs').finish();
    case 'lock':
      return w.str(c.text, 255, 'text').finish();
    case 'unlock':
      return w.finish();
    case 'reprint':
      return w.varint(c.journalSeq, 'journalSeq').finish();
    case 'reboot':
      return w.varint(c.delayMs, 'delayMs').finish();
    case 'set-config':
      return w.str(c.key, 255, 'key').str(c.value, 4096, 'value').finish();
    case 'unknown':
      return c.args;
  }
}

function readArgs(code: number, args: Uint8Array, outer: Reader): CommandArgs {
  const r = new Reader(args);
  let c: CommandArgs;
  switch (code) {
    case 1:
      c = { command: 'open-door', door: r.u8('door'), pulseMs: r.varint('pulseMs', 60_000) };
      break;
    case 2:
      c = { command: 'lock', text: r.str('text', 255) };
      break;
    case 3:
      c = { command: 'unlock' };
      break;
    case 4:
      c = { command: 'reprint', journalSeq: r.varint('journalSeq') };
      break;
    case 5:
      c = { command: 'reboot', delayMs: r.varint('delayMs') };
      break;
    case 6:
      c = { command: 'set-config', key: r.str('key', 255), value: r.str('value', 4096) };
      break;
    default:
      return { command: 'unknown', code, args };
  }
  r.expectEnd('command args');
  if (r.error) outer.fail(`command ${code} args: ${r.error}`);
  return c;
}

export const commandCodec: Codec<Command> = {
  code: 0x60,
  type: 'command',
  from: 'backend',
  cap: CAP.commands,
  encode(w, m) {
    const code = m.command === 'unknown' ? m.code : COMMAND_CODES[m.command];
    if (m.command === 'unknown' && (Object.values(COMMAND_CODES) as number[]).includes(code))
      throw new EncodeError(`command code ${code} is known; use its name`);
    w.varint(m.corrId, 'corrId').varint(m.notAfterMs, 'notAfterMs').u8(code, 'command');
    w.lenBytes(writeArgs(m), 4400, 'args');
  },
  decode(r) {
    const corrId = r.varint('corrId', 0xffff_ffff);
    const notAfterMs = r.varint('notAfterMs');
    const code = r.u8('command');
    const args = r.lenBytes('args', 4400);
    const c = readArgs(code, args, r);
    readTlvs(r, []);
    return { type: 'command', corrId, notAfterMs, ...c };
  },
};

export const CommandStatus = makeEnum({
  done: 0,
  failed: 1,
  'unknown-command': 2,
  expired: 3,
  busy: 4,
  refused: 5,
  'bad-args': 6,
});

export interface CommandResult {
  type: 'commandResult';
  corrId: number;
  status: (typeof CommandStatus.values)[number];
  /** tlv 2: for a person (why it failed, what was printed …). */
  detail?: string;
}

export const commandResultCodec: Codec<CommandResult> = {
  code: 0x61,
  type: 'commandResult',
  from: 'terminal',
  cap: CAP.commands,
  encode(w, m) {
    w.varint(m.corrId, 'corrId');
    CommandStatus.write(w, m.status, 'status');
    new TlvWriter(w).str(2, m.detail);
  },
  decode(r) {
    const m: CommandResult = {
      type: 'commandResult',
      corrId: r.varint('corrId', 0xffff_ffff),
      status: CommandStatus.read(r, 'status'),
    };
    const detail = readTlvs(r, [2]).str(2);
    if (detail !== undefined) m.detail = detail;
    return m;
  },
};
