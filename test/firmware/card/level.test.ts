import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deriveCardKeys } from '../../../firmware/card/keys.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';
import { currentLevel, currentLevelSlot, decodeLevel, encodeLevel } from '../../../firmware/card/level.ts';

/** The member level block (LAYOUT.md §9): round trip, empty, spoilt, and which slot is current. */
const UID = Uint8Array.from([0x04, 0xa1, 0xb2, 0xc3]);
const MAC = new Uint8Array(16).fill(0x42);

test('a level block decodes to what was encoded; its MAC binds the UID', () => {
  const b = encodeLevel({ cardClass: 7, changeSeq: 0x0102_0304 }, UID, MAC);
  assert.deepEqual([...b.subarray(0, 8)], [0x01, 0x07, 0x04, 0x03, 0x02, 0x01, 0x00, 0x00]);
  assert.deepEqual(decodeLevel(b, UID, MAC), { ok: true, value: { cardClass: 7, changeSeq: 0x0102_0304 } });
  const other = Uint8Array.from([0x04, 0xa1, 0xb2, 0xc4]);
  assert.deepEqual(decodeLevel(b, other, MAC), { ok: false, problem: 'level MAC mismatch' });
});

test('zeros are no level; a torn block (any prefix of a new one over an old one) is ignored', () => {
  assert.deepEqual(decodeLevel(new Uint8Array(16), UID, MAC), { ok: false, problem: 'empty' });
  const old = encodeLevel({ cardClass: 6, changeSeq: 1 }, UID, MAC);
  const next = encodeLevel({ cardClass: 7, changeSeq: 2 }, UID, MAC);
  for (let k = 1; k < 16; k++) {
    const torn = Uint8Array.from([...next.subarray(0, k), ...old.subarray(k)]);
    const r = decodeLevel(torn, UID, MAC);
    assert.ok(!r.ok || r.value.changeSeq === 1, `k=${k}: a torn block never reads as a third level`);
  }
});

test('the current slot is the valid one with the higher changeSeq', () => {
  const at = (cardClass: number, changeSeq: number) => ({ ok: true as const, value: { cardClass, changeSeq } });
  const none = { ok: false as const, problem: 'empty' };
  assert.equal(currentLevelSlot([none, none]), null);
  assert.equal(currentLevel([none, none]), null);
  assert.equal(currentLevelSlot([at(6, 1), none]), 0);
  assert.equal(currentLevelSlot([none, at(6, 1)]), 1);
  assert.equal(currentLevelSlot([at(6, 1), at(7, 4)]), 1);
  assert.equal(currentLevelSlot([at(7, 4), at(6, 1)]), 0);
  assert.deepEqual(currentLevel([at(6, 1), at(7, 4)]), { cardClass: 7, changeSeq: 4 });
});

test("LAYOUT.md §9's example block is what the codec writes", () => {
  const mac = deriveCardKeys(deriveSimMasterKeys(1), UID).mac;
  const hex = Buffer.from(encodeLevel({ cardClass: 7, changeSeq: 3 }, UID, mac)).toString('hex');
  const doc = readFileSync(new URL('../../../firmware/card/LAYOUT.md', import.meta.url), 'utf8');
  const shown = /`(01 07 [0-9a-f ]+)`/.exec(doc)?.[1]?.replaceAll(' ', '');
  assert.equal(shown, hex);
});
