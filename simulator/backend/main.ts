import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { JsonLogger } from '../../firmware/core/log.ts';
import { readConfigFileArg } from './admin-config.ts';
import { ADMIN_HELP, runAdmin, type AdminResult } from './admin.ts';
import { Backend } from './backend.ts';
import { COMMAND_UNANSWERED } from './commands.ts';
import { BackendServer } from './server.ts';

/**
 * `onecard backend`: the reference backend as a process, and its admin
 * commands. Reached from firmware/cli/main.ts by a dynamic import only.
 *
 *   onecard backend [--port N] [--host H] [--tcp-port N] [--db FILE]   serve; prints its ws:// URL
 *   onecard backend card lost 1001 [--db FILE]                         an admin command (ADMIN_HELP)
 *
 * An admin command goes to the running server over its loopback admin
 * endpoint (address and token in FILE.admin.json, mode 0600) so the change
 * reaches connected terminals at once; with no server running it opens the
 * database itself.
 */
export const DB_DEFAULT = 'onecard-backend.db';
/** `--wait`: a terminal online answers within a round trip or two; 30 s covers a reconnect after a blip. */
const COMMAND_WAIT_MS = 30_000;
/** How often `--wait` asks the server for the answer (a loopback request each time). */
const COMMAND_POLL_MS = 200;

interface AdminFile {
  adminUrl: string;
  token: string;
  pid: number;
}

export function adminFilePath(dbPath: string): string {
  return `${dbPath}.admin.json`;
}

function takeOpt(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

/** Starts a server on the database and leaves the admin file beside it; `stop` removes it. */
export async function serveBackend(opts: { dbPath: string; host?: string; port?: number; tcpPort?: number; log?: JsonLogger }): Promise<BackendServer> {
  const server = await BackendServer.start({ dbPath: opts.dbPath, host: opts.host, port: opts.port, tcpPort: opts.tcpPort, ...(opts.log ? { log: opts.log } : {}) });
  const file = adminFilePath(opts.dbPath);
  writeFileSync(file, JSON.stringify({ adminUrl: server.adminUrl, token: server.adminToken, pid: process.pid } satisfies AdminFile), { mode: 0o600 });
  chmodSync(file, 0o600);
  const stop = server.stop.bind(server);
  server.stop = async () => {
    rmSync(file, { force: true });
    await stop();
  };
  return server;
}

export async function backendMain(argv: string[], out: (line: string) => void): Promise<number> {
  const args = [...argv];
  const dbPath = takeOpt(args, '--db') ?? DB_DEFAULT;
  if (args[0] === 'help' || args[0] === '--help') {
    out('usage: onecard backend [--port N] [--host H] [--tcp-port N] [--db FILE]');
    ADMIN_HELP.forEach((l) => out(l));
    return 0;
  }
  if (args.length === 0 || args[0].startsWith('--')) return serve(args, dbPath, out);
  const wait = args.includes('--wait');
  if (wait) args.splice(args.indexOf('--wait'), 1);
  const unreadable = readConfigFileArg(args);
  if (unreadable !== null) return (out(unreadable), 1);
  const r = await admin(dbPath, args);
  r.lines.forEach((l) => out(l));
  if (!wait || r.code !== 0 || r.queuedCommand === undefined) return r.code;
  return waitForAnswer(dbPath, r.queuedCommand, out);
}

/** `--wait`: asks for the command's row until the terminal has answered; exit 0 only for `done`. */
async function waitForAnswer(dbPath: string, corrId: number, out: (line: string) => void): Promise<number> {
  if (!existsSync(adminFilePath(dbPath))) {
    out(`no backend is running on ${dbPath}: command ${corrId} stays queued until its terminal connects to one`);
    return 1;
  }
  for (let waitedMs = 0; waitedMs < COMMAND_WAIT_MS; waitedMs += COMMAND_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, COMMAND_POLL_MS));
    const r = await admin(dbPath, ['command', 'show', String(corrId)]);
    if (r.code !== 0) {
      r.lines.forEach((l) => out(l));
      return r.code;
    }
    if (r.commandStatus !== undefined && !COMMAND_UNANSWERED.includes(r.commandStatus)) {
      out(r.lines[0]);
      return r.commandStatus === 'done' ? 0 : 1;
    }
  }
  out(`no answer to command ${corrId} within ${COMMAND_WAIT_MS / 1000} s; it stays queued (onecard backend command show ${corrId})`);
  return 1;
}

async function serve(args: string[], dbPath: string, out: (line: string) => void): Promise<number> {
  const port = Number(takeOpt(args, '--port') ?? 0);
  const tcp = takeOpt(args, '--tcp-port');
  const host = takeOpt(args, '--host') ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535 || args.length > 0) {
    out(`unknown option(s): ${args.join(' ')}`);
    out('usage: onecard backend [--port N] [--host H] [--tcp-port N] [--db FILE]');
    return 2;
  }
  const log = new JsonLogger({ write: (line) => process.stderr.write(`${line}\n`) }, () => Date.now(), 'info');
  const server = await serveBackend({ dbPath, host, port, ...(tcp !== undefined ? { tcpPort: Number(tcp) } : {}), log });
  out(`onecard backend on ${server.url} (database ${dbPath})`);
  if (server.tcpPort !== null) out(`raw TCP terminals on ${host}:${server.tcpPort}`);
  out(`terminal keys: onecard backend key <terminalId> --db ${dbPath}`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.stop();
  out('backend stopped');
  return 0;
}

/** Sends the command to the running server, or runs it on the database when none runs. */
async function admin(dbPath: string, args: string[]): Promise<AdminResult> {
  const file = adminFilePath(dbPath);
  if (existsSync(file)) {
    const a = JSON.parse(readFileSync(file, 'utf8')) as AdminFile;
    try {
      const res = await fetch(a.adminUrl, { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
      if (res.status !== 200) return { code: 1, lines: [`backend refused: ${res.status} ${await res.text()}`] };
      return (await res.json()) as AdminResult;
    } catch {
      // A stale file from a server that died: the database is ours to open.
      rmSync(file, { force: true });
    }
  }
  let backend: Backend;
  try {
    backend = Backend.open({ dbPath });
  } catch (err) {
    return { code: 1, lines: [`cannot open ${dbPath}: ${(err as Error).message}`] };
  }
  try {
    return runAdmin(backend, args);
  } finally {
    backend.stop();
  }
}
