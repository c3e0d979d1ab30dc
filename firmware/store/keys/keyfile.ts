import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sealed } from '../../core/sealed.ts';
import { writeFileDurable } from '../durable-file.ts';

/**
 * The three AES-128 master keys every card key is diversified from. Kept in
 * their own file, apart from the config, so the config can be shown, copied
 * and diffed without exposing the fleet.
 *
 * Objects returned here print as "[redacted]" through JSON.stringify,
 * util.inspect (console.log) and String(): an accidental log line must not
 * leak them. The byte arrays themselves are plain data — never log them.
 */
// One definition, owned by the card application that uses the keys.
export type { MasterKeys } from '../../card/keys.ts';
import type { MasterKeys } from '../../card/keys.ts';
import { keyRingProblem, sharedMacProblem, type KeyRing, type KeySet } from '../../card/key-ring.ts';

export const MASTER_KEY_NAMES = ['cardKeyA', 'cardKeyB', 'cardMac'] as const;
export type MasterKeyName = (typeof MASTER_KEY_NAMES)[number];

/**
 * 2 holds key versions (current + previous, for a re-keying rollover). 1 held a
 * single unnumbered set: still read, as key version 1 with no previous set.
 */
export const KEY_FILE_VERSION = 2;
const KEY_FILE_VERSION_SINGLE_SET = 1;
/** What a version-1 file's keys are called once versions exist. */
export const FIRST_KEY_VERSION = 1;
/** AES-128. */
export const MASTER_KEY_BYTES = 16;
/** A key file is ~150 bytes; anything much bigger is the wrong file. */
const KEY_FILE_MAX_BYTES = 4096;
/** Group and other bits: a key file readable by anyone but its owner is refused. */
const GROUP_OTHER_BITS = 0o077;
const KEY_HEX = /^[0-9a-fA-F]{32}$/;

const REDACTED_JSON = '[master keys redacted]';
const REDACTED_TEXT = 'MasterKeys [redacted]';

/** Wraps three 16-byte keys in a frozen object that refuses to print them. */
export function masterKeys(keys: Record<MasterKeyName, Uint8Array>): MasterKeys {
  const out: Record<string, unknown> = {};
  for (const name of MASTER_KEY_NAMES) {
    const key = keys[name];
    if (!(key instanceof Uint8Array) || key.length !== MASTER_KEY_BYTES) {
      throw new Error(`master key ${name} must be ${MASTER_KEY_BYTES} bytes`);
    }
    // A plain Uint8Array copy: Buffer's inspect would print the bytes as hex.
    out[name] = new Uint8Array(key);
  }
  return sealed(out, REDACTED_JSON, REDACTED_TEXT) as unknown as MasterKeys;
}

/**
 * Reads and checks the key file. Refuses, with the file name and the problem
 * but never any key material, a file that others may read, that is not JSON,
 * or whose keys are not 32 hex characters.
 */
export function loadKeyFile(path: string): MasterKeys {
  return loadKeyRing(path).current.keys;
}

/** Reads the key file with all its key versions (a version-1 file is key version 1 alone). */
export function loadKeyRing(path: string): KeyRing {
  const text = readPrivateFile(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, which is key material: say only where.
    throw new Error(`key file ${path}: not valid JSON`);
  }
  return parseKeyFile(path, raw);
}

/** Writes a key file holding one set, as key version 1, readable and writable by its owner only. */
export function writeKeyFile(path: string, keys: MasterKeys): void {
  writeKeyRing(path, { current: { keyVersion: FIRST_KEY_VERSION, keys }, previous: null });
}

/** Writes the key file with its key versions durably, readable and writable by its owner only. */
export function writeKeyRing(path: string, ring: KeyRing): void {
  const problem =
    keyRingProblem(ring.current.keyVersion, ring.previous?.keyVersion ?? null) ??
    sharedMacProblem(ring.current.keys, ring.previous?.keys ?? null);
  if (problem !== null) throw new Error(`key file ${path}: ${problem}`);
  const setJson = (set: KeySet) => ({ keyVersion: set.keyVersion, keys: hexKeysOf(path, set.keys) });
  const body: Record<string, unknown> = { version: KEY_FILE_VERSION, current: setJson(ring.current) };
  if (ring.previous !== null) body.previous = setJson(ring.previous);
  writeFileDurable(path, `${JSON.stringify(body, null, 2)}\n`, 0o600);
}

function hexKeysOf(path: string, keys: MasterKeys): Record<string, string> {
  const hexKeys: Record<string, string> = {};
  for (const name of MASTER_KEY_NAMES) {
    const key = keys[name];
    if (!(key instanceof Uint8Array) || key.length !== MASTER_KEY_BYTES) {
      throw new Error(`key file ${path}: master key ${name} must be ${MASTER_KEY_BYTES} bytes`);
    }
    hexKeys[name] = Buffer.from(key).toString('hex');
  }
  return hexKeys;
}

/**
 * Deterministic keys for the simulator: first 16 bytes of
 * SHA-256("onecard-sim-master/<name>/<seed>"). Never for a real fleet.
 */
export function deriveSimMasterKeys(seed: number): MasterKeys {
  if (!Number.isSafeInteger(seed)) throw new Error(`simulator key seed must be an integer, got ${seed}`);
  const keys = {} as Record<MasterKeyName, Uint8Array>;
  for (const name of MASTER_KEY_NAMES) {
    const digest = createHash('sha256').update(`onecard-sim-master/${name}/${seed}`, 'utf8').digest();
    keys[name] = digest.subarray(0, MASTER_KEY_BYTES);
  }
  return masterKeys(keys);
}

/**
 * The simulator's next key version after `previous`: new card keys A and B from `seed`, the same
 * `cardMac` (a rollover keeps the data-MAC key: sharedMacProblem). Never for a real fleet.
 */
export function deriveSimRolloverKeys(seed: number, previous: MasterKeys): MasterKeys {
  const next = deriveSimMasterKeys(seed);
  return masterKeys({ cardKeyA: next.cardKeyA, cardKeyB: next.cardKeyB, cardMac: previous.cardMac });
}

/** Opens first and checks the open file, so the file checked is the file read. */
export function readPrivateFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new Error(`key file ${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`key file ${path}: not a regular file`);
    // Windows has no POSIX mode bits; its ACLs are the installer's job there.
    if (process.platform !== 'win32' && (stat.mode & GROUP_OTHER_BITS) !== 0) {
      const modeText = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(`key file ${path}: mode ${modeText} lets group/other access it; run: chmod 600 ${path}`);
    }
    if (stat.size > KEY_FILE_MAX_BYTES) {
      throw new Error(`key file ${path}: ${stat.size} bytes is too big for a key file (limit ${KEY_FILE_MAX_BYTES})`);
    }
    const buf = Buffer.alloc(KEY_FILE_MAX_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    buf.fill(0);
    return text;
  } finally {
    closeSync(fd);
  }
}

type Fail = (problem: string) => never;

function parseKeyFile(path: string, raw: unknown): KeyRing {
  const fail: Fail = (problem) => {
    throw new Error(`key file ${path}: ${problem}`);
  };
  if (!isPlainObject(raw)) return fail('expected a JSON object');
  if (raw.version === KEY_FILE_VERSION_SINGLE_SET) {
    // Compat: the single set every terminal had before key versions.
    return { current: { keyVersion: FIRST_KEY_VERSION, keys: parseKeys(fail, raw.keys, 'keys') }, previous: null };
  }
  if (raw.version !== KEY_FILE_VERSION) {
    const got = typeof raw.version === 'number' ? String(raw.version) : typeof raw.version;
    return fail(`version must be ${KEY_FILE_VERSION} (or ${KEY_FILE_VERSION_SINGLE_SET}), got ${got}`);
  }
  for (const name of Object.keys(raw)) {
    if (!['version', 'current', 'previous'].includes(name)) fail(`unknown field "${name}"`);
  }
  const current = parseKeySet(fail, raw.current, 'current');
  const previous = raw.previous === undefined ? null : parseKeySet(fail, raw.previous, 'previous');
  const problem =
    keyRingProblem(current.keyVersion, previous?.keyVersion ?? null) ??
    sharedMacProblem(current.keys, previous?.keys ?? null);
  if (problem !== null) return fail(problem);
  return { current, previous };
}

function parseKeySet(fail: Fail, raw: unknown, label: string): KeySet {
  if (!isPlainObject(raw)) return fail(`"${label}" must be an object with keyVersion and keys`);
  const keyVersion = raw.keyVersion;
  if (typeof keyVersion !== 'number' || !Number.isSafeInteger(keyVersion) || keyVersion < 1) {
    return fail(`${label}.keyVersion must be a positive integer`);
  }
  return { keyVersion, keys: parseKeys(fail, raw.keys, `${label}.keys`) };
}

function parseKeys(fail: Fail, keys: unknown, label: string): MasterKeys {
  if (!isPlainObject(keys)) return fail(`"${label}" must be an object`);
  for (const name of Object.keys(keys)) {
    // Names are not secret; values are, so only names appear in messages.
    if (!(MASTER_KEY_NAMES as readonly string[]).includes(name))
      fail(`unknown key "${name}" (expected ${MASTER_KEY_NAMES.join(', ')})`);
  }
  const bytes = {} as Record<MasterKeyName, Uint8Array>;
  for (const name of MASTER_KEY_NAMES) {
    const value = keys[name];
    if (value === undefined) return fail(`${label}.${name} is missing`);
    if (typeof value !== 'string')
      return fail(`${label}.${name} must be a string of 32 hex characters, got ${typeof value}`);
    if (!KEY_HEX.test(value)) {
      const nonHex = value.length === 32 ? ' with non-hex ones' : '';
      return fail(
        `${label}.${name} must be 32 hex characters (${MASTER_KEY_BYTES} bytes), got ${value.length} characters${nonHex}`,
      );
    }
    bytes[name] = Buffer.from(value, 'hex');
  }
  const result = masterKeys(bytes);
  // masterKeys copied them; don't leave key bytes behind in Buffer's shared pool.
  for (const name of MASTER_KEY_NAMES) bytes[name].fill(0);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
