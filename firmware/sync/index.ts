import { join } from 'node:path';
import type { TerminalConfig } from '../config/schema.ts';
import type { Terminal } from '../terminal/terminal.ts';
import { SyncClient, type SyncClientDeps } from './client.ts';
import { SyncState } from './sync-state.ts';

/**
 * The sync client's public surface (firmware/sync/): what the composition
 * root (app/), the simulator and the tests wire together.
 *
 *   const authorizer = new SessionAuthorizer(clock, scheduler, log);   // before Terminal.open
 *   const terminal = Terminal.open({ config, masterKeys, clock, log, authorizer });
 *   const sync = syncTerminal(terminal, { key, dial: webSocketDialer(url), clock, scheduler: systemScheduler, random: systemRandom, log, authorizer });
 *   sync.client.start();  …  sync.close();
 */
export { SessionAuthorizer } from './authorizer.ts';
export { Backoff, BACKOFF_DEFAULT, type BackoffPolicy } from './backoff.ts';
export {
  SyncClient,
  SYNC_DEFAULTS,
  type LastSync,
  TERMINAL_CAPS,
  type SyncClientDeps,
  type SyncEvent,
  type SyncOptions,
} from './client.ts';
export { ClockWatch, type ClockStepper } from './clock-watch.ts';
export type { CommandHooks } from './commands.ts';
export { ConfigReceiver, type ConfigHooks, type ConfigSource } from './config-push.ts';
export { LinkBase, type Dial, type Link } from './link.ts';
export { ListPump } from './list-pump.ts';
export { ListApplier, type GrantStore, type ListStores } from './lists.ts';
export { systemScheduler, TimerSlot, type Cancel, type Scheduler } from './scheduler.ts';
export { SyncState } from './sync-state.ts';
export { dialTcp, TcpLink, tcpDialer } from './tcp-link.ts';
export { UPLOADER_DEFAULTS, Uploader, type UploaderOptions } from './uploader.ts';
export { dialWebSocket, webSocketDialer, WebSocketLink } from '../../base/ws-link.ts';

export interface TerminalSync {
  client: SyncClient;
  state: SyncState;
  /** Stops the client and closes its state file (before Terminal.close()). */
  close(): void;
}

/**
 * A SyncClient over a Terminal's own stores, with its state file beside them
 * (dataDir/sync.db). Pushed configs go to the Terminal (`config.path`: the
 * file to rewrite; give the one the terminal was loaded from).
 */
export function syncTerminal(
  terminal: Terminal,
  d: Omit<
    SyncClientDeps,
    'terminalId' | 'keyId' | 'utcOffsetMinutes' | 'journal' | 'blacklist' | 'credits' | 'state'
  > & { keyId?: number },
): TerminalSync {
  const cfg = terminal.config;
  const state = SyncState.open({ path: join(cfg.storage.dataDir, 'sync.db'), log: d.log });
  const config = d.config ?? { current: () => terminal.config };
  const hooks = { applyConfig: (c: TerminalConfig) => terminal.applyConfig(c), ...d.hooks };
  // The lists only some roles keep: a door its grants; doors, punch clocks and car parks their holders.
  const role = terminal.role;
  const roleLists = {
    ...(role.role === 'door' ? { grants: role.grants } : {}),
    ...('holders' in role ? { holders: role.holders } : {}),
  };
  const client = new SyncClient({
    ...roleLists,
    ...d,
    config,
    hooks,
    keyId: d.keyId ?? 1,
    terminalId: cfg.terminal.id,
    utcOffsetMinutes: cfg.terminal.utcOffsetMinutes,
    journal: terminal.journal,
    blacklist: terminal.blacklist,
    credits: terminal.credits,
    state,
  });
  return {
    client,
    state,
    close() {
      client.stop();
      state.close();
    },
  };
}
