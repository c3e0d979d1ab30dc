import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseConfig, type TerminalConfig } from '../../firmware/config/schema.ts';
import { exampleFor } from './examples.ts';

/**
 * The terminal's one config file, as an installer writes it: JSON with `//`
 * comments (to the end of a line, outside strings; no block comments), so the
 * printed example can say what each setting is for. Relative paths in it are
 * taken from the file's own folder, not from wherever the service started.
 */
export type ConfigRead = { ok: true; config: TerminalConfig } | { ok: false; field: string; message: string };

/** Removes `//` comments outside JSON strings; everything else, line breaks included, is kept. */
export function stripLineComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out;
}

/** Where to look for the fix of a schema complaint (the field's role's example, else the config's role's). */
const fixFor = (field: string, raw: unknown) => `see \`onecard config example --role ${exampleFor(field, raw)}\``;

export function parseConfigText(text: string, source: string): ConfigRead {
  let raw: unknown;
  try {
    raw = JSON.parse(stripLineComments(text));
  } catch (e) {
    return { ok: false, field: '(file)', message: `${source}: not JSON with // comments: ${(e as Error).message}` };
  }
  try {
    return { ok: true, config: parseConfig(raw, source) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, field: e.field, message: `${e.message} (${fixFor(e.field, raw)})` };
  }
}

export function readConfigFile(path: string): ConfigRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, field: '(file)', message: `${path}: cannot read (${(e as NodeJS.ErrnoException).code})` };
  }
  const read = parseConfigText(text, path);
  if (!read.ok) return read;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dirname(path), p));
  const c = read.config;
  const storage = { dataDir: at(c.storage.dataDir), keyFile: at(c.storage.keyFile) };
  const backend = c.backend && { ...c.backend, terminalKeyFile: at(c.backend.terminalKeyFile) };
  return { ok: true, config: { ...c, storage, ...(backend ? { backend } : {}) } };
}
