import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { silentLogger } from '../../../firmware/core/log.ts';
import { writeKeyFile, deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { Grants } from '../../../firmware/store/lists/grants.ts';
import { durabilityOf, STORE_FILE_MODE, type Durability } from '../../../base/sqlite-open.ts';
import { SimWorld } from '../../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal, type Synced } from '../../e2e/harness.ts';

/**
 * Every file a terminal and a backend keep, after they have run together: a
 * sale synced, a door's grants file, a key file. Opened with the umask most
 * systems have (022), which must not loosen any of them.
 */
const START = Date.parse('2026-11-23T11:30:00+08:00');
const DURABLE: Durability = { journalMode: 'wal', synchronous: 2 }; // synchronous 2 = FULL
const USUAL_UMASK = 0o022;

let simDir = '';
let w: SimWorld;
let net: Net;
let synced: Synced;
let grants: Grants;
let oldUmask = 0;

before(async () => {
  oldUmask = process.umask(USUAL_UMASK);
  simDir = mkdtempSync(join(tmpdir(), 'store-files-'));
  w = new SimWorld({ seed: 5, startMs: START, dataDir: simDir });
  net = new Net(w.clock, 5, { log: false });
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  synced = syncTerminal(w, 'pos1', net, auth);
  const dataDir = w.terminal('pos1').terminal.config.storage.dataDir;
  grants = Grants.open({ path: join(dataDir, 'grants.db'), log: silentLogger });
  writeKeyFile(join(dataDir, 'master.keys'), deriveSimMasterKeys(5));
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000 });
  assert.ok(await net.until(() => synced.client.connected, 10_000));
  for (const k of [...'2.50', 'confirm']) w.key('pos1', k);
  assert.deepEqual((await net.settle(w.tap('pos1', 'alice'))).beeps, ['ok']);
  assert.ok(await net.until(() => synced.client.queueDepth() === 0, 60_000), 'the sale reached the backend');
});

after(() => {
  synced.client.stop();
  synced.state.close();
  grants.close();
  w.close();
  net.close();
  rmSync(simDir, { recursive: true, force: true });
  process.umask(oldUmask);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

test('every store file commits durably: journal_mode=wal, synchronous=FULL on its own connection', () => {
  const t = w.terminal('pos1').terminal;
  const stores: Record<string, Durability> = {
    'journal.db': t.journal.durability(),
    'lists.db': t.blacklist.durability(),
    'grants.db': grants.durability(),
    'credits.db': t.credits.durability(),
    'sync.db': synced.state.durability(),
    'backend.db': durabilityOf(net.b.db),
  };
  for (const [file, d] of Object.entries(stores)) assert.deepEqual(d, DURABLE, file);
  // A store file this test does not know is a store nobody checks.
  const all = [...filesUnder(simDir), ...filesUnder(net.dir)];
  const dbFiles = all.filter((f) => f.endsWith('.db')).map((f) => basename(f));
  assert.deepEqual([...new Set(dbFiles)].sort(), Object.keys(stores).sort());
});

test('every file holding records or keys is owner-only (0600), under umask 022', () => {
  const files = [...filesUnder(simDir), ...filesUnder(net.dir)];
  const modes = files.map((f) => `${relative(tmpdir(), f)} ${(statSync(f).mode & 0o777).toString(8)}`);
  assert.ok(
    files.some((f) => f.endsWith('.db-wal')),
    'the WAL files are among them',
  );
  assert.deepEqual(
    modes.filter((m) => !m.endsWith(` ${STORE_FILE_MODE.toString(8)}`)),
    [],
    modes.join('\n'),
  );
});
