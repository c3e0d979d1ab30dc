import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveCardKeys } from '../../../firmware/card/keys.ts';
import { pinVerifier } from '../../../firmware/card/layout.ts';
import { KIND } from '../../../firmware/card-tx/records.ts';
import { cardDay } from '../../../firmware/core/clock.ts';
import type { DeskApp } from '../../../firmware/desk/desk.ts';
import type { Journal, JournalRecord } from '../../../firmware/store/journal/journal.ts';
import { SimWorld } from '../../../simulator/world.ts';

/**
 * 设置/修改密码 at the desk (docs/cards.md): the card's PIN set, changed and
 * removed by rewriting identity block B; the PIN never in the journal; a cut
 * at every byte of the write finishes when the same card comes back.
 */
const START = Date.parse('2026-11-23T09:00:00+08:00');
/** Identity block B: one 16-byte block. */
const PIN_BYTES = 16;

function deskOf(w: SimWorld): DeskApp {
  const role = w.terminal('desk').terminal.role;
  if (role.role !== 'desk') throw new Error('not a desk');
  return role.desk;
}

function all(journal: Journal): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (let page = journal.after(0, 1_000); page.length; page = journal.after(page.at(-1)!.seq, 1_000))
    out.push(...page);
  return out;
}

async function issued(w: SimWorld, name: string, uid: string, cardNumber: number, pin: string | null) {
  w.addBlankCard(name, uid);
  const spec = { holder: 'Zhao', cardNumber, cardClass: 1, pin, depositCents: 2_000, replaces: null };
  deskOf(w).request({ kind: 'issue', spec: { ...spec, expiryDay: cardDay(w.clock.nowMs(), 480) + 30 } });
  assert.match((await w.deskTap('desk', name)).join('\n'), /issued card/);
}

async function verifierOf(w: SimWorld, name: string): Promise<Uint8Array> {
  return (await w.inspect(name)).identity.pinVerifier;
}

test('the desk sets, changes and removes a PIN; the money and identity stay; the PIN is never journaled', async () => {
  const w = new SimWorld({ seed: 51, startMs: START });
  try {
    w.addTerminal({ name: 'desk', id: 100, desk: true });
    const desk = deskOf(w);
    await issued(w, 'card', '04616161', 6001, null);
    const uid = Buffer.from('04616161', 'hex');
    const { mac } = deriveCardKeys(w.masterKeys, uid);
    assert.deepEqual(await verifierOf(w, 'card'), new Uint8Array(4), 'issued without a PIN');

    desk.request({ kind: 'pin', pin: '4321' });
    assert.deepEqual(await w.deskTap('desk', 'card'), ['card 6001: new PIN set']);
    assert.deepEqual(await verifierOf(w, 'card'), pinVerifier('4321', uid, mac));
    desk.request({ kind: 'pin', pin: '987654' });
    await w.deskTap('desk', 'card');
    assert.deepEqual(await verifierOf(w, 'card'), pinVerifier('987654', uid, mac), 'changed, no old PIN asked');
    desk.request({ kind: 'pin', pin: null });
    assert.deepEqual(await w.deskTap('desk', 'card'), ['card 6001: PIN removed']);
    assert.deepEqual(await verifierOf(w, 'card'), new Uint8Array(4));

    const card = await w.inspect('card');
    assert.equal(card.identity.cardNumber, 6001);
    assert.equal(card.purse.balance, 2_000, 'no money moved');
    const journal = w.terminal('desk').terminal.journal;
    const pins = all(journal).filter((r) => r.kind === KIND.deskPin);
    assert.deepEqual(
      pins.map((r) => r.body),
      [true, true, false].map((pinSet) => ({ cardNumber: 6001, uid: '04616161', pinSet })),
    );
    const text = JSON.stringify(all(journal));
    assert.ok(!text.includes('4321') && !text.includes('987654'), 'no PIN in the journal');

    // Bad input: a short PIN is refused before any card is asked for, and changes nothing.
    assert.deepEqual(desk.request({ kind: 'pin', pin: '12' }), ['refused: PIN must be 4 to 6 digits']);
    assert.equal(desk.state.mode, 'idle');
    assert.equal(all(journal).filter((r) => r.kind === KIND.deskPin).length, 3);
  } finally {
    w.close();
  }
});

test('a PIN write cut at every byte finishes when the same card comes back; a listed card gets no new PIN', async () => {
  const w = new SimWorld({ seed: 52, startMs: START });
  try {
    w.addTerminal({ name: 'desk', id: 100, desk: true });
    const desk = deskOf(w);
    for (let k = 0; k <= PIN_BYTES; k++) {
      const name = `p${k}`;
      const uid = `04${(0x70 + k).toString(16)}7070`;
      await issued(w, name, uid, 6_100 + k, '1111');
      desk.request({ kind: 'pin', pin: '2222' });
      const shown = [...(await w.deskTap('desk', name, { tearAfterBytes: k }))];
      for (let again = 0; again < 2 && desk.state.mode !== 'idle'; again++)
        shown.push(...(await w.deskTap('desk', name)));
      if (k < PIN_BYTES) assert.match(shown[0] ?? '', /card left during pin/, `cut at ${k}: the write was cut`);
      assert.equal(desk.state.mode, 'idle', `cut at ${k}: ${shown.join(' / ')}`);
      assert.match(shown.join('\n'), new RegExp(`card ${6_100 + k}: new PIN set`), `cut at ${k}`);
      const card = await w.inspect(name);
      assert.equal(card.identity.cardNumber, 6_100 + k);
      assert.equal(card.purse.balance, 2_000);
    }
    const records = all(w.terminal('desk').terminal.journal).filter((r) => r.kind === KIND.deskPin);
    assert.equal(records.length, PIN_BYTES + 1, 'one desk.pin per change, however often the card came back');

    // A card listed (lost, replaced, cancelled) is refused before a byte is written or a record journaled.
    w.terminal('desk').terminal.blacklist.applyDelta(0, 1, [6_100], []);
    desk.request({ kind: 'pin', pin: '3333' });
    const listed = await w.deskTap('desk', 'p0');
    assert.match(listed.join('\n'), /refused: PIN not changed: card 6100 is listed lost, replaced or cancelled/);
    desk.abandon();
    assert.equal(all(w.terminal('desk').terminal.journal).filter((r) => r.kind === KIND.deskPin).length, PIN_BYTES + 1);
    assert.deepEqual(
      (await w.inspect('p0')).identity.pinVerifier,
      pinVerifier(
        '2222',
        Buffer.from('04707070', 'hex'),
        deriveCardKeys(w.masterKeys, Buffer.from('04707070', 'hex')).mac,
      ),
    );
  } finally {
    w.close();
  }
});
