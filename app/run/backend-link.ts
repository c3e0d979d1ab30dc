import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/log.ts';
import type { TerminalConfig } from '../../firmware/config/schema.ts';
import { readPrivateFile } from '../../firmware/store/keys/keyfile.ts';
import { type ClockStepper, webSocketDialer } from '../../firmware/sync/index.ts';
import { composeSyncLink, type SyncLink } from '../../firmware/sync/sync-link.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';
import type { PeripheralHealth } from '../../protocol/index.ts';
import { parseKeyText } from '../../backend/admin-keys.ts';
import type { Opened } from '../registry.ts';

/**
 * The config's `backend` section made live: the terminal key read from its
 * 0600 file (the message names the file, never its content), then the sync
 * link composed as the simulator composes it (firmware/sync/sync-link.ts),
 * dialling the config's URL over WebSocket.
 */
export interface BackendLink extends Pick<SyncLink, 'authorizer' | 'locked' | 'syncAlarm' | 'status'> {
  attach(terminal: Terminal, peripherals: () => PeripheralHealth[]): void;
  close(): void;
}

export function openBackendLink(
  link: NonNullable<TerminalConfig['backend']>,
  clocks: { session: Clock; terminalClock: Clock & ClockStepper },
  log: Logger,
): Opened<BackendLink> {
  let text: string;
  try {
    text = readPrivateFile(link.terminalKeyFile);
  } catch (e) {
    return { ok: false, message: `backend.terminalKeyFile: ${(e as Error).message}` };
  }
  const key = parseKeyText(text);
  if (key === null)
    return { ok: false, message: `backend.terminalKeyFile: ${link.terminalKeyFile} holds no terminal key (N:HEX)` };
  const sync = composeSyncLink({ ...key, dial: webSocketDialer(link.url), authorizerClock: clocks.session, log });
  return {
    ok: true,
    value: {
      authorizer: sync.authorizer,
      locked: sync.locked,
      syncAlarm: sync.syncAlarm,
      status: sync.status,
      attach: (terminal, peripherals) => sync.attach(terminal, clocks, peripherals),
      close: sync.detach,
    },
  };
}
