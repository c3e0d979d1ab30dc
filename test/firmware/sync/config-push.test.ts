import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfig } from '../../../firmware/config/load.ts';
import { parseConfig, type TerminalConfig } from '../../../firmware/config/schema.ts';
import { silentLogger } from '../../../firmware/core/log.ts';
import { ConfigReceiver } from '../../../firmware/sync/config-push.ts';
import { SyncState } from '../../../firmware/sync/sync-state.ts';
import type { ConfigPush } from '../../../protocol/index.ts';

/** CONFIG_PUSH on the terminal (PROTOCOL.md §6.8): validate, write durably, apply, answer once per corrId. */
const installed = {
  terminal: { id: 101, name: 'Canteen 1', tenantId: 1 },
  storage: { dataDir: '/var/lib/onecard', keyFile: '/etc/onecard/keys.json' },
  cardClasses: [{ id: 1, name: { zh: '员工', en: 'Staff' } }],
  pos: { receiptCopies: 1 },
};
type Doc = typeof installed;
const withPos = (pos: Record<string, unknown>, extra: Partial<Record<keyof Doc, unknown>> = {}) => ({
  ...installed,
  ...extra,
  pos: { ...installed.pos, ...pos },
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-config-push-'));
  const path = join(dir, 'terminal.json');
  writeFileSync(path, JSON.stringify(installed, null, 2));
  const statePath = join(dir, 'sync.db');
  let state = SyncState.open({ path: statePath, log: silentLogger });
  let current: TerminalConfig = parseConfig(installed);
  const applied: TerminalConfig[] = [];
  const make = () =>
    new ConfigReceiver({
      source: { current: () => current, path },
      state,
      hooks: {
        applyConfig: (c) => {
          applied.push(c);
          current = c;
          return { restartNeeded: c.terminal.utcOffsetMinutes !== 480 ? ['terminal.utcOffsetMinutes'] : [] };
        },
      },
      log: silentLogger,
    });
  let rx = make();
  const push = (corrId: number, version: number, doc: unknown) =>
    rx.receive({
      type: 'configPush',
      corrId,
      version,
      format: 'json',
      body: typeof doc === 'string' ? doc : JSON.stringify(doc),
    } satisfies ConfigPush);
  return {
    path,
    push,
    set: (key: string, value: string) => rx.setOne(key, value),
    applied,
    state: () => state,
    /** A power cut: the state file is reopened, the receiver made again. */
    reopen() {
      state.close();
      state = SyncState.open({ path: statePath, log: silentLogger });
      rx = make();
    },
    close() {
      state.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a valid push is written durably, handed to the role, and becomes the version in force', async () => {
  const s = setup();
  try {
    assert.equal(s.state().configVersion(), 0);
    assert.deepEqual(s.push(1, 3, withPos({ receiptCopies: 2 })), {
      type: 'configAck',
      corrId: 1,
      version: 3,
      status: 'applied',
    });
    assert.equal(s.state().configVersion(), 3);
    assert.equal(s.applied.length, 1);
    assert.equal(s.applied[0].pos.receiptCopies, 2);
    const db = await openConfig(s.path); // the file a restart loads, through the schema
    assert.equal(db.data.pos.receiptCopies, 2);
    assert.equal(existsSync(`${s.path}.tmp`), false);
    s.reopen();
    assert.equal(s.state().configVersion(), 3, 'the version in force survives a restart');
  } finally {
    s.close();
  }
});

test('a setting read at start is applied on disk and named in the ack as waiting for a restart', () => {
  const s = setup();
  try {
    const ack = s.push(1, 1, { ...installed, terminal: { ...installed.terminal, utcOffsetMinutes: 420 } });
    assert.deepEqual(ack, {
      type: 'configAck',
      corrId: 1,
      version: 1,
      status: 'applied',
      problem: 'takes effect on restart: terminal.utcOffsetMinutes',
    });
  } finally {
    s.close();
  }
});

test('an invalid push is rejected with the field and the reason; the old config stays on disk and in force', () => {
  const s = setup();
  try {
    const before = readFileSync(s.path, 'utf8');
    const ack = s.push(1, 1, withPos({ maxSaleCents: 12.5 }));
    assert.equal(ack.status, 'rejected');
    assert.equal(ack.version, 0);
    assert.match(ack.problem ?? '', /^config v1: invalid field "pos\.maxSaleCents": .*expected int/);
    assert.match(
      s.push(2, 1, withPos({ menu: [{ code: 1000, name: { zh: 'x', en: 'x' }, priceCents: 1 }] })).problem ?? '',
      /invalid field "pos\.menu\[0\]\.code"/,
    );
    assert.match(s.push(3, 1, '{"terminal": ').problem ?? '', /^config v1: not valid JSON/);
    // Valid by the schema, but not this box: identity and storage are the installer's.
    const other = s.push(4, 1, { ...installed, terminal: { ...installed.terminal, id: 7 } });
    assert.equal(other.status, 'rejected');
    assert.match(other.problem ?? '', /^config v1: invalid field "terminal\.id": 7 here is 101/);
    assert.match(
      s.push(5, 1, { ...installed, storage: { ...installed.storage, dataDir: '/tmp/x' } }).problem ?? '',
      /invalid field "storage\.dataDir"/,
    );
    assert.equal(readFileSync(s.path, 'utf8'), before);
    assert.equal(s.state().configVersion(), 0);
    assert.equal(s.applied.length, 0);
  } finally {
    s.close();
  }
});

test('a push not above the version in force is stale and changes nothing', () => {
  const s = setup();
  try {
    assert.equal(s.push(1, 5, withPos({ receiptCopies: 2 })).status, 'applied');
    const after = readFileSync(s.path, 'utf8');
    assert.deepEqual(s.push(2, 5, withPos({ receiptCopies: 3 })), {
      type: 'configAck',
      corrId: 2,
      version: 5,
      status: 'stale',
    });
    assert.deepEqual(s.push(3, 4, withPos({ receiptCopies: 4 })), {
      type: 'configAck',
      corrId: 3,
      version: 5,
      status: 'stale',
    });
    assert.equal(readFileSync(s.path, 'utf8'), after);
    assert.equal(s.applied.length, 1);
    assert.equal(s.state().configVersion(), 5);
  } finally {
    s.close();
  }
});

test('a repeated corrId gets the same answer, from memory, even after a restart', () => {
  const s = setup();
  try {
    const first = s.push(9, 2, withPos({ receiptCopies: 2 }));
    const refused = s.push(10, 3, withPos({ receiptCopies: 9 }));
    s.reopen();
    assert.deepEqual(s.push(9, 2, withPos({ receiptCopies: 2 })), first, 'applied again, not stale');
    assert.deepEqual(s.push(10, 3, withPos({ receiptCopies: 9 })), refused);
    assert.equal(s.applied.length, 1, 'the role took it once');
    assert.equal(s.state().configVersion(), 2);
  } finally {
    s.close();
  }
});

test('a runtime without a config source refuses as before', () => {
  const state = SyncState.open({ path: ':memory:', log: silentLogger });
  const rx = new ConfigReceiver({ source: null, state, hooks: {}, log: silentLogger });
  assert.equal(rx.accepts, false);
  assert.deepEqual(
    rx.receive({ type: 'configPush', corrId: 1, version: 1, format: 'json', body: JSON.stringify(installed) }),
    {
      type: 'configAck',
      corrId: 1,
      version: 0,
      status: 'rejected',
      problem: 'this runtime takes its config from its file',
    },
  );
  state.close();
});

test('a sync state file from before config push is upgraded in place (version 1 → 2)', async () => {
  const { default: Database } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'onecard-sync-v1-'));
  try {
    const path = join(dir, 'sync.db');
    SyncState.open({ path, log: silentLogger }).close();
    const db = new Database(path);
    // Back to version 1 as that build made it: no config_acks, no owed.advice_reason (version 3).
    db.exec('DROP TABLE config_acks; ALTER TABLE owed DROP COLUMN advice_reason; PRAGMA user_version = 1;');
    db.prepare("INSERT INTO kv (key, value) VALUES ('lock', ?)").run(JSON.stringify({ locked: true, text: 'x' }));
    db.close();
    const state = SyncState.open({ path, log: silentLogger });
    assert.deepEqual(state.lock(), { locked: true, text: 'x' }, 'what version 1 held is kept');
    assert.equal(state.configVersion(), 0);
    state.saveConfigAck({ corrId: 1, version: 1, status: 'applied' });
    assert.equal(state.configVersion(), 1);
    assert.throws(() => state.saveConfigAck({ corrId: 2, version: 1, status: 'applied' }), /not above 1/);
    state.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('set-config changes one setting through the same checks, saved and applied; the version stays', async () => {
  const s = setup();
  try {
    s.push(1, 3, installed);
    const r = s.set('pos.receiptCopies', '2');
    assert.equal(r.status, 'done', r.detail);
    assert.match(r.detail, /pos\.receiptCopies set \(config v3 with this change\)/);
    assert.equal(s.applied.at(-1)?.pos.receiptCopies, 2);
    assert.equal((await openConfig(s.path)).data.pos.receiptCopies, 2, 'in the file a restart loads');
    assert.equal(s.state().configVersion(), 3, "versions are the backend's to number");
    const before = readFileSync(s.path, 'utf8');
    const bad = s.set('pos.receiptCopies', '9');
    assert.equal(bad.status, 'bad-args');
    assert.match(bad.detail, /receiptCopies/);
    assert.equal(s.set('pos.receiptCopies', 'two').status, 'bad-args', 'not JSON');
    assert.equal(s.set('pos..x', '1').status, 'bad-args', 'not a path');
    const unknown = s.set('pos.nonsense', '5');
    assert.equal(unknown.status, 'bad-args', 'a setting the config does not have');
    assert.match(unknown.detail, /no setting "pos\.nonsense"/);
    assert.equal(s.set('terminal.id', '102').status, 'bad-args', 'what the installer set stays');
    assert.equal(readFileSync(s.path, 'utf8'), before, 'a refused setting changes nothing');
    assert.equal(s.applied.at(-1)?.pos.receiptCopies, 2);
  } finally {
    s.close();
  }
});
