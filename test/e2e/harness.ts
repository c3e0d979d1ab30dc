import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '../../firmware/core/clock.ts';
import { JsonLogger, MemorySink, silentLogger, type Logger } from '../../firmware/core/log.ts';
import { SeededRandom } from '../../firmware/core/random.ts';
import { SessionAuthorizer } from '../../firmware/sync/authorizer.ts';
import { SyncClient, type SyncClientDeps, type SyncOptions } from '../../firmware/sync/client.ts';
import type { Dial } from '../../firmware/sync/link.ts';
import { SyncState } from '../../firmware/sync/sync-state.ts';
import { Backend } from '../../backend/backend.ts';
import { CLEAN, virtualLinkPair, type FaultPlan, type VirtualLinkPair } from '../../simulator/net/virtual-link.ts';
import { VirtualScheduler } from '../../simulator/net/virtual-scheduler.ts';
import type { SimWorld } from '../../simulator/world.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';

/**
 * A backend and terminals on one virtual clock, joined by virtual links that
 * may carry a seeded fault plan. Everything runs in virtual time: a test
 * advances it with `net.run(ms)` / `net.until(...)`, no wall-clock sleeps.
 */
export class Net {
  readonly sched: VirtualScheduler;
  readonly random: SeededRandom;
  readonly dir: string;
  readonly dbPath: string;
  backend: Backend | null = null;
  readonly links: VirtualLinkPair[] = [];
  readonly logSink = new MemorySink(50_000);
  readonly log: Logger;
  plan: FaultPlan = CLEAN;

  constructor(
    readonly clock: ManualClock,
    seed: number,
    opts: { log?: boolean } = {},
  ) {
    this.sched = new VirtualScheduler(clock);
    this.random = new SeededRandom(seed ^ 0x5eed);
    this.dir = mkdtempSync(join(tmpdir(), 'onecard-net-'));
    this.dbPath = join(this.dir, 'backend.db');
    this.log = opts.log === false ? silentLogger : new JsonLogger(this.logSink, () => clock.nowMs(), 'info');
    this.startBackend();
  }

  startBackend(): Backend {
    this.backend = Backend.open({
      dbPath: this.dbPath,
      clock: this.clock,
      scheduler: this.sched,
      log: this.log.child({ side: 'backend' }),
      randomBytes: (n) => this.random.bytes(n),
      masterKey: new Uint8Array(32).fill(7),
    });
    return this.backend;
  }

  stopBackend(): void {
    this.backend?.stop();
    this.backend = null;
  }

  get b(): Backend {
    if (!this.backend) throw new Error('backend is down');
    return this.backend;
  }

  /** A dialer for one terminal: each call is a new virtual connection (with the current fault plan). */
  dialer(): Dial {
    return () => {
      const backend = this.backend;
      if (!backend) return Promise.reject(new Error('connection refused (backend down)'));
      const pair = virtualLinkPair(this.sched, this.plan, this.plan === CLEAN ? null : this.random);
      this.links.push(pair);
      backend.accept(pair.server);
      return Promise.resolve(pair.client);
    };
  }

  /** Lines of the shared log containing `event`. */
  logged(event: string): Record<string, unknown>[] {
    return this.logSink.lines
      .filter((l) => l.includes(`"${event}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  run(ms: number): Promise<void> {
    return this.sched.run(ms);
  }

  until(done: () => boolean, maxMs = 120_000): Promise<boolean> {
    return this.sched.runUntil(done, maxMs);
  }

  /** Runs virtual time while a promise (a tap) settles; returns its value. */
  async settle<T>(p: Promise<T>, maxMs = 60_000): Promise<T> {
    let done = false;
    const q = p.finally(() => (done = true));
    await this.until(() => done, maxMs);
    return q;
  }

  close(): void {
    this.stopBackend();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Synced {
  client: SyncClient;
  state: SyncState;
  authorizer: SessionAuthorizer;
}

/** Makes the authorizer a terminal is opened with (SimWorld's addTerminal takes it). */
export function authorizerFor(net: Net): SessionAuthorizer {
  return new SessionAuthorizer(net.clock, net.sched, net.log);
}

/** Connects a SimWorld terminal to the net's backend with a SyncClient. */
export function syncTerminal(
  world: SimWorld,
  name: string,
  net: Net,
  authorizer: SessionAuthorizer,
  extra: Partial<SyncClientDeps> & { options?: Partial<SyncOptions> } = {},
): Synced {
  const t: Terminal = world.terminal(name).terminal;
  const id = t.config.terminal.id;
  const state = SyncState.open({ path: join(t.config.storage.dataDir, 'sync.db'), log: silentLogger });
  const client = new SyncClient({
    terminalId: id,
    keyId: 1,
    key: net.b.keyFor(id, 1) as Uint8Array,
    utcOffsetMinutes: t.config.terminal.utcOffsetMinutes,
    journal: t.journal,
    blacklist: t.blacklist,
    credits: t.credits,
    state,
    dial: net.dialer(),
    clock: net.clock,
    terminalClock: world.terminal(name).clock,
    scheduler: net.sched,
    random: new SeededRandom(id * 7919 + 1),
    log: net.log.child({ side: 'terminal' }),
    authorizer,
    ...extra,
  });
  client.start();
  return { client, state, authorizer };
}

/** Stops each client and closes its state file, before the world closes the terminals. */
export function stopSynced(synced: readonly Synced[]): void {
  for (const s of synced) {
    s.client.stop();
    s.state.close();
  }
}
