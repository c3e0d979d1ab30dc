import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardApp, type CardImage } from '../../../firmware/card/app.ts';
import type { CardKeys } from '../../../firmware/card/keys.ts';
import { CardError, type CardSession, type KeyType } from '../../../firmware/card/session.ts';
import { ManualClock } from '../../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { issueSimCard } from '../../../simulator/card/issue.ts';
import { VirtualReader } from '../../../simulator/card/virtual-reader.ts';

/**
 * The card commands a sale sends (docs/hardware.md, "What a sale sends"): a
 * terminal that writes purses reads them with key B, so a write into the
 * sector read last sends no authentication; into the other sector it
 * authenticates with key B; a read-only terminal reads with key A only. After
 * a failed command nothing authenticated is assumed.
 */
const masterKeys = deriveSimMasterKeys(3);
const clock = new ManualClock(Date.parse('2026-11-23T11:30:00+08:00'));

/** A session that notes every command. */
class Recording implements CardSession {
  readonly calls: string[] = [];
  constructor(private readonly inner: CardSession) {}
  get uid() {
    return this.inner.uid;
  }
  authenticate(sector: number, keyType: KeyType, key: Uint8Array) {
    this.calls.push(`auth ${sector}${keyType}`);
    return this.inner.authenticate(sector, keyType, key);
  }
  readBlock(block: number) {
    this.calls.push(`read ${block}`);
    return this.inner.readBlock(block);
  }
  writeBlock(block: number, data: Uint8Array) {
    this.calls.push(`write ${block}`);
    return this.inner.writeBlock(block, data);
  }
  authenticatedAs() {
    return this.inner.authenticatedAs?.() ?? null;
  }
}

async function presented() {
  const card = await issueSimCard(
    { name: 'a', uid: '04a1b2c3', number: 4242, cardClass: 1, balanceCents: 10_000 },
    masterKeys,
    clock,
  );
  const reader = new VirtualReader();
  reader.place(card);
  return new Recording(reader.open()!);
}

async function read(app: CardApp, s: Recording): Promise<{ card: CardImage; keys: CardKeys }> {
  const r = await app.read(s);
  assert.ok(r.ok, r.ok ? '' : r.problem);
  return r;
}

const spend = (card: CardImage) => ({
  ...card.purse,
  counter: card.purse.counter + 1,
  balance: card.purse.balance - 100,
});

test('a POS sale into the sector read last sends no auth; into the other one, one auth with key B', async () => {
  const app = new CardApp(masterKeys, { writesPurses: true });
  const s = await presented();
  const first = await read(app, s);
  assert.equal(first.card.current, 0, 'a new card holds its purse in slot 0');
  assert.equal((await app.writePurse(s, first.card, first.keys, spend(first.card))).kind, 'written');
  // Level slot 0 (block 10, LAYOUT.md §9) is read in the sector its purse slot opened; empty, slot 1 is not read.
  const reads = [
    ...['auth 1A', 'read 4', 'read 5'],
    ...['auth 2B', 'read 8', 'read 9', 'read 10'],
    ...['auth 3B', 'read 12', 'read 13'],
  ];
  assert.deepEqual(s.calls, [...reads, 'write 12', 'write 13', 'read 12', 'read 13']);

  s.calls.length = 0;
  const second = await read(app, s);
  assert.equal(second.card.current, 1);
  assert.equal((await app.writePurse(s, second.card, second.keys, spend(second.card))).kind, 'written');
  assert.deepEqual(s.calls, [...reads, 'auth 2B', 'write 8', 'write 9', 'read 8', 'read 9']);
});

test('a read-only terminal reads every sector with key A; its write, if asked, authenticates with B', async () => {
  const app = new CardApp(masterKeys);
  const s = await presented();
  const r = await read(app, s);
  assert.deepEqual(
    s.calls.filter((c) => c.startsWith('auth')),
    ['auth 1A', 'auth 2A', 'auth 3A'],
  );
  s.calls.length = 0;
  await app.writePurse(s, r.card, r.keys, spend(r.card));
  assert.equal(s.calls[0], 'auth 3B');
});

test('an authentication made or lost between the read and the write is seen: the write authenticates', async () => {
  const app = new CardApp(masterKeys, { writesPurses: true });
  const keys = app.keysFor(Uint8Array.from([0x04, 0xa1, 0xb2, 0xc3]));
  // Another sector opened in between (the re-key check opens sector 1 with key B).
  const other = await presented();
  const r1 = await read(app, other);
  await other.authenticate(1, 'B', keys.keyB(1));
  other.calls.length = 0;
  assert.equal((await app.writePurse(other, r1.card, r1.keys, spend(r1.card))).kind, 'written');
  assert.deepEqual(other.calls.slice(0, 2), ['auth 3B', 'write 12']);

  // The authentication lost: a wrong key sends the card back to IDLE.
  const lost = await presented();
  const r2 = await read(app, lost);
  await assert.rejects(lost.authenticate(3, 'B', new Uint8Array(6)), CardError);
  lost.calls.length = 0;
  assert.equal((await app.writePurse(lost, r2.card, r2.keys, spend(r2.card))).kind, 'written');
  assert.deepEqual(lost.calls.slice(0, 2), ['auth 3B', 'write 12']);
});
