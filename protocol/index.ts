/**
 * onecard wire protocol v1 — the public surface (PROTOCOL.md). This folder
 * depends on nothing else in the tree (node:crypto only), so a backend can
 * vendor it whole.
 *
 * Layers, bottom up:
 *   frame.ts      framing, CRCs, the incremental FrameDecoder (resync)
 *   messages/     one codec per message family; encodeMessage/decodeMessage
 *   session.ts    sans-IO session: handshake, MAC, replay window, rotation
 */

// Layer 1: frames
export { crc16, crc32 } from './crc.ts';
export {
  encodeFrame,
  FrameDecoder,
  FRAME_VERSION,
  frameBytes,
  HEADER_BYTES,
  MAC_BYTES,
  macInput,
  PAYLOAD_BYTES_DEFAULT,
  PAYLOAD_BYTES_LIMIT,
  SOM,
} from './frame.ts';
export type { Frame, FrameErrorCode, FrameEvent, FrameSpec } from './frame.ts';

// Keys
export { deriveTerminalKey, keyCheck, sameBytes, TERMINAL_KEY_BYTES } from './keys.ts';

// Layer 2: messages
export {
  allCodecs,
  codecByCode,
  codecOf,
  decodeMessage,
  encodeMessage,
  IGNORABLE_TYPE_MIN,
} from './messages/registry.ts';
export type { DecodeResult, Message, MessageType } from './messages/registry.ts';
export { CAP, CAPS_ALL, CAPS_V1, capAgreed } from './messages/codec.ts';
export { EncodeError, Reader, Writer } from './messages/varint.ts';
export type {
  Bye,
  Challenge,
  ErrorCodeName,
  ErrorMessage,
  Hello,
  KeyRotate,
  KeyRotateAck,
  Note,
  Prove,
  Welcome,
} from './messages/control.ts';
export { CLOCK_FAR_MS, clockOffset } from './messages/time.ts';
export type { ClockStateName, TimeRequest, TimeResponse } from './messages/time.ts';
export type { PeripheralHealth, Status, StatusAck } from './messages/status.ts';
export { PERIPHERALS_MAX, STATUS_ALARM_BYTES_MAX } from './messages/status.ts';
export { CARD_CLASS_MAX, isCardClass, ListDigest, DIGEST_BYTES } from './messages/list-entries.ts';
export type { CreditKey, Grant, Holder, ListEntry, ListId, PendingCredit } from './messages/list-entries.ts';
export { HOLDER_GROUP_MAX, HOLDER_NAME_BYTES_MAX, groupsOfMask } from './messages/list-holders.ts';
export { HOLIDAY_SITE_MAX, holidayKey, holidayOfKey, type Holiday } from './messages/list-holidays.ts';
export { deltaChunks, LIST_CAP, LIST_CHUNKS_MAX, snapshotChunks } from './messages/lists.ts';
export type { ListAck, ListChanges, ListContent, ListDelta, ListPull, ListSnapshot } from './messages/lists.ts';
export { batchItems, buildJournalBatch, JOURNAL_BATCH_RECORDS_MAX } from './messages/journal.ts';
export type { JournalAck, JournalBatch, JournalResend } from './messages/journal.ts';
export type { WireRecord } from './messages/record-context.ts';
export { KIND } from './messages/record-kinds.ts';
export type * from './messages/record-kinds.ts';
export { CARD_EPOCH_MS, cardDay } from './card-day.ts';
export { PURSE_FIELDS, samePurse, settlement } from './settlement.ts';
export type { CounterSighting, PurseEvidence, Settlement, SettlementEvidence } from './settlement.ts';
export { canonicalRecord, CHAIN_BYTES, CHAIN_ZERO, chainNext, chainOver } from './messages/chain.ts';
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportWriter,
  exportMacKey,
  readExport,
  type ExportEnd,
  type ExportHeader,
  type ReadExport,
} from './journal-export.ts';
export type {
  Advice,
  AdviceAck,
  AuthorizeRequest,
  AuthorizeResponse,
  Reversal,
  StanAck,
} from './messages/authorize.ts';
export { CONFIG_BYTES_MAX } from './messages/config.ts';
export type { ConfigAck, ConfigPush } from './messages/config.ts';
export { COMMAND_CODES } from './messages/command.ts';
export type { Command, CommandArgs, CommandResult } from './messages/command.ts';

// Layer 3: session
export { keyRefused, Session } from './session.ts';
export { PROTOCOL_VERSION_MAX, PROTOCOL_VERSION_MIN } from './handshake.ts';
export { REPLAY_WINDOW_DEFAULT } from './replay.ts';
export {
  HANDSHAKE_TIMEOUT_MS_DEFAULT,
  HEARTBEAT_MS_DEFAULT,
  IDLE_HEARTBEATS_MAX,
  MAC_FAILURES_MAX,
  TRANSITIONS,
} from './session-table.ts';
export type {
  BackendSessionOptions,
  CloseReason,
  OpenedInfo,
  RejectReason,
  Role,
  SendError,
  SendResult,
  SessionEvent,
  SessionState,
  TerminalSessionOptions,
} from './session-table.ts';
