import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import {
  EXIT_OK,
  EXIT_USAGE,
  parseOrExit,
  refuse,
  portValue,
  type CommandSpec,
  type OptionSpec,
} from '../base/cli-args.ts';
import { LOG_OPTIONS, openLog } from '../base/cli-log.ts';
import type { Logger } from '../base/log.ts';
import { writeFileDurable } from '../base/durable-file.ts';
import { readConfigFileArg } from './admin-config.ts';
import { adminFilePath, askRunningBackend, defaultDbPath, type AdminFile } from './admin-client.ts';
import { ADMIN_HELP, runAdmin, type AdminResult } from './admin.ts';
import { parseKeyText } from './admin-keys.ts';
import { POINTS_OPTIONS, pointsWords } from './admin-points.ts';
import { Backend } from './backend.ts';
import { COMMAND_UNANSWERED } from './commands.ts';
import { readCreditsFileArg } from './credit-import.ts';
import { readAdminFile } from './admin-file.ts';
import { CARD_CSV_BYTES_MAX } from './card-csv.ts';
import { EXPORT_FILE_BYTES_MAX } from './journal-import.ts';
import { BackendServer } from './server.ts';

/**
 * `onecard backend`: the reference backend as a process, and its admin
 * commands. Reached from app/main.ts by a dynamic import only.
 *
 *   onecard backend init [--db FILE]                                     create the database (and its master key)
 *   onecard backend [--port N] [--host H] [--tcp-port N] [--db FILE]     serve; prints its ws:// URL
 *   onecard backend card lost 1001 [--db FILE]                           an admin command (ADMIN_HELP)
 *
 * Only `init` creates a database: a mistyped --db must not become a new
 * backend with a new master key. An admin command goes to the running server
 * over its loopback admin endpoint (admin-client.ts) so the change reaches
 * connected terminals at once; with no server running it opens the database.
 */
/** `--wait`: a terminal online answers within a round trip or two; 30 s covers a reconnect after a blip. */
const COMMAND_WAIT_MS = 30_000;
/** How often `--wait` asks the server for the answer (a loopback request each time). */
const COMMAND_POLL_MS = 200;
export { adminFilePath } from './admin-client.ts';

const DB_OPTION: OptionSpec = {
  name: 'db',
  value: 'FILE',
  help: `the backend's database (default ${defaultDbPath()})`,
};
const PRIVATE_DIR_MODE = 0o700;

const SERVE: CommandSpec = {
  command: 'onecard backend',
  summary: 'Serves the reference backend: terminals over WebSocket (and raw TCP with --tcp-port); admin on loopback.',
  options: [
    { name: 'port', value: 'N', help: 'WebSocket port (default 0: any free port)', check: portValue(true) },
    {
      name: 'host',
      value: 'ADDR',
      help: 'address to listen on, an IP literal or localhost (default 127.0.0.1)',
      check: hostValue,
    },
    { name: 'tcp-port', value: 'N', help: 'also accept terminals over raw TCP on this port', check: portValue(true) },
    DB_OPTION,
    ...LOG_OPTIONS,
  ],
};

const INIT: CommandSpec = {
  command: 'onecard backend init',
  summary: 'Creates a new backend database (mode 0600) with a new random master key. Refuses an existing file.',
  options: [DB_OPTION],
};

function hostValue(text: string): string | { ok: string } {
  return isIP(text) !== 0 || text === 'localhost'
    ? { ok: text }
    : 'is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)';
}

/** Starts a server on the database and leaves the admin file beside it; `stop` removes it. */
export async function serveBackend(opts: {
  dbPath: string;
  host?: string;
  port?: number;
  tcpPort?: number;
  log?: Logger;
}): Promise<BackendServer> {
  const server = await BackendServer.start({
    dbPath: opts.dbPath,
    host: opts.host,
    port: opts.port,
    tcpPort: opts.tcpPort,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const file = adminFilePath(opts.dbPath);
  writeFileSync(
    file,
    JSON.stringify({ adminUrl: server.adminUrl, token: server.adminToken, pid: process.pid } satisfies AdminFile),
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);
  const stop = server.stop.bind(server);
  server.stop = async () => {
    rmSync(file, { force: true });
    await stop();
  };
  return server;
}

export async function backendMain(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void = out,
): Promise<number> {
  const io = { out, err };
  const [word, ...rest] = argv;
  if (word === 'help' || word === '--help' || word === '-h') {
    for (const l of backendHelp()) out(l);
    return EXIT_OK;
  }
  if (word === 'init') {
    const p = parseOrExit(INIT, rest, io);
    return typeof p === 'number' ? p : init((p.options.db as string | undefined) ?? defaultDbPath(), io);
  }
  if (word === undefined || word.startsWith('-')) {
    const p = parseOrExit(SERVE, argv, io);
    return typeof p === 'number' ? p : serve(p.options, io);
  }
  const spec = adminSpec(word);
  if (spec === null) return refuse(err, `onecard backend: unknown command "${word}" (onecard backend help)`);
  const p = parseOrExit(spec, argv, io);
  if (typeof p === 'number') return p;
  const dbPath = (p.options.db as string | undefined) ?? defaultDbPath();
  const args = [...p.operands, ...(word === 'points' ? pointsWords(p.options) : [])];
  // Checked before anything runs: `key rotate 101 --out f` must not rotate and then refuse.
  if (p.options.out !== undefined && (args.length !== 2 || args[1] === 'rotate' || args[1] === 'show')) {
    return refuse(err, `onecard backend ${word}: --out goes with \`key <terminal>\` or \`enrol <terminal>\` only`);
  }
  const csv = p.options.csv;
  if (typeof csv === 'string' && (args[1] !== 'register' || args.length !== 2))
    return refuse(err, `onecard backend ${word}: --csv goes with \`card register\` alone`);
  const unreadable =
    readConfigFileArg(args) ??
    readCreditsFileArg(args, (path) => readFileSync(path, 'utf8')) ??
    (typeof csv === 'string' ? readCardCsvArg(args, csv) : null) ??
    readExportArg(args);
  if (unreadable !== null) return refuse(err, unreadable);
  const r = await admin(dbPath, args);
  if (r.code !== EXIT_OK) {
    r.lines.forEach((l) => err(l));
    return r.code;
  }
  if (typeof p.options.out === 'string') return writeKeyOut(p.options.out, r, io);
  r.lines.forEach((l) => out(l));
  if (p.options.wait !== true || r.queuedCommand === undefined) return r.code;
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
  out(
    `no answer to command ${corrId} within ${COMMAND_WAIT_MS / 1000} s; it stays queued (onecard backend command show ${corrId})`,
  );
  return 1;
}

function backendHelp(): string[] {
  return [...SERVE_HELP_HEAD, ...ADMIN_HELP, `each takes --db FILE (default ${defaultDbPath()}) and --help`];
}
const SERVE_HELP_HEAD = [
  'usage: onecard backend init [--db FILE]        create a backend database (a new master key)',
  '       onecard backend [--port N] [--host ADDR] [--tcp-port N] [--db FILE] [--log-level L] [--log-file F]',
  '       onecard backend <admin command> [--db FILE]',
];

/** Each admin command parses its options through the same table; its help is its lines of ADMIN_HELP. */
function adminSpec(word: string): CommandSpec | null {
  const mine = ADMIN_HELP.filter((l) => l.trimStart().startsWith(`${word} `) || l.trim() === word);
  if (mine.length === 0) return null;
  // The two commands that print a key can put it in an owner-only file instead.
  const printsKey = word === 'key' || word === 'enrol';
  const out: OptionSpec = { name: 'out', value: 'FILE', help: 'write the key to FILE (0600) instead of stdout' };
  const csv: OptionSpec = { name: 'csv', value: 'FILE', help: 'register the cards listed in FILE (header: card)' };
  const wait: OptionSpec = { name: 'wait', help: `wait up to ${COMMAND_WAIT_MS / 1000} s for the terminal's answer` };
  if (word === 'points') return { ...adminCommand(word, mine), options: [DB_OPTION, ...POINTS_OPTIONS] };
  return {
    ...adminCommand(word, mine),
    options: printsKey
      ? [DB_OPTION, out]
      : word === 'command'
        ? [DB_OPTION, wait]
        : word === 'card'
          ? [DB_OPTION, csv]
          : [DB_OPTION],
  };
}

function adminCommand(word: string, mine: string[]): CommandSpec {
  return {
    command: `onecard backend ${word}`,
    summary: mine.map((l) => l.trim()).join('\n'),
    options: [DB_OPTION],
    operandsMin: 1,
    operandsMax: Number.MAX_SAFE_INTEGER,
  };
}

/** `card register --csv FILE`: the list's text goes with the command (the server may run elsewhere). */
function readCardCsvArg(args: string[], path: string): string | null {
  const file = readAdminFile(path, CARD_CSV_BYTES_MAX, (p) => readFileSync(p, 'utf8'));
  if ('error' in file) return file.error;
  args.push('--csv', path, file.text);
  return null;
}

/** `import FILE`: the export's text goes with the command, as a credits file's does. */
function readExportArg(args: string[]): string | null {
  if (args[0] !== 'import' || args.length !== 2) return null;
  const file = readAdminFile(args[1] as string, EXPORT_FILE_BYTES_MAX, (p) => readFileSync(p, 'utf8'));
  if ('error' in file) return file.error;
  args.push(file.text);
  return null;
}

/** `key <t> --out FILE`: the key goes to an owner-only file, never through the terminal's scrollback. */
function writeKeyOut(path: string, r: AdminResult, io: { out(l: string): void; err(l: string): void }): number {
  if (r.lines.length !== 1 || parseKeyText(r.lines[0]) === null) {
    return refuse(io.err, '--out is for `key <terminal>` and `enrol <terminal>`, which print one key');
  }
  try {
    writeFileDurable(path, `${r.lines[0]}\n`, 0o600);
  } catch (e) {
    io.err(`--out ${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return EXIT_USAGE;
  }
  io.out(`key written to ${path} (mode 0600)`);
  return EXIT_OK;
}

function missingDb(dbPath: string): string {
  return `no backend database at ${dbPath}; create one with: onecard backend init --db ${dbPath}`;
}

function init(dbPath: string, io: { out(l: string): void; err(l: string): void }): number {
  if (existsSync(dbPath))
    return refuse(io.err, `${dbPath} exists already; a backend is created once (its master key is inside)`);
  try {
    mkdirSync(dirname(dbPath), { recursive: true, mode: PRIVATE_DIR_MODE });
    Backend.open({ dbPath }).stop();
  } catch (e) {
    io.err(`cannot create ${dbPath}: ${(e as Error).message}`);
    return EXIT_USAGE;
  }
  io.out(`created backend database ${dbPath} (mode 0600, a new master key inside)`);
  io.out(`serve it with: onecard backend --db ${dbPath}`);
  return EXIT_OK;
}

async function serve(
  options: Record<string, unknown>,
  io: { out(l: string): void; err(l: string): void },
): Promise<number> {
  const dbPath = (options.db as string | undefined) ?? defaultDbPath();
  if (!existsSync(dbPath)) return refuse(io.err, missingDb(dbPath));
  const host = (options.host as string | undefined) ?? '127.0.0.1';
  const port = (options.port as number | undefined) ?? 0;
  const tcpPort = options['tcp-port'] as number | undefined;
  const logged = openLog(options, () => Date.now()); // a process's log lines carry wall time
  if ('error' in logged) return refuse(io.err, logged.error);
  let server: BackendServer;
  try {
    server = await serveBackend({ dbPath, host, port, ...(tcpPort !== undefined ? { tcpPort } : {}), log: logged.log });
  } catch (e) {
    logged.close();
    const problem = e as NodeJS.ErrnoException & { port?: number };
    // A listen error carries its syscall; anything else came from opening the database.
    io.err(
      problem.syscall ? listenProblem(problem, { host, port, tcpPort }) : `cannot open ${dbPath}: ${problem.message}`,
    );
    return EXIT_USAGE;
  }
  io.out(`onecard backend on ${server.url} (database ${dbPath})`);
  if (server.tcpPort !== null) io.out(`raw TCP terminals on ${host}:${server.tcpPort}`);
  io.out(`a simulated terminal: onecard sim --backend ${server.url} --terminal 101 --db ${dbPath}`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.stop();
  logged.close();
  io.out('backend stopped');
  return EXIT_OK;
}

/** One line naming the option behind a failed listen. */
function listenProblem(
  e: NodeJS.ErrnoException & { port?: number },
  at: { host: string; port: number; tcpPort?: number },
): string {
  const option = e.port !== undefined && e.port === at.tcpPort && e.port !== at.port ? '--tcp-port' : '--port';
  const portShown = option === '--tcp-port' ? at.tcpPort : at.port;
  switch (e.code) {
    case 'EADDRINUSE':
      return `${option} ${portShown}: ${at.host}:${portShown} is already in use (another backend running?)`;
    case 'EACCES':
      return `${option} ${portShown}: not allowed to listen on ${at.host}:${portShown} (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `--host ${at.host}: not an address of this machine`;
    default:
      return `cannot listen on ${at.host}: ${e.message}`;
  }
}

/** Sends the command to the running server, or runs it on the database when none runs. */
async function admin(dbPath: string, args: string[]): Promise<AdminResult> {
  const answer = await askRunningBackend(dbPath, args);
  if (answer) return answer;
  if (!existsSync(dbPath)) return { code: EXIT_USAGE, lines: [missingDb(dbPath)] };
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
