import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configJsonSchemaText, CONFIG_SCHEMA_FILE } from '../../../firmware/sync/config-json-schema.ts';
import { simTerminalConfig } from '../../../simulator/terminal/default-config.ts';
import { validate, type Schema } from '../../protocol/json-schema.ts';

/** PROTOCOL.md §6.8: the config schema beside the document is the one the terminal validates with. */
test("protocol/config.schema.json is what the terminal's own schema generates", () => {
  assert.equal(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'), configJsonSchemaText());
});

test('the published schema takes a config the terminal takes, and refuses one it refuses', () => {
  const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')) as Schema;
  const config = JSON.parse(JSON.stringify(simTerminalConfig({ name: 'pos1', id: 101 }, '/tmp/onecard-x')));
  assert.deepEqual(validate(schema, config), []);
  assert.notDeepEqual(validate(schema, { ...config, pos: { ...config.pos, maxSaleCents: -1 } }), []);
  assert.notDeepEqual(validate(schema, { ...config, terminal: { ...config.terminal, id: 0 } }), []);
});
