import { randomBytes } from 'node:crypto';

/**
 * Chance, injected. The simulator seeds it so a run replays exactly; a real
 * terminal uses the operating system's generator (nonces must not be guessable).
 */
export interface Random {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** n uniform bytes. */
  bytes(n: number): Uint8Array;
}

/** sfc32: small, fast, passes PractRand to 2^40 — enough for simulation, not for secrets. */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextU32();
  }
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0)
      throw new Error(`int(): bound must be a positive integer, got ${maxExclusive}`);
    // Rejection sampling keeps small bounds unbiased.
    const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive;
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % maxExclusive;
    }
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }
  /** An independent stream derived from this one (per terminal, per card). */
  fork(): SeededRandom {
    return new SeededRandom(this.nextU32());
  }
}

/** The operating system's generator, for a real terminal. */
export const systemRandom: Random = {
  nextU32: () => randomBytes(4).readUInt32LE(0),
  int(maxExclusive: number) {
    const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive;
    for (;;) {
      const x = randomBytes(4).readUInt32LE(0);
      if (x < limit) return x % maxExclusive;
    }
  },
  bytes: (n: number) => new Uint8Array(randomBytes(n)),
};
