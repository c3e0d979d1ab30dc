import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK, parseOrExit, refuse, type CliIo, type CommandSpec } from '../../base/cli-args.ts';
import { silentLogger } from '../../base/log.ts';
import { parseKeyText } from '../../backend/admin-keys.ts';
import { Journal } from '../../firmware/store/journal/journal.ts';
import { readPrivateFile } from '../../firmware/store/keys/keyfile.ts';
import { type KeyGeneration, SyncKeyStore } from '../../firmware/store/keys/sync-key.ts';
import { SyncState } from '../../firmware/sync/sync-state.ts';
import { readConfigFile } from '../config/config-file.ts';
import { exportJournal } from './export.ts';

/**
 * `onecard journal export --config FILE --out FILE [--data DIR]`: the records a terminal that cannot reach
 * its backend still holds, to a file carried by hand (`onecard backend import FILE` takes it). Run with the
 * service stopped: the journal has one owner.
 */
export const EXPORT: CommandSpec = {
  command: 'onecard journal export',
  summary:
    'Writes the unacknowledged journal to FILE (0600) with its hash chain and the terminal MAC, ' +
    'for `onecard backend import`. Stop the terminal service first.',
  options: [
    { name: 'config', value: 'FILE', help: "the terminal's config (its id, key file and data dir)" },
    { name: 'data', value: 'DIR', help: "the terminal's data dir, when not the config's (a copied SD card)" },
    { name: 'out', value: 'FILE', help: 'the export to write (e.g. on a USB stick)' },
  ],
};

/** A progress line on stderr every this many records: 10,000 take a few seconds on a Pi's SD card. */
export const EXPORT_PROGRESS_EVERY = 10_000;

const systemNowMs = () => Date.now(); // the composition root: the export's time is wall time

export function journalMain(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out('usage: onecard journal export --config FILE --out FILE [--data DIR]   (--help for its options)');
    return EXIT_OK;
  }
  if (sub !== 'export') return refuse(io.err, `onecard journal: unknown command "${sub ?? ''}" (export)`);
  const p = parseOrExit(EXPORT, rest, io);
  if (typeof p === 'number') return p;
  const { config: configPath, out, data } = p.options as { config?: string; out?: string; data?: string };
  if (configPath === undefined || out === undefined)
    return refuse(io.err, 'onecard journal export: --config FILE and --out FILE are required (--help)');
  const read = readConfigFile(configPath);
  if (!read.ok) return refuse(io.err, read.message);
  const c = read.config;
  if (!c.backend)
    return refuse(io.err, `${configPath}: no backend section: the export is signed with backend.terminalKeyFile`);
  const dataDir = data ?? c.storage.dataDir;
  const journalPath = join(dataDir, 'journal.db');
  if (!existsSync(journalPath)) return refuse(io.err, `no journal at ${journalPath} (--data DIR?)`);
  const key = terminalKey(c.backend.terminalKeyFile, dataDir);
  if ('error' in key) return refuse(io.err, key.error);
  let journal: Journal;
  try {
    journal = Journal.open({ path: journalPath, clock: { nowMs: systemNowMs }, log: silentLogger });
  } catch (e) {
    return refuse(
      io.err,
      `cannot open ${journalPath} (is the terminal service running? stop it first): ${(e as Error).message}`,
    );
  }
  try {
    const r = exportJournal({
      journal,
      terminalId: c.terminal.id,
      keyId: key.keyId,
      terminalKey: key.key,
      utcOffsetMinutes: c.terminal.utcOffsetMinutes,
      outPath: out,
      nowMs: systemNowMs(),
      progressEvery: EXPORT_PROGRESS_EVERY,
      progress: io.err,
    });
    if (r.kind === 'failed') return refuse(io.err, r.message);
    if (r.kind === 'nothing') {
      io.out('nothing to export: the backend has acknowledged every record');
      return EXIT_OK;
    }
    io.out(
      `exported records ${r.fromSeq}..${r.end.lastSeq} (${r.end.records}) of terminal ${c.terminal.id} to ${out}; ` +
        `import with: onecard backend import ${out}`,
    );
    return EXIT_OK;
  } finally {
    journal.close();
  }
}

/**
 * The key the backend holds now: the sync state's current generation once the terminal has synced (a
 * rotation replaces the key file's), else the key file's. Messages name files, never key bytes.
 */
function terminalKey(keyFile: string, dataDir: string): KeyGeneration | { error: string } {
  let text: string;
  try {
    text = readPrivateFile(keyFile);
  } catch (e) {
    return { error: `backend.terminalKeyFile: ${(e as Error).message}` };
  }
  const seed = parseKeyText(text);
  if (seed === null) return { error: `backend.terminalKeyFile: ${keyFile} holds no terminal key (N:HEX)` };
  const statePath = join(dataDir, 'sync.db');
  if (!existsSync(statePath)) return seed;
  let state: SyncState;
  try {
    state = SyncState.open({ path: statePath, log: silentLogger });
  } catch (e) {
    return {
      error: `cannot open ${statePath} (is the terminal service running? stop it first): ${(e as Error).message}`,
    };
  }
  try {
    return new SyncKeyStore(state, seed).current();
  } finally {
    state.close();
  }
}
