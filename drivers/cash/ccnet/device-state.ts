/**
 * What the bill validator says it is doing (its POLL reply), as a union, and
 * the table of which state may follow which. The device is the authority on
 * its own state: a move the table does not list is still followed, but
 * reported as an anomaly (a missed poll, a firmware quirk) for the log.
 */
export type AlarmKind = 'cassette-full' | 'cassette-removed' | 'jammed' | 'cassette-jammed' | 'cheated' | 'failure';

export type DeviceState =
  /** Before the first reply of this run. */
  | { kind: 'unknown' }
  /** No reply to repeated polls: unplugged or powered off. */
  | { kind: 'no-response' }
  /** 10 / 11 / 12: after power on; a bill was found in the head (returned at RESET) or in the stacker. */
  | { kind: 'power-up'; bill: 'none' | 'in-validator' | 'in-stacker' }
  | { kind: 'initialising' }
  | { kind: 'disabled' }
  /** 14: enabled, waiting for a bill. */
  | { kind: 'idle' }
  | { kind: 'accepting' }
  | { kind: 'escrow'; billType: number }
  | { kind: 'holding' }
  | { kind: 'stacking' }
  | { kind: 'stacked'; billType: number }
  | { kind: 'returning' }
  | { kind: 'returned'; billType: number }
  | { kind: 'rejecting'; reason: number }
  | { kind: 'busy' }
  | { kind: 'paused' }
  | { kind: 'alarm'; alarm: AlarmKind; code?: number };

export type StateKind = DeviceState['kind'];

const ANYWHERE: readonly StateKind[] = ['power-up', 'no-response', 'alarm', 'busy', 'paused'];
const AFTER_BILL: readonly StateKind[] = ['idle', 'accepting', 'disabled'];

/** Expected successors of each state (besides staying, and besides ANYWHERE). */
export const TRANSITIONS: Readonly<Record<StateKind, readonly StateKind[]>> = {
  unknown: [
    'unknown',
    'initialising',
    'disabled',
    'idle',
    'accepting',
    'escrow',
    'holding',
    'stacking',
    'stacked',
    'returning',
    'returned',
    'rejecting',
  ],
  'no-response': ['initialising', 'disabled', 'idle', 'escrow', 'stacked'],
  'power-up': ['initialising', 'disabled'],
  initialising: ['disabled', 'idle'],
  disabled: ['idle', 'initialising'],
  idle: ['accepting', 'disabled', 'rejecting'],
  accepting: ['escrow', 'stacking', 'rejecting', 'returning', 'idle', 'disabled'],
  escrow: ['stacking', 'returning', 'holding'],
  holding: ['escrow', 'stacking', 'returning'],
  stacking: ['stacked'],
  stacked: AFTER_BILL,
  returning: ['returned'],
  returned: AFTER_BILL,
  rejecting: AFTER_BILL,
  busy: ['idle', 'disabled', 'initialising', 'accepting', 'escrow', 'stacking', 'returning'],
  paused: ['accepting', 'idle', 'disabled'],
  alarm: ['initialising', 'disabled', 'idle', 'returning', 'rejecting'],
};

export function expected(from: StateKind, to: StateKind): boolean {
  return from === to || ANYWHERE.includes(to) || TRANSITIONS[from].includes(to);
}

const SIMPLE: ReadonlyMap<number, DeviceState> = new Map<number, DeviceState>([
  [0x10, { kind: 'power-up', bill: 'none' }],
  [0x11, { kind: 'power-up', bill: 'in-validator' }],
  [0x12, { kind: 'power-up', bill: 'in-stacker' }],
  [0x13, { kind: 'initialising' }],
  [0x14, { kind: 'idle' }],
  [0x15, { kind: 'accepting' }],
  [0x17, { kind: 'stacking' }],
  [0x18, { kind: 'returning' }],
  [0x19, { kind: 'disabled' }],
  [0x1a, { kind: 'holding' }],
  [0x1b, { kind: 'busy' }],
  [0x41, { kind: 'alarm', alarm: 'cassette-full' }],
  [0x42, { kind: 'alarm', alarm: 'cassette-removed' }],
  [0x43, { kind: 'alarm', alarm: 'jammed' }],
  [0x44, { kind: 'alarm', alarm: 'cassette-jammed' }],
  [0x45, { kind: 'alarm', alarm: 'cheated' }],
  [0x46, { kind: 'paused' }],
]);

/** A POLL reply's payload → the state it reports, or an error naming the code. */
export function decodePoll(p: Uint8Array): { ok: true; state: DeviceState } | { ok: false; error: string } {
  const [z1, z2] = [p[0]!, p[1]];
  const simple = SIMPLE.get(z1);
  if (simple) return { ok: true, state: simple };
  const needsByte = z1 === 0x1c || z1 === 0x47 || z1 === 0x80 || z1 === 0x81 || z1 === 0x82;
  if (!needsByte) return { ok: false, error: `unknown POLL reply 0x${z1.toString(16)}` };
  if (z2 === undefined) return { ok: false, error: `POLL reply 0x${z1.toString(16)} without its second byte` };
  if (z1 === 0x1c) return { ok: true, state: { kind: 'rejecting', reason: z2 } };
  if (z1 === 0x47) return { ok: true, state: { kind: 'alarm', alarm: 'failure', code: z2 } };
  if (z2 > 23) return { ok: false, error: `bill type ${z2} outside 0..23` };
  if (z1 === 0x80) return { ok: true, state: { kind: 'escrow', billType: z2 } };
  if (z1 === 0x81) return { ok: true, state: { kind: 'stacked', billType: z2 } };
  return { ok: true, state: { kind: 'returned', billType: z2 } };
}

/** Reject reason 68: the bill's type is inhibited (not enabled by ENABLE BILL TYPES). */
export const REJECT_INHIBITED = 0x68;

/** Reject reasons (1C z), for messages and logs. */
export const REJECT_REASONS: ReadonlyMap<number, string> = new Map<number, string>([
  [0x60, 'insertion'],
  [0x61, 'magnetic'],
  [0x62, 'bill remained in head'],
  [0x63, 'multiplying'],
  [0x64, 'conveying'],
  [0x65, 'identification'],
  [0x66, 'verification'],
  [0x67, 'optic'],
  [0x68, 'inhibited denomination'],
  [0x69, 'capacitance'],
  [0x6a, 'operation'],
  [0x6c, 'length'],
  [0x6d, 'UV'],
]);

/** Failure codes (47 z); they differ between firmware versions, so unknown ones are shown as hex. */
export const FAILURE_CODES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x50, 'stack motor'],
  [0x51, 'transport speed'],
  [0x52, 'transport motor'],
  [0x53, 'aligning motor'],
  [0x54, 'initial cassette status'],
  [0x55, 'optic canal'],
  [0x56, 'magnetic canal'],
  [0x5f, 'capacitance canal'],
]);
