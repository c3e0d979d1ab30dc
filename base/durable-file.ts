import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Whole-file replacement that survives a power cut: after `writeFileDurable`
 * returns, the file holds the new bytes; if power fails before, it holds the
 * old bytes — never a mix, never empty.
 *
 * Why each step (lowdb's steno does only the rename, see docs/dependencies.md):
 * - write a temp file beside the target: rename is atomic only within one
 *   file system, and readers never see a half-written target;
 * - fsync the temp file: otherwise ext4 may commit the rename before the data
 *   and leave a zero-length file after a crash;
 * - rename over the target;
 * - fsync the directory: the rename itself lives in the directory, and is not
 *   durable until the directory is.
 */
export function writeFileDurable(path: string, data: string | Uint8Array, mode?: number): void {
  const tmpPath = tempPathFor(path);
  // A temp file left by an earlier crash may carry other permissions; start clean
  // so `mode` (e.g. 0o600 for keys) holds from the first byte written.
  removeIfExists(tmpPath);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmpPath, 'wx', mode ?? 0o666);
  try {
    // The umask can only remove bits; fchmod makes the requested mode exact.
    if (mode !== undefined) fchmodSync(fd, mode);
    writeAll(fd, bytes);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    removeIfExists(tmpPath);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmpPath, path);
  } catch (err) {
    removeIfExists(tmpPath);
    throw err;
  }
  fsyncDirectory(dirname(path));
}

/** The file's bytes, or undefined when it does not exist (any other error is thrown). */
export function readFileIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Makes entries created, renamed or removed in `dirPath` durable. Windows
 * cannot open a directory for fsync and its rename is journaled by NTFS, so
 * it is skipped there; everywhere else a failure is an error worth knowing.
 */
export function fsyncDirectory(dirPath: string): void {
  if (process.platform === 'win32') return;
  fsyncPath(dirPath);
}

/**
 * fsync through a descriptor of our own, read-only: Linux writes back a file's
 * dirty pages whichever descriptor asks (the journal fsyncs SQLite's -wal so).
 */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `<path>.tmp`: in the same directory, hence on the same file system, as the target. */
export function tempPathFor(path: string): string {
  return `${path}.tmp`;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  // writeSync may write fewer bytes than asked (signals, full pipes); loop until done.
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
