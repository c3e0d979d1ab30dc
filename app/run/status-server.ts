import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * `onecard status`: the running service answers one JSON line on a unix
 * socket in its data dir and closes; the socket is 0600 (the answer names
 * card counts and the backend's state, for the service's own user only).
 */
export const STATUS_SOCKET = 'status.sock';
/** An answer is a few hundred bytes; anything past this is not our service. */
const STATUS_BYTES_MAX = 64 * 1024;
/** `onecard status` gives up on a service that accepts but never answers. */
export const STATUS_TIMEOUT_MS = 3_000;

export const statusSocketPath = (dataDir: string) => join(dataDir, STATUS_SOCKET);

export async function serveStatus(dataDir: string, report: () => unknown): Promise<Server> {
  const path = statusSocketPath(dataDir);
  // A socket left by a service that was killed would refuse the bind: only a socket is removed, never a file.
  if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
  const server = createServer((conn) => {
    conn.on('error', () => undefined); // a client that hung up early is no fault of the service
    conn.end(`${JSON.stringify(report())}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

export type StatusAnswer = { ok: true; status: Record<string, unknown> } | { ok: false; message: string };

export function askStatus(dataDir: string): Promise<StatusAnswer> {
  const path = statusSocketPath(dataDir);
  return new Promise((resolve) => {
    let text = '';
    const conn = createConnection(path);
    const timer = setTimeout(() => {
      conn.destroy();
      resolve({ ok: false, message: `${path}: no answer within ${STATUS_TIMEOUT_MS / 1000} s` });
    }, STATUS_TIMEOUT_MS);
    conn.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (text.length > STATUS_BYTES_MAX) conn.destroy(new Error('answer too long'));
    });
    conn.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'no onecard service running there' : e.message;
      resolve({ ok: false, message: `${path}: ${why}` });
    });
    conn.on('end', () => {
      clearTimeout(timer);
      try {
        resolve({ ok: true, status: JSON.parse(text) as Record<string, unknown> });
      } catch {
        resolve({ ok: false, message: `${path}: not a onecard status answer` });
      }
    });
  });
}
