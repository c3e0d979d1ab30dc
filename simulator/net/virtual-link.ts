import { LinkBase, type Link } from '../../firmware/sync/link.ts';
import type { Scheduler } from '../../firmware/sync/scheduler.ts';
import type { Random } from '../../firmware/core/random.ts';

/**
 * In-process links for the simulator and the tests: two ends joined through
 * the scheduler, so a message takes (virtual) time to cross, and optionally
 * a seeded fault plan — drops, duplicates, reorders, corrupted bytes and
 * disconnects in the middle of whatever is being sent. The same seed gives
 * the same faults at the same messages on every run.
 */
export interface FaultPlan {
  /** One-way delay of every message, ms. */
  latencyMs: number;
  /** Extra delay drawn per message in 0..jitterMs (a message may overtake an earlier one). */
  jitterMs: number;
  /** Per-mille chances, per message. */
  dropPerMille: number;
  duplicatePerMille: number;
  /** Held back by several latencies, so later messages overtake it. */
  reorderPerMille: number;
  /** One byte flipped (the frame CRC catches it: a drop with extra steps). */
  corruptPerMille: number;
  /** The link goes down instead of carrying this message. */
  disconnectPerMille: number;
}

export const CLEAN: FaultPlan = {
  latencyMs: 1,
  jitterMs: 0,
  dropPerMille: 0,
  duplicatePerMille: 0,
  reorderPerMille: 0,
  corruptPerMille: 0,
  disconnectPerMille: 0,
};

/** Swarm testing (docs/architecture.md, code habits): which faults are on, and how often, is drawn from the seed. */
export function drawFaults(random: Random): FaultPlan {
  const maybe = (maxPerMille: number) => (random.int(2) === 0 ? 0 : 1 + random.int(maxPerMille));
  return {
    latencyMs: 1 + random.int(50),
    jitterMs: random.int(20),
    dropPerMille: maybe(150),
    duplicatePerMille: maybe(150),
    reorderPerMille: maybe(150),
    corruptPerMille: maybe(60),
    disconnectPerMille: maybe(40),
  };
}

export interface LinkStats {
  sent: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
  disconnects: number;
}

class VirtualEnd extends LinkBase {
  peer: VirtualEnd | null = null;

  constructor(
    private readonly wire: Wire,
    readonly name: string,
  ) {
    super();
  }

  protected write(bytes: Uint8Array): void {
    this.wire.carry(this, bytes.slice());
  }

  protected shutdown(): void {
    this.wire.cut(this, `${this.name} closed`);
  }

  arrive(bytes: Uint8Array): void {
    this.deliver(bytes);
  }

  hangUp(reason: string): void {
    this.ended(reason);
  }
}

class Wire {
  readonly stats: LinkStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, corrupted: 0, disconnects: 0 };
  private down = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly plan: FaultPlan,
    private readonly random: Random | null,
  ) {}

  private chance(perMille: number): boolean {
    return perMille > 0 && this.random !== null && this.random.int(1000) < perMille;
  }

  carry(from: VirtualEnd, bytes: Uint8Array): void {
    const to = from.peer;
    if (this.down || !to) return;
    this.stats.sent++;
    const p = this.plan;
    if (this.chance(p.disconnectPerMille)) {
      this.stats.disconnects++;
      return this.cut(from, 'link dropped (fault)');
    }
    if (this.chance(p.dropPerMille)) {
      this.stats.dropped++;
      return;
    }
    if (this.chance(p.corruptPerMille) && this.random) {
      this.stats.corrupted++;
      bytes[this.random.int(bytes.length)] ^= 1 << this.random.int(8);
    }
    const copies = this.chance(p.duplicatePerMille) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let delayMs = p.latencyMs + (p.jitterMs > 0 && this.random ? this.random.int(p.jitterMs + 1) : 0);
      if (this.chance(p.reorderPerMille)) {
        this.stats.reordered++;
        delayMs += p.latencyMs * 3 + 5;
      }
      this.scheduler.after(delayMs, () => {
        if (!this.down) to.arrive(bytes);
      });
    }
  }

  /** Both ends learn of it after one latency; nothing in flight arrives any more. */
  cut(from: VirtualEnd, reason: string): void {
    if (this.down) return;
    this.down = true;
    const to = from.peer;
    from.hangUp(reason);
    this.scheduler.after(this.plan.latencyMs, () => to?.hangUp(reason));
  }
}

export interface VirtualLinkPair {
  /** The dialling side (the terminal's end). */
  client: Link;
  /** The accepting side (the backend's end). */
  server: Link;
  stats: LinkStats;
  /** Pulls the plug, as a dead switch or a backend process that vanished would. */
  cut(reason?: string): void;
}

/** A connected pair; `random` is needed only when the plan has faults. */
export function virtualLinkPair(
  scheduler: Scheduler,
  plan: FaultPlan = CLEAN,
  random: Random | null = null,
): VirtualLinkPair {
  const wire = new Wire(scheduler, plan, random);
  const client = new VirtualEnd(wire, 'client');
  const server = new VirtualEnd(wire, 'server');
  client.peer = server;
  server.peer = client;
  return { client, server, stats: wire.stats, cut: (reason = 'cut') => wire.cut(client, reason) };
}
