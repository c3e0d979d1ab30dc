import { Low, type Adapter } from 'lowdb';
import { readFileIfExists, writeFileDurable } from './durable-file.ts';

/**
 * Turns raw JSON into a checked value, or throws an Error whose message says
 * what is wrong (the file name is added here). A zod schema's `parse` fits.
 */
export type ParseFn<T> = (raw: unknown) => T;

/**
 * Small state (config, counters that are not money) rarely exceeds a few KiB;
 * anything bigger is the wrong file or a runaway writer, and lowdb holds it all
 * in memory anyway.
 */
export const DURABLE_JSON_MAX_BYTES = 1024 * 1024;

/**
 * A lowdb 7 adapter that writes durably (tmp + fsync + rename + dir fsync) and
 * validates on both read and write, so a bad value never reaches the disk and
 * a bad file never reaches the program. A failed read or write leaves the file
 * as it was.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly parse: ParseFn<T>,
    private readonly mode?: number,
  ) {}

  async read(): Promise<T | null> {
    const bytes = readFileIfExists(this.path);
    if (bytes === undefined) return null;
    if (bytes.length > DURABLE_JSON_MAX_BYTES) {
      throw new Error(`${this.path}: ${bytes.length} bytes is more than the ${DURABLE_JSON_MAX_BYTES} allowed`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new Error(`${this.path}: not valid JSON (${(err as Error).message})`);
    }
    return this.check(raw, 'invalid content');
  }

  async write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    // Validate what will actually be read back (after JSON drops undefined,
    // functions, Dates become strings...), not the in-memory object.
    this.check(JSON.parse(text), 'refusing to write');
    if (Buffer.byteLength(text) > DURABLE_JSON_MAX_BYTES) {
      throw new Error(
        `${this.path}: refusing to write ${Buffer.byteLength(text)} bytes (limit ${DURABLE_JSON_MAX_BYTES})`,
      );
    }
    writeFileDurable(this.path, text, this.mode);
  }

  private check(raw: unknown, what: string): T {
    try {
      return this.parse(raw);
    } catch (err) {
      throw new Error(`${this.path}: ${what}: ${(err as Error).message}`);
    }
  }
}

/**
 * Opens a lowdb database on a durable adapter and reads it. Use this instead
 * of JSONFilePreset: the preset silently swaps in an in-memory adapter when
 * NODE_ENV=test, so tests would never touch the file (docs/dependencies.md).
 */
export async function openDurableLow<T>(path: string, parse: ParseFn<T>, defaults: T, mode?: number): Promise<Low<T>> {
  const db = new Low<T>(new DurableJsonFile(path, parse, mode), defaults);
  await db.read();
  return db;
}
