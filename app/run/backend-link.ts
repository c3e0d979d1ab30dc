import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/log.ts';
import type { TerminalConfig } from '../../firmware/config/schema.ts';
import { systemRandom } from '../../firmware/core/random.ts';
import { readPrivateFile } from '../../firmware/store/keys/keyfile.ts';
import {
  type ClockStepper,
  type LastSync,
  SessionAuthorizer,
  syncTerminal,
  systemScheduler,
  type TerminalSync,
  webSocketDialer,
} from '../../firmware/sync/index.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';
import type { PeripheralHealth, Status } from '../../protocol/index.ts';
import { parseKeyText } from '../../backend/admin-keys.ts';
import type { Opened } from '../registry.ts';

/**
 * The config's `backend` section made live: the terminal key read from its
 * 0600 file (the message names the file, never its content), the online
 * authorizer handed to the terminal before it opens, then the sync client.
 * Its session timers run on `clocks.session`; the backend's time steps
 * `clocks.terminalClock`, the clock the terminal's journal and decisions read.
 */
export interface BackendLink {
  authorizer: SessionAuthorizer;
  locked(): { locked: boolean; text: string };
  syncAlarm(): { reason: string } | null;
  attach(terminal: Terminal, peripherals: () => PeripheralHealth[]): void;
  status(): (Status & { connected: boolean; lastSync: LastSync }) | null;
  close(): void;
}

export function openBackendLink(
  link: NonNullable<TerminalConfig['backend']>,
  clocks: { session: Clock; terminalClock: Clock & ClockStepper },
  log: Logger,
): Opened<BackendLink> {
  const clock = clocks.session;
  let text: string;
  try {
    text = readPrivateFile(link.terminalKeyFile);
  } catch (e) {
    return { ok: false, message: `backend.terminalKeyFile: ${(e as Error).message}` };
  }
  const key = parseKeyText(text);
  if (key === null)
    return { ok: false, message: `backend.terminalKeyFile: ${link.terminalKeyFile} holds no terminal key (N:HEX)` };
  const authorizer = new SessionAuthorizer(clock, systemScheduler, log);
  let sync: TerminalSync | null = null;
  return {
    ok: true,
    value: {
      authorizer,
      locked: () => sync?.client.locked ?? { locked: false, text: '' },
      syncAlarm: () => sync?.client.syncAlarm ?? null,
      attach(terminal, peripherals) {
        sync = syncTerminal(terminal, {
          ...{ keyId: key.keyId, key: key.key, dial: webSocketDialer(link.url) },
          ...{ clock, terminalClock: clocks.terminalClock },
          ...{ scheduler: systemScheduler, random: systemRandom, log, authorizer, peripherals },
        });
        sync.client.start();
      },
      status: () => {
        if (!sync) return null;
        const { client } = sync;
        return { ...client.status(), connected: client.connected, lastSync: client.lastSync() };
      },
      close() {
        sync?.close();
        sync = null;
      },
    },
  };
}
