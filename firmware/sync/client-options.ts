import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { Random } from '../core/random.ts';
import type { JournalRecord } from '../store/journal/journal.ts';
import { CAP, type Status } from '../../protocol/index.ts';
import type { SessionAuthorizer } from './authorizer.ts';
import { BACKOFF_DEFAULT, type BackoffPolicy } from './backoff.ts';
import type { ClockStepper } from './clock-watch.ts';
import type { CommandHooks } from './commands.ts';
import type { ConfigHooks, ConfigSource } from './config-push.ts';
import type { Dial } from './link.ts';
import type { BlacklistStore, CreditStore, GrantStore, HolderStore } from './lists.ts';
import type { Scheduler } from './scheduler.ts';
import type { SyncState } from './sync-state.ts';
import type { UploadJournal, UploaderOptions } from './uploader.ts';

/** What the sync client (client.ts) is given: its stores, its clocks, its link, and its options. */

/** What a POS offers: everything but door grants (offered only with a `grants` store); config push too when given a `config` source. */
export const TERMINAL_CAPS =
  CAP.journal | CAP.blacklist | CAP.credits | CAP.onlineAuth | CAP.commands | CAP.time | CAP.status | CAP.keyRotation;

export interface SyncOptions {
  /** How often the client looks at its clocks (session timeouts, heartbeat, ack timeout). */
  tickMs: number;
  /** §6.2: a TIME exchange after each handshake, then this often. */
  timeSyncEveryMs: number;
  /** Owed advices/reversals not yet acknowledged are sent again this often. */
  owedRetryMs: number;
  backoff: BackoffPolicy;
  upload: Partial<Omit<UploaderOptions, 'terminalId' | 'utcOffsetMinutes'>>;
  caps: number;
}

export const SYNC_DEFAULTS: SyncOptions = {
  tickMs: 1_000,
  timeSyncEveryMs: 6 * 3_600_000,
  owedRetryMs: 30_000,
  backoff: BACKOFF_DEFAULT,
  upload: {},
  caps: TERMINAL_CAPS,
};

export interface SyncClientDeps {
  terminalId: number;
  keyId: number;
  /** The terminal's 32-byte secret K_t of generation keyId (PROTOCOL.md §4.1): the seed of the key store in `state` when it holds none; after that the store's generation is used (rekey.ts). */
  key: Uint8Array;
  firmware?: string;
  utcOffsetMinutes: number;
  journal: UploadJournal & {
    get(seq: number): JournalRecord | undefined;
    append(kind: string, body: unknown): unknown;
  };
  blacklist: BlacklistStore;
  credits: CreditStore;
  /** Door grants (list 1): CAP.grants is offered only with a store for them (a POS has none). */
  grants?: GrantStore;
  /** Holders (list 3: names, groups, passes): CAP.holders is offered only with a store for them. */
  holders?: HolderStore;
  state: SyncState;
  dial: Dial;
  /** Session timers (heartbeat, timeouts, backoff): never stepped, so a clock step is not a silence. */
  clock: Clock;
  /**
   * The terminal's time, as its journal and decisions read it (§6.2): measured against the backend's,
   * stepped on a jump and journaled. Without it, `clock` is measured and nothing is stepped.
   */
  terminalClock?: Clock & ClockStepper;
  scheduler: Scheduler;
  random: Random;
  log: Logger;
  /** The one the Terminal was opened with (Terminal.open takes it); one is made otherwise. */
  authorizer?: SessionAuthorizer;
  hooks?: CommandHooks & Partial<ClockStepper> & ConfigHooks;
  /** CONFIG_PUSH (§6.8, config-push.ts) is offered only with this: the config in force and its file. */
  config?: ConfigSource;
  options?: Partial<SyncOptions>;
  /** Observer for tests, the CLI and the dashboard. */
  onEvent?: (e: SyncEvent) => void;
  /** Peripheral health for STATUS (§6.3), from the composition root that owns the drivers; called each heartbeat, must be cheap and not throw. */
  peripherals?: () => Status['peripherals'];
}

export type SyncEvent =
  | { type: 'opened' }
  | { type: 'closed'; reason: string }
  | { type: 'acked'; upto: number }
  | { type: 'list'; list: string; version: number; status: string }
  | { type: 'rejected'; reason: string };
