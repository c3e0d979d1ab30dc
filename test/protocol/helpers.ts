import { deriveTerminalKey, Session, type SessionEvent } from '../../protocol/index.ts';

/** A seeded PRNG (mulberry32): the same seed gives the same run everywhere. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 ≤ n < max */
  int(max: number): number {
    return max <= 1 ? 0 : this.u32() % max;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

export const MASTER_KEY = Uint8Array.from(
  Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'),
);
export const TERMINAL_ID = 1042;

export function clock(startMs = 1_795_000_000_000): { nowMs: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return {
    nowMs: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Splits bytes at random points (including none and one-byte pieces). */
export function randomChunks(bytes: Uint8Array, rng: Prng, maxPieces = 8): Uint8Array[] {
  const cuts = new Set<number>();
  const n = rng.int(maxPieces);
  for (let i = 0; i < n; i++) cuts.add(rng.int(bytes.length + 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of [...sorted, bytes.length]) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export interface Pair {
  terminal: Session;
  backend: Session;
  clock: ReturnType<typeof clock>;
  /** Every event each side produced, in order. */
  events: { terminal: SessionEvent[]; backend: SessionEvent[] };
}

/** A terminal and a backend session with deterministic randomness, keyed from MASTER_KEY. */
export function pair(
  opts: {
    seed?: number;
    terminalKey?: Uint8Array;
    replayWindow?: number;
    keyFor?: (t: number, k: number) => Uint8Array | null;
  } = {},
): Pair {
  const rng = new Prng(opts.seed ?? 1);
  const c = clock();
  const key = deriveTerminalKey(MASTER_KEY, TERMINAL_ID, 1);
  const terminal = Session.terminal({
    nowMs: c.nowMs,
    randomBytes: (n) => rng.bytes(n),
    terminalId: TERMINAL_ID,
    keyId: 1,
    key: opts.terminalKey ?? key,
    replayWindow: opts.replayWindow,
  });
  const backend = Session.backend({
    nowMs: c.nowMs,
    randomBytes: (n) => rng.bytes(n),
    keyFor: opts.keyFor ?? ((t, k) => deriveTerminalKey(MASTER_KEY, t, k)),
    replayWindow: opts.replayWindow,
    utcOffsetMinutes: 480,
  });
  return { terminal, backend, clock: c, events: { terminal: [], backend: [] } };
}

/** Moves frames both ways until neither side has anything to send. */
export function pump(p: Pair, maxRounds = 20): void {
  for (let i = 0; i < maxRounds; i++) {
    const t = p.terminal.takeOutbound();
    const b = p.backend.takeOutbound();
    if (t.length === 0 && b.length === 0) return;
    for (const f of t) p.events.backend.push(...p.backend.receiveData(f));
    for (const f of b) p.events.terminal.push(...p.terminal.receiveData(f));
  }
}

export function connected(seed = 1): Pair {
  const p = pair({ seed });
  p.terminal.connect();
  pump(p);
  if (p.terminal.state !== 'open' || p.backend.state !== 'open')
    throw new Error(`handshake failed: ${JSON.stringify(p.events)}`);
  p.events.terminal.length = 0;
  p.events.backend.length = 0;
  return p;
}
