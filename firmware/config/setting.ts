import type { z } from 'zod';
import { ConfigSchema, fieldPath } from './schema.ts';

/**
 * One setting of the config by its dotted path (`pos.maxSaleCents`), as the
 * remote command set-config names it: whether the schema has such a setting,
 * and whether a value fits it on its own. Rules that tie settings together
 * (minSaleCents ≤ maxSaleCents …) need the whole config and stay with the
 * full check (parseConfig). Used by the terminal and, before it queues the
 * command, by the backend's admin.
 */
type Node = z.ZodType & { def: { type: string; innerType?: Node }; shape?: Record<string, Node> };

/** What a wrapper (default, optional, nullable) holds; the node itself otherwise. */
function unwrap(n: Node): Node {
  let at = n;
  while (at.def.innerType !== undefined && ['default', 'optional', 'nullable', 'prefault'].includes(at.def.type))
    at = at.def.innerType;
  return at;
}

/** The schema of the setting at `path`, or null when the config has no such setting. */
export function settingSchema(path: readonly string[]): z.ZodType | null {
  let at: Node = ConfigSchema as unknown as Node;
  for (const name of path) {
    const obj = unwrap(at);
    if (obj.def.type !== 'object' || !obj.shape || !Object.hasOwn(obj.shape, name)) return null;
    at = obj.shape[name];
  }
  return path.length === 0 ? null : at;
}

/** Null when `value` may stand at the dotted `key`; else one line saying what is wrong. */
export function checkSetting(key: string, value: unknown): string | null {
  const path = key.split('.');
  if (path.some((p) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(p))) return `"${key}" is not a dotted path of setting names`;
  const schema = settingSchema(path);
  if (schema === null) return `no setting "${key}" in the terminal config`;
  const r = schema.safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  const inner = fieldPath(issue.path);
  const at = inner === '(root)' ? '' : inner.startsWith('[') ? inner : `.${inner}`;
  return `${key}${at}: ${issue.message}`;
}

/**
 * set-config keys that are not settings: they ask the backend for a list
 * again (firmware/sync/commands.ts), the value a JSON list name.
 */
export const LIST_REQUEST_KEYS: readonly string[] = ['sync.pull', 'sync.resync'];
export type RequestedList = 'blacklist' | 'credits';

/** The list a `sync.pull` / `sync.resync` value names, or null. */
export function requestedList(value: unknown): RequestedList | null {
  return value === 'blacklist' || value === 'credits' ? value : null;
}

/** The whole check of a set-config command (key, JSON text of the value): null when it may be sent. */
export function checkSetConfig(key: string, valueJson: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(valueJson);
  } catch {
    return `set-config ${key}: value ${JSON.stringify(valueJson)} is not JSON`;
  }
  if (LIST_REQUEST_KEYS.includes(key))
    return requestedList(value) === null ? `set-config ${key}: value must be "blacklist" or "credits"` : null;
  const wrong = checkSetting(key, value);
  return wrong === null ? null : `set-config ${wrong}`;
}
