import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkSetConfig as adminCheck, configIssue } from '../../backend/config-check.ts';
import { checkSetConfig as terminalCheck } from '../../firmware/config/setting.ts';
import { ConfigError, parseConfig } from '../../firmware/config/schema.ts';

/**
 * The admin checks a config with protocol/config.schema.json and a checker of
 * its own (base/json-schema-check.ts); the terminal with its zod schema. They
 * must agree on every rule the schema can say: the same verdict, the same field.
 */
const terminalSays = (raw: unknown): string | null => {
  try {
    parseConfig(raw, 'f.json');
    return null;
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
};
const fieldOf = (message: string | null) => (message === null ? null : /invalid field "([^"]*)"/.exec(message)?.[1]);

/** The example as plain JSON, for the cases below to break. */
interface Editable {
  terminal: Record<string, unknown>;
  peripherals: Record<string, unknown>;
  cardClasses: unknown[];
  pos?: Record<string, unknown>;
  backend?: unknown;
}
const base = JSON.parse(readFileSync('examples/terminal-sim.json', 'utf8')) as Editable;
const withChange = (change: (c: Editable) => void) => {
  const c = structuredClone(base);
  change(c);
  return c;
};

const RICE = { code: 1, name: { zh: '饭', en: 'rice' }, priceCents: 350 };
const CASES: [string, unknown][] = [
  ['the example as it is', base],
  ['the door example', JSON.parse(readFileSync('examples/terminal-door-sim.json', 'utf8'))],
  ['terminal left out', withChange((c) => Reflect.deleteProperty(c, 'terminal'))],
  ['terminal.id a string', withChange((c) => (c.terminal.id = '7'))],
  ['terminal.id fractional', withChange((c) => (c.terminal.id = 7.5))],
  ['terminal.id 0', withChange((c) => (c.terminal.id = 0))],
  ['a role unknown', withChange((c) => (c.terminal.roles = ['pos', 'vending']))],
  ['no card classes', withChange((c) => (c.cardClasses = []))],
  ['an unknown peripheral', withChange((c) => (c.peripherals.fan = { kind: 'twin' }))],
  ['a reader kind unknown', withChange((c) => (c.peripherals.reader = { kind: 'nfc' }))],
  ['an mfrc522 on no SPI device', withChange((c) => (c.peripherals.reader = { kind: 'mfrc522', device: '/dev/x' }))],
  ['a menu item priced 0', withChange((c) => (c.pos = { menu: [{ ...RICE, priceCents: 0 }] }))],
  ['receipt copies 9', withChange((c) => (c.pos = { ...(c.pos ?? {}), receiptCopies: 9 }))],
  ['a backend url without scheme', withChange((c) => (c.backend = { url: 'host:1', terminalKeyFile: 'k' }))],
];

for (const [name, raw] of CASES)
  test(`admin and terminal agree on a config: ${name}`, () => {
    const terminal = terminalSays(raw);
    const admin = configIssue(raw, 'f.json');
    assert.equal(admin === null, terminal === null, `terminal: ${terminal}\nadmin: ${admin}`);
    assert.equal(fieldOf(admin), fieldOf(terminal), `terminal: ${terminal}\nadmin: ${admin}`);
  });

const SETTINGS: [string, string][] = [
  ['pos.receiptCopies', '2'],
  ['pos.receiptCopies', '9'],
  ['pos.receiptCopies', '"2"'],
  ['pos.nonsense', '5'],
  ['pos..x', '5'],
  ['pos.entryMode', '"item"'],
  ['pos.entryMode', '"barter"'],
  ['pos.printer', '{"paperMm": 80}'],
  ['pos.printer', '{"paperMm": 81}'],
  ['pos.online.deadlineMs', '50'],
  ['terminal.utcOffsetMinutes', '-60'],
  ['sync.pull', '"blacklist"'],
  ['sync.pull', '"grants"'],
  ['pos.menu', '[{"code": 1, "name": {"zh": "饭", "en": "rice"}, "priceCents": 350}]'],
  ['pos.menu', '[{"code": 1, "name": {"zh": "饭"}, "priceCents": 350}]'],
];

test('admin and terminal say the same about each set-config', () => {
  for (const [key, value] of SETTINGS) {
    const terminal = terminalCheck(key, value);
    const admin = adminCheck(key, value);
    assert.equal(admin === null, terminal === null, `${key} ${value}: terminal ${terminal}, admin ${admin}`);
    // Same field; zod's wording may differ from ours after the colon.
    assert.equal(admin?.split(':')[0], terminal?.split(':')[0], `${key} ${value}`);
  }
});
