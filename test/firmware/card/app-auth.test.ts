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

/** A session that notes every command, and fails the write it is told to. */
class Recording implements CardSession {
  readonly calls: string[] = [];
  failNextWrite = false;
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
    if (this.failNextWrite) {
      this.failNextWrite = false;
      return Promise.reject(new CardError('transport', 'CRC error on the ACK'));
    }
    return this.inner.writeBlock(block, data);
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
  const reads = ['auth 1A', 'read 4', 'read 5', 'auth 2B', 'read 8', 'read 9', 'auth 3B', 'read 12', 'read 13'];
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

test('after a failed write the next write authenticates again', async () => {
  const app = new CardApp(masterKeys, { writesPurses: true });
  const s = await presented();
  const r = await read(app, s);
  s.failNextWrite = true;
  assert.equal((await app.writePurse(s, r.card, r.keys, spend(r.card))).kind, 'not-written');
  s.calls.length = 0;
  assert.equal((await app.writePurse(s, r.card, r.keys, spend(r.card))).kind, 'written');
  assert.deepEqual(s.calls.slice(0, 2), ['auth 3B', 'write 12'], 'a failed command may have ended the authentication');
});
