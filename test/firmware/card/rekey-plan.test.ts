import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyRing } from '../../../firmware/card/key-ring.ts';
import { rekeyPlan, tornKeyCandidates, type SectorProbe } from '../../../firmware/card/rekey-plan.ts';
import { sectorTrailer } from '../../../firmware/card/trailer.ts';
import { deriveCardKeys } from '../../../firmware/card/keys.ts';
import { deriveSimMasterKeys } from '../../../firmware/store/keys/keyfile.ts';

const OLD = deriveSimMasterKeys(1);
const NEW = deriveSimMasterKeys(2);
const RING: KeyRing = { current: { keyVersion: 3, keys: NEW }, previous: { keyVersion: 2, keys: OLD } };
const probe = (v1: SectorProbe['opensWith'], v2: SectorProbe['opensWith'], v3: SectorProbe['opensWith']) => [
  { sector: 1, opensWith: v1 },
  { sector: 2, opensWith: v2 },
  { sector: 3, opensWith: v3 },
];

test('a card on the current version needs nothing', () => {
  assert.deepEqual(rekeyPlan(probe(3, 3, 3), RING), { kind: 'current', keyVersion: 3 });
});

test('a card on the previous version is re-keyed, purse sectors first and the identity sector last', () => {
  assert.deepEqual(rekeyPlan(probe(2, 2, 2), RING), {
    kind: 'rekey',
    fromKeyVersion: 2,
    toKeyVersion: 3,
    trailerSectors: [2, 3, 1],
  });
});

test('a re-key cut part way is finished by the next plan: only the sectors not yet current remain', () => {
  assert.deepEqual(rekeyPlan(probe(2, 3, 'torn'), RING), {
    kind: 'rekey',
    fromKeyVersion: 2,
    toKeyVersion: 3,
    trailerSectors: [3, 1],
  });
  assert.deepEqual(rekeyPlan(probe(2, 3, 3), RING), {
    kind: 'rekey',
    fromKeyVersion: 2,
    toKeyVersion: 3,
    trailerSectors: [1],
  });
});

test('a card of a version older than previous is refused with a clear reason', () => {
  for (const probes of [probe(null, null, null), probe(1, 1, 1), probe(3, 3, null)]) {
    const plan = rekeyPlan(probes, RING);
    assert.equal(plan.kind, 'refused');
    if (plan.kind === 'refused') {
      assert.match(plan.reason, /opens with no key version this terminal holds \(3 or 2\)/);
      assert.match(plan.reason, /older version/);
    }
  }
  const onlyCurrent: KeyRing = { current: RING.current, previous: null };
  assert.equal(rekeyPlan(probe(2, 2, 2), onlyCurrent).kind, 'refused');
  assert.equal(
    rekeyPlan(probe(3, 3, 3).slice(0, 2), RING).kind,
    'refused',
    'a sector left unprobed is not taken as current',
  );
});

test('every cut of a trailer rewrite leaves key B old, new or one of the torn candidates', () => {
  const uid = new Uint8Array([4, 0xa1, 0xb2, 0xc3]);
  const oldKeys = deriveCardKeys(OLD, uid);
  const newKeys = deriveCardKeys(NEW, uid);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  for (const sector of [1, 2, 3]) {
    const before = sectorTrailer(oldKeys, sector);
    const after = sectorTrailer(newKeys, sector);
    const candidates = new Set(tornKeyCandidates(oldKeys.keyB(sector), newKeys.keyB(sector)).map(hex));
    const known = new Set([hex(oldKeys.keyB(sector)), hex(newKeys.keyB(sector)), ...candidates]);
    for (let landed = 0; landed <= 16; landed++) {
      for (const fill of ['prefix', 'erased'] as const) {
        const torn = fill === 'prefix' ? new Uint8Array(before) : new Uint8Array(16);
        torn.set(after.subarray(0, landed), 0);
        const keyB = hex(torn.subarray(10, 16));
        assert.ok(known.has(keyB), `sector ${sector} cut after ${landed} bytes (${fill}) leaves an unknown key B`);
      }
    }
  }
});
