import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfig } from '../../../firmware/config/load.ts';
import { ConfigError, parseConfig } from '../../../firmware/config/schema.ts';

const good = {
  terminal: { id: 101, name: 'Canteen 1', tenantId: 1 },
  storage: { dataDir: '/var/lib/onecard', keyFile: '/etc/onecard/keys.json' },
  cardClasses: [{ id: 1, name: { zh: '员工', en: 'Staff' }, dailyLimitCents: 10_000 }],
  pos: { entryMode: 'item', menu: [{ code: 12, name: { zh: '牛肉面', en: 'Beef noodles' }, priceCents: 1_500 }] },
};

function refusedField(raw: unknown): string {
  try {
    parseConfig(raw, 'terminal.json');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^terminal\.json: invalid field "/);
    return e.field;
  }
  assert.fail('config was accepted');
}

test('a good config loads with defaults filled in', () => {
  const c = parseConfig(good);
  assert.equal(c.pos.undoWindowMs, 120_000);
  assert.equal(c.pos.simpleKeys['.'], 100);
  assert.equal(c.terminal.utcOffsetMinutes, 480);
});

test('a broken config is refused with a message naming the field', () => {
  assert.equal(refusedField({ ...good, terminal: { ...good.terminal, id: 0x1_000_000 } }), 'terminal.id');
  assert.equal(refusedField({ ...good, terminal: { ...good.terminal, id: '101' } }), 'terminal.id');
  assert.equal(refusedField({ ...good, pos: { ...good.pos, maxSaleCents: 12.5 } }), 'pos.maxSaleCents');
  assert.equal(
    refusedField({ ...good, pos: { ...good.pos, minSaleCents: 500, maxSaleCents: 100 } }),
    'pos.minSaleCents',
  );
  assert.equal(
    refusedField({ ...good, pos: { ...good.pos, menu: [{ code: 1000, name: { zh: 'x', en: 'x' }, priceCents: 1 }] } }),
    'pos.menu[0].code',
  );
  assert.equal(
    refusedField({ ...good, pos: { ...good.pos, menu: [...good.pos.menu, ...good.pos.menu] } }),
    'pos.menu[1].code',
  );
  assert.equal(refusedField({ ...good, pos: { entryMode: 'item' } }), 'pos.menu');
  assert.equal(refusedField({ ...good, pos: { entryMode: 'fixed' } }), 'pos.fixedPriceCents');
  assert.equal(refusedField({ ...good, pos: { allowedClasses: [7] } }), 'pos.allowedClasses[0]');
  assert.equal(refusedField({ ...good, cardClasses: [] }), 'cardClasses');
  const { storage: _, ...noStorage } = good;
  assert.equal(refusedField(noStorage), 'storage');
});

test('the config file: a broken file is refused naming the field, and the file is left as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-config-'));
  const path = join(dir, 'terminal.json');
  writeFileSync(path, JSON.stringify(good));
  const db = await openConfig(path);
  assert.equal(db.data.terminal.name, 'Canteen 1');
  const broken = JSON.stringify({ ...good, pos: { ...good.pos, receiptCopies: 9 } });
  writeFileSync(path, broken);
  await assert.rejects(
    openConfig(path),
    (e: Error) =>
      e instanceof ConfigError && e.field === 'pos.receiptCopies' && e.message.includes('pos.receiptCopies'),
  );
  assert.equal(readFileSync(path, 'utf8'), broken, 'nothing rewritten');
  writeFileSync(path, '{ not json');
  await assert.rejects(openConfig(path), /not valid JSON/);
});

test('a config write that would not validate is refused and the file keeps its old content', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-config-'));
  const path = join(dir, 'terminal.json');
  writeFileSync(path, JSON.stringify(good));
  const db = await openConfig(path);
  const before = readFileSync(path, 'utf8');
  (db.data.pos as { receiptCopies: number }).receiptCopies = 99;
  await assert.rejects(db.write(), /receiptCopies/);
  assert.equal(readFileSync(path, 'utf8'), before);
  db.data.pos.receiptCopies = 2;
  await db.write();
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pos.receiptCopies, 2);
});
