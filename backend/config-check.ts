import { readFileSync } from 'node:fs';
import { checkJson, schemaAt, type JsonSchema } from '../base/json-schema-check.ts';
import { fieldPath } from '../protocol/field-path.ts';
import { checkSetConfigWith, type SettingChecker } from '../protocol/set-config.ts';

/**
 * The admin's checks of a config before it is queued (CONFIG_PUSH, set-config),
 * against the published schema (protocol/config.schema.json, generated from the
 * terminal's own and kept current by a test): the backend needs nothing of the
 * terminal's code. The rules that tie settings together (minSaleCents ≤
 * maxSaleCents, known class ids, unique menu codes) have no JSON Schema form:
 * the terminal checks them when the push arrives and its refusal, naming the
 * field, is what `config show` prints.
 */
const SCHEMA_FILE = new URL('../protocol/config.schema.json', import.meta.url);
let loaded: JsonSchema | null = null;
/** Read once, on first use: a backend that never checks a config never reads it. */
function configSchema(): JsonSchema {
  loaded ??= JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
  return loaded;
}

/** Null when the schema takes `raw`; else `<source>: invalid field "<path>": <what>`, as the terminal says it. */
export function configIssue(raw: unknown, source: string): string | null {
  const issue = checkJson(configSchema(), raw);
  if (issue === null) return null;
  return `${source}: invalid field "${fieldPath(issue.path)}": ${issue.message}`;
}

const schemaSettingFit: SettingChecker = (path, value) => {
  const schema = schemaAt(configSchema(), path);
  if (schema === null) return { kind: 'unknown' };
  const issue = checkJson(schema, value);
  return issue === null ? { kind: 'fits' } : { kind: 'wrong', path: issue.path, message: issue.message };
};

/** The whole check of a set-config command (key, JSON text of the value): null when it may be queued. */
export const checkSetConfig = (key: string, valueJson: string): string | null =>
  checkSetConfigWith(schemaSettingFit, key, valueJson);
