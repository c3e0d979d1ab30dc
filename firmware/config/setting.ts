import type { z } from 'zod';
import { checkSetConfigWith, checkSettingWith, type SettingChecker } from '../../protocol/set-config.ts';
import { ConfigSchema } from './schema.ts';

/**
 * One setting of the config by its dotted path (`pos.maxSaleCents`), as the
 * remote command set-config names it: whether the schema has such a setting,
 * and whether a value fits it on its own. Rules that tie settings together
 * (minSaleCents ≤ maxSaleCents …) need the whole config and stay with the
 * full check (parseConfig). The backend's admin makes the same check against
 * protocol/config.schema.json (backend/config-check.ts); protocol/set-config.ts
 * holds what the two share.
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

/** How `value` fits the setting at `path`, by the terminal's own zod schema. */
export const zodSettingFit: SettingChecker = (path, value) => {
  const schema = settingSchema(path);
  if (schema === null) return { kind: 'unknown' };
  const r = schema.safeParse(value);
  if (r.success) return { kind: 'fits' };
  const issue = r.error.issues[0];
  return { kind: 'wrong', path: issue.path, message: issue.message };
};

/** Null when `value` may stand at the dotted `key`; else one line saying what is wrong. */
export const checkSetting = (key: string, value: unknown): string | null => checkSettingWith(zodSettingFit, key, value);

/** The whole check of a set-config command (key, JSON text of the value): null when it may be sent. */
export const checkSetConfig = (key: string, valueJson: string): string | null =>
  checkSetConfigWith(zodSettingFit, key, valueJson);

export { LIST_REQUEST_KEYS, requestedList, type RequestedList } from '../../protocol/set-config.ts';
