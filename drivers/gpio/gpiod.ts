/**
 * GPIO through the Linux GPIO character device, using libgpiod's command-line
 * tools (Debian package `gpiod`): no native addon to build for each Node
 * version. Inputs: one long-running `gpiomon` per line, its stdout parsed by
 * ./gpiomon-parser.ts, edges stamped by the kernel. Outputs: one `gpioset`
 * per line holding the level (a line driven through the character device
 * falls back to its default when the holding process exits); a new level
 * replaces that process once the old one has let go of the line.
 * Works on 1.6 (Raspberry Pi OS Bookworm) and 2.x (Trixie) tools.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { silentLogger, type Logger } from '../../base/log.ts';
import type { EdgeHandler, GpioLines, GpioOpenResult, Level } from './index.ts';
import { GPIOMON_FORMAT, type GpiodVersion, initialGpiomon, nextGpiomon } from './gpiomon-parser.ts';

/** The slice of node:child_process the backend uses, so tests hand in a fake. */
export interface Spawner {
  spawn(command: string, args: readonly string[]): ChildProcess;
  /** Runs a command to completion: its stdout, or an error message. */
  run(command: string, args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; message: string }>;
}

/** The tools' version from `gpiomon --version` ("gpiomon (libgpiod) v1.6.3" / "… v2.1"), or null. */
export function gpiodVersionOf(versionText: string): GpiodVersion | null {
  const m = /\bv(\d+)\.\d+/.exec(versionText);
  return m?.[1] === '1' ? 1 : m?.[1] === '2' ? 2 : null;
}

export function gpiomonArgs(version: GpiodVersion, chip: string, line: number): string[] {
  // 1.x buffers stdout on a pipe unless told (-b); 2.x flushes after each event.
  return version === 1
    ? ['-b', '-F', GPIOMON_FORMAT[1], chip, String(line)]
    : ['-c', chip, '-F', GPIOMON_FORMAT[2], String(line)];
}

export function gpiosetArgs(version: GpiodVersion, chip: string, line: number, level: Level): string[] {
  // 1.x exits at once unless told to hold (--mode=signal); 2.x holds until signalled.
  return version === 1 ? ['--mode=signal', chip, `${line}=${level}`] : ['-c', chip, `${line}=${level}`];
}

export interface GpiodOptions {
  /** Chip name as gpiodetect lists it; gpiochip0 is the header pins on a Pi 4, and on a Pi 5 since kernel 6.6.45. */
  chip: string;
  log?: Logger;
}

export async function openGpiod(spawner: Spawner, opts: GpiodOptions): Promise<GpioOpenResult> {
  const v = await spawner.run('gpiomon', ['--version']);
  if (!v.ok)
    return { ok: false, message: `gpiomon did not run (${v.message}): install the tools with "apt install gpiod"` };
  const version = gpiodVersionOf(v.stdout);
  if (version === null)
    return {
      ok: false,
      message: `unknown gpiomon version ${JSON.stringify(v.stdout.slice(0, 60))}: want libgpiod 1.x or 2.x`,
    };
  return { ok: true, lines: new GpiodLines(spawner, version, opts.chip, opts.log ?? silentLogger) };
}

class GpiodLines implements GpioLines {
  private readonly holders = new Map<number, Promise<ChildProcess>>();
  private readonly monitors = new Set<ChildProcess>();

  constructor(
    private readonly spawner: Spawner,
    private readonly version: GpiodVersion,
    private readonly chip: string,
    private readonly log: Logger,
  ) {}

  claimOutput(line: number, initial: Level): void {
    this.write(line, initial);
  }

  write(line: number, level: Level): void {
    const previous = this.holders.get(line);
    const next = (async () => {
      if (previous) await stop(await previous);
      const child = this.spawner.spawn('gpioset', gpiosetArgs(this.version, this.chip, line, level));
      child.on('error', (e) => this.log.error('gpio.gpioset-failed', { line, message: e.message }));
      return child;
    })();
    this.holders.set(line, next);
  }

  claimInput(line: number, onRaw: EdgeHandler): () => void {
    const child = this.spawner.spawn('gpiomon', gpiomonArgs(this.version, this.chip, line));
    this.monitors.add(child);
    let state = initialGpiomon;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const r = nextGpiomon(state, chunk, this.version);
      state = r.state;
      for (const item of r.items) {
        if (item.kind === 'garbled') this.log.warn('gpio.gpiomon-garbled', { line, text: item.text });
        else if (item.line === line) onRaw(item.timestampUs, item.level);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.monitors.delete(child)) this.log.error('gpio.gpiomon-exited', { line, code, signal });
    });
    child.on('error', (e) => this.log.error('gpio.gpiomon-failed', { line, message: e.message }));
    return () => {
      this.monitors.delete(child);
      child.kill('SIGTERM');
    };
  }

  async close(): Promise<void> {
    for (const child of this.monitors) child.kill('SIGTERM');
    this.monitors.clear();
    const holders = [...this.holders.values()];
    this.holders.clear();
    for (const h of holders) await stop(await h);
  }
}

/** Ends a holding process and waits until it has released its line. */
function stop(child: ChildProcess): Promise<void> {
  // Never started (ENOENT) or already gone: nothing holds the line.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The real processes. */
export const systemSpawner: Spawner = {
  spawn: (command, args) => spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] }),
  run: (command, args) =>
    new Promise((resolve) => {
      execFile(command, args, { timeout: RUN_TIMEOUT_MS }, (error, stdout) =>
        resolve(error ? { ok: false, message: error.message.split('\n')[0]! } : { ok: true, stdout }),
      );
    }),
};
/** `gpiomon --version` answers at once; a tool that hangs longer is broken, not slow. */
const RUN_TIMEOUT_MS = 5_000;
