import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHECKED, checkJson, schemaAt, type JsonSchema } from '../../base/json-schema-check.ts';

/** The backend's JSON Schema checker: the keywords of protocol/config.schema.json, and how it reports. */
const published = JSON.parse(
  readFileSync(new URL('../../protocol/config.schema.json', import.meta.url), 'utf8'),
) as JsonSchema;

/** Every keyword of every subschema (names under properties, and default values, are data, not keywords). */
function keywords(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) for (const x of s) keywords(x, out);
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return out;
  for (const [k, v] of Object.entries(s)) {
    out.add(k);
    if (k === 'properties') for (const sub of Object.values(v as object)) keywords(sub, out);
    else if (k !== 'default' && k !== 'enum' && k !== 'const') keywords(v, out);
  }
  return out;
}

test('the published config schema uses no keyword the checker does not check', () => {
  const unknown = [...keywords(published)].filter(
    (k) => !CHECKED.has(k) && !['$schema', 'title', 'description', 'default'].includes(k),
  );
  assert.deepEqual(unknown, []);
  assert.throws(() => checkJson({ multipleOf: 5 }, 10), /keyword "multipleOf" not supported/);
});

test('the first issue, with its path: types, bounds, required, unknown keys, a discriminated union', () => {
  const s: JsonSchema = {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 1, maximum: 5 },
      reader: {
        oneOf: [
          { type: 'object', properties: { kind: { type: 'string', const: 'a' } }, required: ['kind'] },
          {
            type: 'object',
            properties: { kind: { type: 'string', const: 'b' }, x: { type: 'integer' } },
            required: ['kind', 'x'],
          },
        ],
      },
      maybe: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['n'],
    additionalProperties: false,
  };
  assert.equal(checkJson(s, { n: 3, reader: { kind: 'b', x: 1 }, maybe: null }), null);
  assert.deepEqual(checkJson(s, {}), { path: ['n'], message: 'Invalid input: expected a value, received nothing' });
  assert.deepEqual(checkJson(s, { n: 1.5 })?.path, ['n']);
  assert.match(checkJson(s, { n: 9 })?.message ?? '', /Too big: expected number to be <=5/);
  assert.match(checkJson(s, { n: 1, extra: 1 })?.message ?? '', /Unrecognized key: "extra"/);
  // The branch the value meant (its kind) reports; an unknown kind is named at the kind.
  assert.deepEqual(checkJson(s, { n: 1, reader: { kind: 'b' } })?.path, ['reader', 'x']);
  assert.deepEqual(checkJson(s, { n: 1, reader: { kind: 'c' } }), {
    path: ['reader', 'kind'],
    message: 'Invalid option: expected one of "a"|"b"',
  });
  assert.deepEqual(checkJson(s, { n: 1, maybe: 3 })?.path, ['maybe']);
  assert.deepEqual(schemaAt(s, ['reader', 'x']), { type: 'integer' });
  assert.equal(schemaAt(s, ['nope']), null);
});
