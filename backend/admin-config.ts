import { readFileSync } from 'node:fs';
import type { AdminResult } from './admin.ts';
import { configIssue } from './config-check.ts';
import { configTooBig } from './configs.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend config push|show`: config versions per terminal
 * (PROTOCOL.md §6.8, backend/configs.ts). The backend numbers a
 * pushed document after checking it as the terminal will (the published schema,
 * and the terminal id it is for), so a broken file is refused here and never
 * queued; the terminal checks again (what its installer set for this box is
 * known there only) and its answer (applied, rejected with the field that is
 * wrong, stale) is what `config show` prints.
 *
 * The file is read by the CLI process (readConfigFileArg), never by the
 * server: the admin command may run in a server started elsewhere, and a
 * relative path means the admin's directory. The document then travels as
 * the last argument: `config push <terminal> <file> <body>`.
 */
export const CONFIG_HELP = [
  '  config push <terminal> <file.json>   number a whole terminal config and push it (now if online, else at its next session)',
  '  config show <terminal>         config versions pushed to a terminal and its answers',
];

const usage = (): AdminResult => ({
  code: 2,
  lines: ['usage: onecard backend config push <terminal> <file.json> | config show <terminal>'],
});

function terminalId(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= 0xffff_ffff ? Number(s) : null;
}

/** CLI side: appends the file's text to `config push <terminal> <file>`; returns an error line when it cannot be read. */
export function readConfigFileArg(args: string[]): string | null {
  if (args[0] !== 'config' || args[1] !== 'push' || args.length !== 4) return null;
  try {
    args.push(readFileSync(args[3], 'utf8'));
    return null;
  } catch (err) {
    return `error: cannot read ${args[3]}: ${(err as Error).message}`;
  }
}

/** `args` after `config`. */
export function configAdmin(b: Backend, args: string[]): AdminResult {
  const [sub, t, file, body] = args;
  const terminal = terminalId(t);
  if (terminal === null) return usage();
  if (sub === 'push' && file !== undefined && body !== undefined && args.length === 4) {
    const wrong = checkDocument(body, terminal, file);
    if (wrong !== null) return { code: 1, lines: [`${wrong}; nothing queued`] };
    const r = b.pushConfig(terminal, body);
    const online = b.connected().has(terminal);
    const where = r.sent
      ? 'sent'
      : online
        ? 'queued: sent at its next STATUS if it offers config push'
        : 'queued until it connects';
    return { code: 0, lines: [`config v${r.version} (corr ${r.corrId}, ${file}) for terminal ${terminal}: ${where}`] };
  }
  if (sub === 'show' && args.length === 2) return show(b, terminal);
  return usage();
}

/** Null when `body` is a config the terminal would take; else what is wrong with it. */
function checkDocument(body: string, terminal: number, file: string): string | null {
  const tooBig = configTooBig(body);
  if (tooBig !== null) return `${file}: ${tooBig}`;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return `${file}: not valid JSON (${(err as Error).message})`;
  }
  const wrong = configIssue(raw, file);
  if (wrong !== null) return wrong;
  // The schema has checked terminal.id is an integer.
  const id = (raw as { terminal: { id: number } }).terminal.id;
  return id === terminal ? null : `${file}: terminal.id is ${id}, not ${terminal}`;
}

function show(b: Backend, terminal: number): AdminResult {
  const reported = b.configs.reportedVersion(terminal);
  const online = b.connected().has(terminal) ? 'online' : 'offline';
  const head = `terminal ${terminal}: ${reported === null ? 'no STATUS yet' : `config v${reported} in force (last STATUS)`}, ${online}`;
  const rows = b.configs.history(terminal);
  if (rows.length === 0) return { code: 0, lines: [head, '  no config pushed'] };
  return {
    code: 0,
    lines: [
      head,
      ...rows.map((r) => {
        const answer = r.inForce !== null ? ` (v${r.inForce} in force)` : '';
        return `  v${r.version} corr ${r.corrId} pushed ${new Date(r.createdMs).toISOString()}: ${r.status}${answer}${r.problem ? `: ${r.problem}` : ''}`;
      }),
    ],
  };
}
