/**
 * The sync connection's phases and its one transition table, the shape of
 * protocol/session-table.ts: every phase change goes through `next()`, and
 * connection.ts `move()` is the one place that assigns and logs it.
 *
 *   idle ──start──▶ dialing ──dialed──▶ handshake ──opened──▶ open ──rekey──▶ rekeying
 *                     │  ▲                 │                   │                │
 *          dial-failed│  │retry            │closed | no-key    │closed          │relinked
 *                     ▼  │                 ▼                   ▼                ▼
 *                   backoff ◀──────────────┴───────────────────┘             dialing
 *   every phase ──stop──▶ stopped ──start──▶ dialing
 *
 * rekeying: BYE rekey sent (§4.6 step 4), the link left for the backend to
 * close; when it is gone (or the linger ran out) the next dial is at once,
 * under the new key, with no backoff.
 */
export type ConnectionPhase = 'idle' | 'dialing' | 'handshake' | 'open' | 'rekeying' | 'backoff' | 'stopped';

export type ConnectionEvent =
  | 'start'
  /** The link is up: the handshake starts. */
  | 'dialed'
  | 'dial-failed'
  /** The key store could not give a key for this dial. */
  | 'no-key'
  /** The session opened (WELCOME verified). */
  | 'opened'
  /** A key rotation was stored and acknowledged: BYE rekey, then dial under the new key. */
  | 'rekey'
  /** The link or the session ended (or an internal error dropped them). */
  | 'closed'
  /** The rekeyed session's link is gone. */
  | 'relinked'
  /** The backoff delay ran out. */
  | 'retry'
  | 'stop';

const STOP = { stop: 'stopped' } as const;

export const CONNECTION_TRANSITIONS: Readonly<
  Record<ConnectionPhase, Partial<Record<ConnectionEvent, ConnectionPhase>>>
> = {
  idle: { start: 'dialing', ...STOP },
  dialing: { dialed: 'handshake', 'dial-failed': 'backoff', ...STOP },
  handshake: { opened: 'open', closed: 'backoff', 'no-key': 'backoff', ...STOP },
  open: { rekey: 'rekeying', closed: 'backoff', ...STOP },
  rekeying: { relinked: 'dialing', ...STOP },
  backoff: { retry: 'dialing', ...STOP },
  stopped: { start: 'dialing' },
};

/** The phase after `event`, or undefined when the table does not list it (the caller ignores a late event). */
export function nextPhase(phase: ConnectionPhase, event: ConnectionEvent): ConnectionPhase | undefined {
  return CONNECTION_TRANSITIONS[phase][event];
}
