import { existsSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AdminResult } from './admin.ts';

/**
 * How a command on this machine finds the running backend of a database: the
 * server leaves FILE.admin.json (mode 0600) beside the database with its
 * loopback admin URL and a token, so whoever may read the database may
 * command it — and nobody passes the token, or any key, on a command line.
 */
export interface AdminFile {
  adminUrl: string;
  token: string;
  pid: number;
}

export function adminFilePath(dbPath: string): string {
  return `${dbPath}.admin.json`;
}

/**
 * Where the backend's database lives when --db is not given: the user's data
 * folder, never the working directory — the file holds the master key every
 * terminal key derives from, and must not land in a repository by accident.
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'onecard', 'backend.db');
}

/** The running server's answer, or null when no server runs on this database (a stale file is removed). */
export async function askRunningBackend(dbPath: string, args: string[]): Promise<AdminResult | null> {
  const file = adminFilePath(dbPath);
  if (!existsSync(file)) return null;
  let a: AdminFile;
  try {
    a = JSON.parse(readFileSync(file, 'utf8')) as AdminFile;
  } catch {
    return { code: 1, lines: [`${file}: not readable as the backend's admin file`] };
  }
  try {
    const res = await fetch(a.adminUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    if (res.status !== 200) return { code: 1, lines: [`backend refused: ${res.status} ${await res.text()}`] };
    return (await res.json()) as AdminResult;
  } catch {
    // A stale file from a server that died: the database is the caller's to open.
    rmSync(file, { force: true });
    return null;
  }
}
