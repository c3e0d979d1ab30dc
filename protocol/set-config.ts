import { fieldPath } from './field-path.ts';

/**
 * The remote command `set-config <key> <json>` (PROTOCOL.md §6.9): one setting
 * of the terminal config by its dotted path (`pos.maxSaleCents`), or one of the
 * keys that ask the backend for a list again. The terminal checks a setting
 * against its zod schema, the backend's admin against protocol/config.schema.json
 * before it queues the command; both through checkSetConfigWith, so the two say
 * the same thing. Rules that tie settings together (minSaleCents ≤ maxSaleCents …)
 * need the whole config and stay with the full check.
 */

/** set-config keys that are not settings: they ask the backend for a list again, the value a JSON list name. */
export const LIST_REQUEST_KEYS: readonly string[] = ['sync.pull', 'sync.resync'];
export type RequestedList = 'blacklist' | 'credits';

/** The list a `sync.pull` / `sync.resync` value names, or null. */
export function requestedList(value: unknown): RequestedList | null {
  return value === 'blacklist' || value === 'credits' ? value : null;
}

/** How a value fits the setting at a path: no such setting, fits, or the first issue inside the value. */
export type SettingFit =
  | { kind: 'unknown' }
  | { kind: 'fits' }
  | { kind: 'wrong'; path: readonly PropertyKey[]; message: string };
export type SettingChecker = (path: readonly string[], value: unknown) => SettingFit;

/** Null when `value` may stand at the dotted `key`; else one line saying what is wrong. */
export function checkSettingWith(fit: SettingChecker, key: string, value: unknown): string | null {
  const path = key.split('.');
  if (path.some((p) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(p))) return `"${key}" is not a dotted path of setting names`;
  const r = fit(path, value);
  if (r.kind === 'unknown') return `no setting "${key}" in the terminal config`;
  if (r.kind === 'fits') return null;
  const inner = fieldPath(r.path);
  const at = inner === '(root)' ? '' : inner.startsWith('[') ? inner : `.${inner}`;
  return `${key}${at}: ${r.message}`;
}

/** The whole check of a set-config command (key, JSON text of the value): null when it may be sent. */
export function checkSetConfigWith(fit: SettingChecker, key: string, valueJson: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(valueJson);
  } catch {
    return `set-config ${key}: value ${JSON.stringify(valueJson)} is not JSON`;
  }
  if (LIST_REQUEST_KEYS.includes(key))
    return requestedList(value) === null ? `set-config ${key}: value must be "blacklist" or "credits"` : null;
  const wrong = checkSettingWith(fit, key, value);
  return wrong === null ? null : `set-config ${wrong}`;
}
