import { type BillEntry, decodeBillTable } from './bill-table.ts';
import { type DeviceState, expected, FAILURE_CODES, REJECT_INHIBITED, REJECT_REASONS } from './device-state.ts';
import type { CashEvent, StackedEvent } from './events.ts';
import { billTypeMask, CMD } from './frame.ts';

/**
 * The driver's decisions, pure: what to send next, and what a reply means.
 * driver.ts does the I/O and is the one place that assigns `CoreState`.
 */
export type Decision = 'stack' | 'return' | 'hold';

export interface CoreState {
  device: DeviceState;
  billTable: BillEntry[] | undefined;
  /** Bill types the caller wants accepted, or null for disabled. */
  wanted: number[] | null;
  /** What the validator was last told (null: disabled or not yet told in this run). */
  enabledMask: string | null;
  decision: Decision | undefined;
  escrowSinceMs: number | undefined;
  /** Whether this run has enabled the validator: an escrow seen before that is nobody's. */
  enabledThisRun: boolean;
  resetSent: boolean;
  openStacked: StackedEvent[];
  nextEventId: number;
  missedReplies: number;
  /** A command other than POLL went out: what the device made of it is unknown until the next POLL. */
  stale: boolean;
}

export const initialCore = (): CoreState => ({
  device: { kind: 'unknown' },
  billTable: undefined,
  wanted: null,
  enabledMask: null,
  decision: undefined,
  escrowSinceMs: undefined,
  enabledThisRun: false,
  resetSent: false,
  openStacked: [],
  nextEventId: 1,
  missedReplies: 0,
  stale: false,
});

/** The validator returns a bill by itself after ~10 s in escrow; we decide for the customer well before that. */
export const ESCROW_DECISION_MS = 5_000;
/** Polls without a reply before the validator is declared gone (3 × 100 ms timeout + poll interval). */
export const MISSED_REPLIES_MAX = 3;

export interface Command {
  name: string;
  payload: number[];
  /** The reply is data (POLL, GET BILL TABLE …), not ACK. */
  expectsData: boolean;
}

const poll: Command = { name: 'POLL', payload: [CMD.poll], expectsData: true };
const simple = (name: string, cmd: number): Command => ({ name, payload: [cmd], expectsData: false });
const enableCommand = (types: readonly number[]): Command => {
  const mask = billTypeMask(types);
  return {
    name: `ENABLE ${types.join(',') || 'none'}`,
    payload: [CMD.enableBillTypes, ...mask, ...mask],
    expectsData: false,
  };
};

const maskKey = (types: readonly number[] | null) =>
  types === null ? null : [...types].sort((a, b) => a - b).join(',');

/** What the controller sends now: exactly one command per cycle, POLL when nothing else is due. */
export function nextCommand(s: CoreState, nowMs: number): Command {
  const d = s.device;
  if (s.stale) return poll;
  if (d.kind === 'power-up' && !s.resetSent) return simple('RESET', CMD.reset);
  if (d.kind === 'escrow' || d.kind === 'holding') {
    if (!s.enabledThisRun) return simple('RETURN', CMD.return);
    if (s.decision === 'stack') return simple('STACK', CMD.stack);
    if (s.decision === 'return') return simple('RETURN', CMD.return);
    if (s.decision === 'hold') return simple('HOLD', CMD.hold);
    if (s.escrowSinceMs !== undefined && nowMs - s.escrowSinceMs >= ESCROW_DECISION_MS)
      return simple('RETURN', CMD.return);
    return poll;
  }
  const settled = d.kind === 'disabled' || d.kind === 'idle';
  if (!settled) return poll;
  if (s.billTable === undefined) return { name: 'GET BILL TABLE', payload: [CMD.getBillTable], expectsData: true };
  const want = s.openStacked.length > 0 ? null : s.wanted;
  const wantKey = maskKey(want && want.length > 0 ? want : null);
  // Told once per change; a power-up or a silence clears enabledMask, so it is told again after.
  if (wantKey !== s.enabledMask) return enableCommand(want ?? []);
  return poll;
}

export interface Outcome {
  core: CoreState;
  events: CashEvent[];
}

/** After a command went out and was ACKed (or answered): bookkeeping for the command itself. */
export function afterSent(s: CoreState, c: Command, nowMs: number): Outcome {
  const events: CashEvent[] = [];
  const core = { ...s, stale: true };
  if (c.name === 'RESET') core.resetSent = true;
  if (c.payload[0] === CMD.enableBillTypes) {
    const on = c.payload.slice(1, 4).some((b) => b !== 0);
    core.enabledMask = on ? maskKey(s.openStacked.length > 0 ? null : s.wanted) : null;
    if (on) core.enabledThisRun = true;
  }
  if (c.name === 'STACK' || c.name === 'RETURN' || c.name === 'HOLD') {
    const billType = s.device.kind === 'escrow' ? s.device.billType : -1;
    if (c.name === 'RETURN' && !s.enabledThisRun) events.push({ kind: 'escrow-at-start', billType });
    else if (c.name === 'RETURN' && s.decision !== 'return') events.push({ kind: 'escrow-timeout', billType });
    core.decision = undefined;
    core.escrowSinceMs = c.name === 'HOLD' ? nowMs : s.escrowSinceMs;
  }
  return { core, events };
}

export function onBillTable(s: CoreState, payload: Uint8Array): Outcome {
  const t = decodeBillTable(payload);
  if (!t.ok) return { core: s, events: [{ kind: 'refused', command: 'GET BILL TABLE', detail: t.error }] };
  return { core: { ...s, billTable: t.entries }, events: [] };
}

export function onNoReply(s: CoreState): Outcome {
  const missed = s.missedReplies + 1;
  if (missed < MISSED_REPLIES_MAX || s.device.kind === 'no-response')
    return { core: { ...s, missedReplies: missed }, events: [] };
  // Gone: forget what it was told, so it is reset and enabled afresh when it answers again.
  const core: CoreState = {
    ...s,
    missedReplies: missed,
    device: { kind: 'no-response' },
    resetSent: false,
    enabledMask: null,
  };
  return { core, events: [{ kind: 'alarm', alarm: 'no-response', detail: `no reply to ${missed} polls` }] };
}

const bill = (s: CoreState, billType: number) => s.billTable?.find((e) => e.billType === billType);

/** A POLL reply: the new device state and the events its arrival means. */
export function onPoll(s: CoreState, next: DeviceState, nowMs: number): Outcome {
  const prev = s.device;
  const events: CashEvent[] = [];
  const core: CoreState = { ...s, device: next, missedReplies: 0, stale: false };
  const entered = prev.kind !== next.kind;
  // Same kind and same bill/alarm: a repeat (the validator repeats 80/81/82 until it sees our ACK).
  const changed = JSON.stringify(prev) !== JSON.stringify(next);
  if (!expected(prev.kind, next.kind)) events.push({ kind: 'anomaly', from: prev.kind, to: next.kind });
  if (prev.kind === 'alarm' && next.kind !== 'alarm') events.push({ kind: 'alarm-cleared' });
  if (next.kind === 'power-up' && entered) {
    events.push({ kind: 'power-up', bill: next.bill });
    Object.assign(core, { resetSent: false, enabledMask: null, decision: undefined });
  }
  if (next.kind === 'escrow' && changed && prev.kind !== 'holding') {
    core.escrowSinceMs = nowMs;
    core.decision = undefined;
    const e = bill(s, next.billType);
    if (s.enabledThisRun)
      events.push({ kind: 'escrow', billType: next.billType, valueCents: e?.valueCents, currency: e?.currency });
  }
  if (next.kind === 'stacked' && changed) {
    const e = bill(s, next.billType);
    const ev: StackedEvent = {
      kind: 'stacked',
      id: s.nextEventId,
      billType: next.billType,
      valueCents: e?.valueCents,
      currency: e?.currency,
      withoutEscrow: !['escrow', 'holding', 'stacking'].includes(prev.kind),
    };
    core.nextEventId += 1;
    core.openStacked = [...s.openStacked, ev];
    events.push(ev);
  }
  if (next.kind === 'returned' && entered) events.push({ kind: 'returned', billType: next.billType });
  if (next.kind === 'rejecting' && entered) {
    events.push({
      kind: 'rejected',
      reason: next.reason,
      text: REJECT_REASONS.get(next.reason) ?? `0x${next.reason.toString(16)}`,
      inhibited: next.reason === REJECT_INHIBITED,
    });
  }
  if (next.kind === 'alarm' && changed) {
    const detail =
      next.alarm === 'failure'
        ? `failure: ${FAILURE_CODES.get(next.code ?? -1) ?? `0x${(next.code ?? 0).toString(16)}`}`
        : next.alarm;
    events.push({ kind: 'alarm', alarm: next.alarm, detail });
  }
  return { core, events };
}

export function acknowledge(s: CoreState, id: number): { ok: true; core: CoreState } | { ok: false; error: string } {
  if (!s.openStacked.some((e) => e.id === id)) return { ok: false, error: `no open stacked event ${id}` };
  return { ok: true, core: { ...s, openStacked: s.openStacked.filter((e) => e.id !== id) } };
}

export function decide(s: CoreState, d: Decision): { ok: true; core: CoreState } | { ok: false; error: string } {
  if (s.device.kind !== 'escrow' && s.device.kind !== 'holding')
    return { ok: false, error: `no bill in escrow (validator is ${s.device.kind})` };
  if (!s.enabledThisRun) return { ok: false, error: 'the bill in escrow predates this run and is being returned' };
  return { ok: true, core: { ...s, decision: d } };
}
