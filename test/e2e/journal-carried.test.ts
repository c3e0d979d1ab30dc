import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdmin } from '../../backend/admin.ts';
import { exportJournal } from '../../app/journal/export.ts';
import { SimWorld } from '../../simulator/world.ts';
import { Net, authorizerFor, syncTerminal } from './harness.ts';

/**
 * Records collected by hand (issue 15 item 5): a terminal's unacknowledged journal exported to a file,
 * imported at the backend once however often the file comes and whether or not the same records also
 * arrive over the link; a tampered file is refused with the reason and changes nothing.
 */
const START = Date.parse('2026-12-05T11:30:00+08:00');

async function setup(seed: number) {
  const w = new SimWorld({ seed, startMs: START });
  const net = new Net(w.clock, seed);
  const auth = authorizerFor(net);
  w.addTerminal({ name: 'pos1', id: 101, authorizer: auth });
  await w.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 10_000 });
  const sell = async (amount: string) => {
    for (const k of [...amount, 'confirm']) w.key('pos1', k);
    return net.settle(w.tap('pos1', 'alice'));
  };
  const journal = () => w.terminal('pos1').terminal.journal;
  const exportTo = (name: string, progress: string[] = [], progressEvery = 1_000) => {
    const outPath = join(net.dir, name);
    const r = exportJournal({
      journal: journal(),
      terminalId: 101,
      keyId: 1,
      terminalKey: net.b.keyFor(101, 1) as Uint8Array,
      utcOffsetMinutes: 480,
      outPath,
      nowMs: w.clock.nowMs(),
      progressEvery,
      progress: (l) => progress.push(l),
    });
    assert.equal(r.kind, 'written');
    return outPath;
  };
  const importFile = (path: string) => runAdmin(net.b, ['import', path, readFileSync(path, 'utf8')]);
  const done = () => {
    w.close();
    net.close();
  };
  return { w, net, auth, sell, journal, exportTo, importFile, done };
}

test('a journal file imported twice and also uploaded over the link is counted once', async () => {
  const { w, net, auth, sell, journal, exportTo, importFile, done } = await setup(151);
  try {
    for (const amount of ['3', '4', '5']) assert.match((await sell(amount)).screen.customer.en, /^Paid/);
    const last = journal().lastSeq();
    const file = exportTo('pos1-a.journal');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the export holds records: owner only');

    const first = importFile(file);
    assert.equal(first.code, 0, first.lines.join('\n'));
    assert.match(first.lines[0], new RegExp(`terminal 101 records 1\\.\\.${last}: ${last} new, 0 held already$`));
    assert.deepEqual([net.b.cardReport(1001).landed, net.b.cardReport(1001).movedCents], [3, 1_200]);

    const again = importFile(file);
    assert.equal(again.code, 0);
    assert.match(again.lines[0], new RegExp(`: 0 new, ${last} held already$`));

    // Two more sales, then the link comes back: the uploader starts from what the backend holds.
    for (const amount of ['1', '2']) await sell(amount);
    const synced = syncTerminal(w, 'pos1', net, auth);
    try {
      assert.ok(await net.until(() => synced.client.connected && synced.client.queueDepth() === 0, 60_000));
      assert.equal(net.b.journal.highWater(101), journal().lastSeq());
      assert.equal(net.b.journal.records(101).length, journal().lastSeq(), 'each record stored once');
      assert.deepEqual([net.b.cardReport(1001).landed, net.b.cardReport(1001).movedCents], [5, 1_500]);

      // The old file once more, after the upload: still nothing new.
      const late = importFile(file);
      assert.match(late.lines[0], /: 0 new, \d+ held already$/);
      assert.deepEqual([net.b.cardReport(1001).landed, net.b.cardReport(1001).movedCents], [5, 1_500]);
    } finally {
      synced.client.stop();
      synced.state.close();
    }
  } finally {
    done();
  }
});

test('uploaded first, then the file: every record the link brought is held already, none counted again', async () => {
  const { w, net, auth, sell, journal, exportTo, importFile, done } = await setup(152);
  try {
    await sell('2');
    const file = exportTo('pos1.journal'); // records 1.. of the first sale
    const synced = syncTerminal(w, 'pos1', net, auth);
    assert.ok(await net.until(() => synced.client.connected && synced.client.queueDepth() === 0, 60_000));
    synced.client.stop();
    synced.state.close();
    const held = journal().lastSeq();
    const r = importFile(file);
    assert.equal(r.code, 0, r.lines.join('\n'));
    assert.match(r.lines[0], new RegExp(`: 0 new, ${held} held already$`));
    assert.deepEqual([net.b.cardReport(1001).landed, net.b.cardReport(1001).movedCents], [1, 200]);
  } finally {
    done();
  }
});

test('a file that starts after what the backend holds is refused: the records between must come first', async () => {
  const { net, sell, journal, exportTo, importFile, done } = await setup(153);
  try {
    await sell('2');
    journal().ack(journal().lastSeq()); // as if acknowledged by a backend that was later lost
    await sell('3');
    const r = importFile(exportTo('late.journal'));
    assert.equal(r.code, 1);
    assert.match(
      r.lines[0],
      /refused, nothing imported: this backend holds terminal 101's records up to 0, the file starts at \d+/,
    );
    assert.equal(net.b.journal.highWater(101), 0);
  } finally {
    done();
  }
});

test('a big export reports progress every N records on the side channel', async () => {
  const { sell, exportTo, journal, done } = await setup(154);
  try {
    for (const amount of ['1', '1', '1']) await sell(amount);
    const progress: string[] = [];
    exportTo('big.journal', progress, 2);
    const n = journal().lastSeq();
    assert.equal(progress.length, Math.floor(n / 2));
    assert.match(progress[0], /^exported 2 records \(to seq 2\)$/);
  } finally {
    done();
  }
});

test('a tampered file is refused at the backend with the reason, and nothing of it is taken', async () => {
  const { net, sell, exportTo, importFile, done } = await setup(155);
  try {
    await sell('7');
    const file = exportTo('pos1.journal');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('"chargedAmount":700') + 17;
    writeFileSync(file, `${text.slice(0, at)}9${text.slice(at + 1)}`); // 7.00 becomes 9.00
    const r = importFile(file);
    assert.equal(r.code, 1);
    assert.match(r.lines[0], /refused, nothing imported: the MAC does not verify with terminal 101's key 1/);
    assert.equal(net.b.journal.highWater(101), 0);
    assert.equal(net.b.cardReport(1001).landed, 0);
  } finally {
    done();
  }
});
