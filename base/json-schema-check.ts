/**
 * A small JSON Schema checker: the keywords protocol/config.schema.json uses
 * (zod's generated draft 2020-12 output) and no others, so the backend can
 * check a config the way the terminal will without the terminal's zod schema.
 * A keyword it does not know is a programming error and throws: a schema that
 * grew a new keyword must grow the checker, never pass unchecked.
 * It reports the first issue, in document order, the way zod does.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };
export type SchemaPath = readonly (string | number)[];
export interface SchemaIssue {
  path: SchemaPath;
  message: string;
}

/** Keywords that say nothing about validity. */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
/** The keywords checked; with ANNOTATIONS, all this checker reads (a test walks the published schema against it). */
export const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'anyOf',
  'oneOf',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return Number.isInteger(v);
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
  if (t === 'object') return isObject(v);
  return typeName(v) === t;
}

const quote = (v: unknown) => JSON.stringify(v);
const fail = (path: SchemaPath, message: string): SchemaIssue => ({ path, message });

/** The first issue of `value` against `schema`, or null when it fits. */
export function checkJson(schema: JsonSchema, value: unknown, path: SchemaPath = []): SchemaIssue | null {
  for (const k of Object.keys(schema))
    if (!CHECKED.has(k) && !ANNOTATIONS.has(k)) throw new Error(`json-schema-check: keyword "${k}" not supported`);
  if (schema.anyOf !== undefined) return union(schema.anyOf as JsonSchema[], value, path, false);
  if (schema.oneOf !== undefined) return union(schema.oneOf as JsonSchema[], value, path, true);
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  if (types.length > 0 && !types.some((t) => hasType(value, t)))
    return fail(path, `Invalid input: expected ${types.join(' or ')}, received ${typeName(value)}`);
  if (schema.const !== undefined && value !== schema.const)
    return fail(path, `Invalid input: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value))
    return fail(path, `Invalid option: expected one of ${(schema.enum as unknown[]).map(quote).join('|')}`);
  if (typeof value === 'number') return numberIssue(schema, value, path);
  if (typeof value === 'string') return stringIssue(schema, value, path);
  if (Array.isArray(value)) return arrayIssue(schema, value, path);
  if (isObject(value)) return objectIssue(schema, value, path);
  return null;
}

function numberIssue(schema: JsonSchema, n: number, path: SchemaPath): SchemaIssue | null {
  if (typeof schema.minimum === 'number' && n < schema.minimum)
    return fail(path, `Too small: expected number to be >=${schema.minimum}`);
  if (typeof schema.maximum === 'number' && n > schema.maximum)
    return fail(path, `Too big: expected number to be <=${schema.maximum}`);
  return null;
}

function stringIssue(schema: JsonSchema, s: string, path: SchemaPath): SchemaIssue | null {
  if (typeof schema.minLength === 'number' && s.length < schema.minLength)
    return fail(path, `Too small: expected string to have >=${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number' && s.length > schema.maxLength)
    return fail(path, `Too big: expected string to have <=${schema.maxLength} characters`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(s))
    return fail(path, `Invalid string: must match pattern ${schema.pattern}`);
  return null;
}

function arrayIssue(schema: JsonSchema, a: readonly unknown[], path: SchemaPath): SchemaIssue | null {
  if (typeof schema.minItems === 'number' && a.length < schema.minItems)
    return fail(path, `Too small: expected array to have >=${schema.minItems} items`);
  if (typeof schema.maxItems === 'number' && a.length > schema.maxItems)
    return fail(path, `Too big: expected array to have <=${schema.maxItems} items`);
  if (!isObject(schema.items)) return null;
  for (const [i, item] of a.entries()) {
    const issue = checkJson(schema.items, item, [...path, i]);
    if (issue) return issue;
  }
  return null;
}

function objectIssue(schema: JsonSchema, o: Record<string, unknown>, path: SchemaPath): SchemaIssue | null {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  // Declared properties first, in the schema's order (as zod reports), then the keys it does not declare.
  for (const [name, sub] of Object.entries(props)) {
    if (!Object.hasOwn(o, name)) {
      if (required.includes(name)) return fail([...path, name], 'Invalid input: expected a value, received nothing');
      continue;
    }
    const issue = checkJson(sub, o[name], [...path, name]);
    if (issue) return issue;
  }
  for (const [name, v] of Object.entries(o)) {
    if (Object.hasOwn(props, name)) continue;
    if (isObject(schema.propertyNames)) {
      const bad = checkJson(schema.propertyNames, name, [...path, name]);
      if (bad) return fail(bad.path, `Invalid key "${name}": ${bad.message}`);
    }
    if (schema.additionalProperties === false) return fail(path, `Unrecognized key: "${name}"`);
    if (isObject(schema.additionalProperties)) {
      const issue = checkJson(schema.additionalProperties, v, [...path, name]);
      if (issue) return issue;
    }
  }
  return null;
}

/**
 * anyOf / oneOf. When no branch fits, the issue reported is that of the branch the value
 * meant (every `const` of its properties matches: the discriminator, `kind`), else a summary.
 */
function union(branches: readonly JsonSchema[], value: unknown, path: SchemaPath, one: boolean): SchemaIssue | null {
  const issues = branches.map((b) => checkJson(b, value, path));
  const fits = issues.filter((i) => i === null).length;
  if (one ? fits === 1 : fits >= 1) return null;
  if (fits > 1) return fail(path, 'Invalid input: matches more than one form');
  const meant = branches.findIndex((b) => discriminatorMatches(b, value));
  if (meant >= 0) return issues[meant];
  const tag = commonTag(branches);
  if (tag !== null && isObject(value)) {
    const allowed = branches.map((b) => quote(constOf(b, tag))).join('|');
    return fail([...path, tag], `Invalid option: expected one of ${allowed}`);
  }
  return fail(path, `Invalid input: ${typeName(value)} fits none of its ${branches.length} forms`);
}

const constOf = (b: JsonSchema, name: string): unknown =>
  ((b.properties ?? {}) as Record<string, JsonSchema>)[name]?.const;

/** The property every branch fixes with a `const` (a discriminated union's `kind`), or null. */
function commonTag(branches: readonly JsonSchema[]): string | null {
  const first = Object.keys((branches[0]?.properties ?? {}) as object);
  return first.find((n) => branches.every((b) => constOf(b, n) !== undefined)) ?? null;
}

function discriminatorMatches(b: JsonSchema, value: unknown): boolean {
  if (!isObject(value)) return false;
  const props = (b.properties ?? {}) as Record<string, JsonSchema>;
  const consts = Object.entries(props).filter(([, s]) => s.const !== undefined);
  return consts.length > 0 && consts.every(([n, s]) => value[n] === s.const);
}

/**
 * The schema of the setting at `path` (property names from the root), or null when there is none.
 * A union on the way (a nullable or a kind-discriminated section) is entered by the branch that has the name.
 */
export function schemaAt(schema: JsonSchema, path: readonly string[]): JsonSchema | null {
  let at: JsonSchema = schema;
  for (const name of path) {
    const next = propertyOf(at, name);
    if (next === null) return null;
    at = next;
  }
  return path.length === 0 ? null : at;
}

function propertyOf(s: JsonSchema, name: string): JsonSchema | null {
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (props && Object.hasOwn(props, name)) return props[name];
  for (const b of (s.anyOf ?? s.oneOf ?? []) as JsonSchema[]) {
    const hit = propertyOf(b, name);
    if (hit) return hit;
  }
  return null;
}
