import {
  adviceAckCodec,
  adviceCodec,
  authorizeRequestCodec,
  authorizeResponseCodec,
  reversalAckCodec,
  reversalCodec,
} from './authorize.ts';
import type { Advice, AdviceAck, AuthorizeRequest, AuthorizeResponse, Reversal, StanAck } from './authorize.ts';
import type { Codec } from './codec.ts';
import { commandCodec, commandResultCodec, type Command, type CommandResult } from './command.ts';
import { configAckCodec, configPushCodec, type ConfigAck, type ConfigPush } from './config.ts';
import {
  byeCodec,
  challengeCodec,
  errorCodec,
  helloCodec,
  keyRotateAckCodec,
  keyRotateCodec,
  noteCodec,
  proveCodec,
  welcomeCodec,
} from './control.ts';
import type { Bye, Challenge, ErrorMessage, Hello, KeyRotate, KeyRotateAck, Note, Prove, Welcome } from './control.ts';
import {
  journalAckCodec,
  journalBatchCodec,
  journalResendCodec,
  type JournalAck,
  type JournalBatch,
  type JournalResend,
} from './journal.ts';
import {
  listAckCodec,
  listDeltaCodec,
  listPullCodec,
  listSnapshotCodec,
  type ListAck,
  type ListDelta,
  type ListPull,
  type ListSnapshot,
} from './lists.ts';
import { statusAckCodec, statusCodec, type Status, type StatusAck } from './status.ts';
import { timeRequestCodec, timeResponseCodec, type TimeRequest, type TimeResponse } from './time.ts';
import { Reader, Writer } from './varint.ts';

/** Every v1 message, discriminated by `type`. */
export type Message =
  | Hello
  | Challenge
  | Prove
  | Welcome
  | ErrorMessage
  | Bye
  | KeyRotate
  | KeyRotateAck
  | Note
  | TimeRequest
  | TimeResponse
  | ListDelta
  | ListSnapshot
  | ListAck
  | ListPull
  | JournalBatch
  | JournalAck
  | JournalResend
  | AuthorizeRequest
  | AuthorizeResponse
  | Reversal
  | StanAck
  | Advice
  | AdviceAck
  | ConfigPush
  | ConfigAck
  | Command
  | CommandResult
  | Status
  | StatusAck;

export type MessageType = Message['type'];

const CODECS: Codec<Message>[] = [
  helloCodec,
  challengeCodec,
  proveCodec,
  welcomeCodec,
  errorCodec,
  byeCodec,
  keyRotateCodec,
  keyRotateAckCodec,
  noteCodec,
  timeRequestCodec,
  timeResponseCodec,
  listDeltaCodec,
  listSnapshotCodec,
  listAckCodec,
  listPullCodec,
  journalBatchCodec,
  journalAckCodec,
  journalResendCodec,
  authorizeRequestCodec,
  authorizeResponseCodec,
  reversalCodec,
  reversalAckCodec,
  adviceCodec,
  adviceAckCodec,
  configPushCodec,
  configAckCodec,
  commandCodec,
  commandResultCodec,
  statusCodec,
  statusAckCodec,
] as unknown as Codec<Message>[];

const BY_CODE = new Map(CODECS.map((c) => [c.code, c]));
const BY_TYPE = new Map(CODECS.map((c) => [c.type, c]));

/** Types ≥ 0x80 may be ignored by a receiver that does not know them; below, it must answer ERROR unknown-type. */
export const IGNORABLE_TYPE_MIN = 0x80;

export function codecOf(type: MessageType): Codec<Message> {
  const c = BY_TYPE.get(type);
  if (!c) throw new RangeError(`no message type ${JSON.stringify(type)}`);
  return c;
}

export function codecByCode(code: number): Codec<Message> | undefined {
  return BY_CODE.get(code);
}

export function allCodecs(): readonly Codec<Message>[] {
  return CODECS;
}

/** Encodes a message's payload; throws EncodeError on a caller bug (a field the wire cannot carry). */
export function encodeMessage(m: Message): { code: number; payload: Uint8Array } {
  const c = codecOf(m.type);
  const w = new Writer();
  c.encode(w, m);
  return { code: c.code, payload: w.finish() };
}

export type DecodeResult = { ok: true; message: Message } | { ok: false; error: string; unknownType: boolean };

/** Decodes a payload of type `code`. Never throws. */
export function decodeMessage(code: number, payload: Uint8Array): DecodeResult {
  const c = BY_CODE.get(code);
  if (!c)
    return { ok: false, error: `unknown message type 0x${code.toString(16).padStart(2, '0')}`, unknownType: true };
  const r = new Reader(payload);
  let m: Message;
  try {
    m = c.decode(r);
  } catch (err) {
    // A decoder bug, not bad input — but a frame must never crash the receiver.
    return { ok: false, error: `decoder fault in ${c.type}: ${(err as Error).message}`, unknownType: false };
  }
  r.expectEnd(c.type);
  if (r.error !== null) return { ok: false, error: `${c.type}: ${r.error}`, unknownType: false };
  return { ok: true, message: m };
}
