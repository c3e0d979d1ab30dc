import { Low } from 'lowdb';
import { DurableJsonFile } from '../store/lowdb-durable-adapter.ts';
import { ConfigError, parseConfig, type TerminalConfig } from './schema.ts';

/**
 * The config file through lowdb, with our durable adapter (lowdb's own does
 * not fsync) and the schema on every read and write: a broken file is refused
 * with the field that is wrong, and the terminal keeps the file it had.
 */
export async function openConfig(path: string): Promise<Low<TerminalConfig>> {
  const db = new Low<TerminalConfig>(
    new DurableJsonFile(path, (raw) => parseConfig(raw, 'config'), 0o600),
    null as unknown as TerminalConfig,
  );
  try {
    await db.read();
  } catch (e) {
    throw new ConfigError(fieldOf((e as Error).message), (e as Error).message);
  }
  if (db.data === null || db.data === undefined) throw new ConfigError('(file)', `${path}: no config file`);
  return db;
}

function fieldOf(message: string): string {
  return /invalid field "([^"]+)"/.exec(message)?.[1] ?? '(file)';
}
