import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `node bin/onecard.js …` as a person would run it, stdin closed; resolves when it exits. */
export const ONECARD = fileURLToPath(new URL('../../../bin/onecard.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ONECARD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stack trace's frame lines: never shown for a user's mistake. */
export const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;
