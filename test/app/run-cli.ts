import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `node bin/onecard.js …` as a person would run it, stdin closed; resolves when it exits. */
export const ONECARD = fileURLToPath(new URL('../../bin/onecard.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `onecard ARGS` with `input` (default none) piped to its stdin, then stdin closed: never a terminal. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ONECARD, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input === undefined) child.stdin.end();
    else child.stdin.end(opts.input);
  });
}

/** A stack trace's frame lines: never shown for a user's mistake. */
export const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;

/** `onecard run --config FILE` as systemd starts it (stdin closed), its stdout watched for log events. */
export function startService(config: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [ONECARD, 'run', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  const seen: { event: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    for (const s of seen) if (stdout.includes(`"event":"${s.event}"`)) s.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once the service has logged `event` (or fails the test when it exits first). */
    logged: (event: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          if (stdout.includes(`"event":"${event}"`)) resolve();
          else seen.push({ event, resolve });
        }),
        exited.then((code) => assert.fail(`exited ${code} before ${event}: ${stderr}`)),
      ]),
  };
}

/** The JSON log lines of a service's stdout. */
export const events = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
