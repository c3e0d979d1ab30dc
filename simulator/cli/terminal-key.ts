import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readPrivateFile } from '../../firmware/store/keys/keyfile.ts';
import { writeFileDurable } from '../../firmware/store/durable-file.ts';
import { askRunningBackend } from '../../backend/admin-client.ts';
import { parseKeyText } from '../../backend/admin-keys.ts';

/**
 * Where `onecard sim --backend` gets its terminal key — never from the command
 * line, where every local user sees it in `ps`:
 *
 *   1. `--key-file FILE`: a file written by `onecard backend key <t> --out FILE` (0600, or refused);
 *   2. DIR/terminal.key of a terminal kept with `--data DIR`, written at its enrolment;
 *   3. the backend running on this machine's database, through its loopback
 *      admin endpoint (the token beside the database). With `--data DIR` this is
 *      the enrolment: the key is written to DIR/terminal.key for the next runs.
 *
 * After the first session the key lives in the terminal's sync state (0600),
 * which also follows key rotations; this seeds it.
 */
export interface TerminalKey {
  keyId: number;
  key: Uint8Array;
}

const DATA_KEY_FILE = 'terminal.key';

export async function terminalKey(o: {
  keyFile?: string;
  dataDir?: string;
  dbPath: string;
  terminalId: number;
}): Promise<TerminalKey | { error: string }> {
  if (o.keyFile !== undefined) return readKeyFile(o.keyFile);
  const kept = o.dataDir === undefined ? null : join(o.dataDir, DATA_KEY_FILE);
  if (kept !== null && existsSync(kept)) return readKeyFile(kept);
  const answer = await askRunningBackend(o.dbPath, ['key', String(o.terminalId)]);
  if (answer === null) {
    return {
      error:
        `no key for terminal ${o.terminalId}: no backend is running on ${o.dbPath} (start it, or give its --db), ` +
        `or write the key with \`onecard backend key ${o.terminalId} --out FILE\` and pass --key-file FILE`,
    };
  }
  const key = answer.code === 0 && answer.lines.length === 1 ? parseKeyText(answer.lines[0]) : null;
  if (!key) return { error: `the backend gave no key for terminal ${o.terminalId}: ${answer.lines.join(' ')}` };
  if (kept !== null) writeFileDurable(kept, `${answer.lines[0]}\n`, 0o600);
  return key;
}

function readKeyFile(path: string): TerminalKey | { error: string } {
  let text: string;
  try {
    text = readPrivateFile(path);
  } catch (e) {
    return { error: (e as Error).message };
  }
  // The message names the file, never its content (it is a key).
  return parseKeyText(text) ?? { error: `key file ${path}: not a terminal key (64 hex digits, or N:HEX)` };
}
