/**
 * The part of JSON Schema (2020-12) that protocol/*.schema.json use, checked
 * strictly: a keyword this does not know is an error, so a schema can never
 * say more than the tests check. Returns the problems found, [] when valid.
 */
export type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema',
  '$defs',
  '$ref',
  'title',
  'description',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'propertyNames',
  'minimum',
  'maximum',
  'pattern',
  'maxLength',
  'minLength',
  'items',
  'minItems',
  'maxItems',
  'default',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fits(t: string, v: unknown): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

export function validate(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return [`${path}: schema keyword "${k}" is not checked here`];
  if (typeof schema.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    const target = m ? (root.$defs as Record<string, Schema>)[m[1]] : undefined;
    return target ? validate(target, value, root, path) : [`${path}: unresolved $ref ${schema.$ref}`];
  }
  const out: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => fits(t, value))) return [`${path}: ${typeOf(value)}, expected ${types.join(' or ')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) out.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${path}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      out.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength)
      out.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength)
      out.push(`${path}: shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      out.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      out.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => out.push(...validate(schema.items as Schema, v, root, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const o = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) out.push(`${path}: missing ${r}`);
    if (schema.propertyNames)
      for (const k of Object.keys(o)) out.push(...validate(schema.propertyNames as Schema, k, root, `${path}{${k}}`));
    for (const [k, v] of Object.entries(o)) {
      if (props[k]) out.push(...validate(props[k], v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}: unexpected field ${k}`);
      else if (typeof schema.additionalProperties === 'object')
        out.push(...validate(schema.additionalProperties as Schema, v, root, `${path}.${k}`));
    }
  }
  return out;
}
