/**
 * Generator of test/vectors/card-layout-v1.json — the golden vectors of card
 * layout v1 (firmware/card/layout.ts, described in firmware/card/LAYOUT.md).
 *
 * Run by hand, from the repository root, ONLY when the layout deliberately
 * changes (a new layout version, never a silent edit of v1):
 *
 *   node --import tsx test/vectors/generate-card-layout.ts
 *
 * then review the diff and check the JSON in. The tests
 * (test/firmware/card/layout.test.ts) never run this script: they compare the
 * checked-in JSON with the code both ways, so any change of a byte position,
 * MAC input or key derivation in the code makes them fail.
 *
 * The example uses deriveSimMasterKeys(1): simulator keys derived from a public
 * seed, so the per-card keys below are test keys, fine to publish. Never a
 * real fleet's keys.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveCardKeys } from '../../firmware/card/keys.ts';
import {
  APP_SECTORS,
  encodeIdentity,
  encodePurse,
  IDENTITY_BLOCKS,
  LAYOUT_VERSION,
  PURSE_SLOTS,
  pinVerifier,
  type CardIdentity,
  type PurseState,
} from '../../firmware/card/layout.ts';
import { sectorTrailer } from '../../firmware/card/trailer.ts';
import { isoToCardDay } from '../../firmware/core/clock.ts';
import { deriveSimMasterKeys } from '../../firmware/store/keys/keyfile.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const SIM_SEED = 1;
const master = deriveSimMasterKeys(SIM_SEED);

const EXPIRY_ISO = '2030-12-31';
const ISSUE_ISO = '2026-11-23';
const PIN = '1234';

const identityFields: Omit<CardIdentity, 'pinVerifier'> = {
  tenantId: 1,
  cardNumber: 1001,
  cardClass: 2,
  expiryDay: isoToCardDay(EXPIRY_ISO),
  issueDay: isoToCardDay(ISSUE_ISO),
  flags: { frozen: false, pinRequired: true, countPurse: false },
};

const slot0Purse: PurseState = {
  counter: 5,
  balance: 4750,
  subsidy: 1000,
  lastCreditSeq: 3,
  day: isoToCardDay(ISSUE_ISO),
  spentToday: 1250,
  writerTerminalId: 101,
};
/** Second example: the same purse written once more, into the other slot. */
const slot1Purse: PurseState = { ...slot0Purse, counter: 6 };

/** Diversification input M, rebuilt from the documented recipe (not from keys.ts). */
function diversificationInput(uid: Uint8Array, purpose: number, sector: number): Uint8Array {
  return Uint8Array.from([...uid, purpose, sector, ...Buffer.from('onecard1', 'ascii')]);
}

function cardVector(uidHex: string) {
  const uid = new Uint8Array(Buffer.from(uidHex, 'hex'));
  const keys = deriveCardKeys(master, uid);
  const verifier = pinVerifier(PIN, uid, keys.mac);
  const identity: CardIdentity = { ...identityFields, pinVerifier: verifier };
  const [id4, id5] = encodeIdentity(identity, uid, keys.mac);
  const [s0a, s0b] = encodePurse(slot0Purse, uid, keys.mac);
  const [s1a, s1b] = encodePurse(slot1Purse, uid, keys.mac);
  const zero = new Uint8Array(16);

  const blocks: Record<string, string> = {};
  const put = (block: number, data: Uint8Array) => (blocks[String(block)] = hex(data));
  put(IDENTITY_BLOCKS[0], id4);
  put(IDENTITY_BLOCKS[1], id5);
  put(6, zero);
  put(PURSE_SLOTS[0].blocks[0], s0a);
  put(PURSE_SLOTS[0].blocks[1], s0b);
  put(10, zero);
  put(PURSE_SLOTS[1].blocks[0], s1a);
  put(PURSE_SLOTS[1].blocks[1], s1b);
  put(14, zero);
  for (const sector of APP_SECTORS) put(sector * 4 + 3, sectorTrailer(keys, sector));

  const sectorKeys: Record<string, { keyA: string; keyAInput: string; keyB: string; keyBInput: string }> = {};
  for (const sector of APP_SECTORS) {
    sectorKeys[String(sector)] = {
      keyA: hex(keys.keyA(sector)),
      keyAInput: hex(diversificationInput(uid, 0x0a, sector)),
      keyB: hex(keys.keyB(sector)),
      keyBInput: hex(diversificationInput(uid, 0x0b, sector)),
    };
  }

  return {
    uid: uidHex,
    keys: {
      sectors: sectorKeys,
      mac: hex(keys.mac),
      macInput: hex(diversificationInput(uid, 0x4d, 0xff)),
    },
    blocks,
    decoded: {
      identity: { ...identityFields, pinVerifier: hex(verifier) },
      slots: [slot0Purse, slot1Purse],
      current: 1,
    },
  };
}

const vectors = {
  description:
    'Golden vectors of onecard card layout v1 on MIFARE Classic 1K (firmware/card/layout.ts, firmware/card/LAYOUT.md). ' +
    'Generated once by test/vectors/generate-card-layout.ts; checked both ways by test/firmware/card/layout.test.ts. ' +
    'Simulator test keys (public seed), never a real fleet.',
  layoutVersion: LAYOUT_VERSION,
  masterKeys: {
    source: `deriveSimMasterKeys(${SIM_SEED}) — first 16 bytes of SHA-256("onecard-sim-master/<name>/${SIM_SEED}")`,
    cardKeyA: hex(master.cardKeyA),
    cardKeyB: hex(master.cardKeyB),
    cardMac: hex(master.cardMac),
  },
  example: {
    pin: PIN,
    expiryIso: EXPIRY_ISO,
    issueIso: ISSUE_ISO,
    purseDayIso: ISSUE_ISO,
    notes: [
      'Days are card days: days since 2000-01-01.',
      'Blocks 6, 10 and 14 are unused in v1 and written as zeros at issue.',
      'Trailer blocks are shown as written (key A ‖ access bits ‖ user byte ‖ key B); a reader reads the key bytes back as zeros.',
      'Slot 0 (sector 2) holds counter 5, slot 1 (sector 3) counter 6 with the same values: slot 1 is current.',
    ],
  },
  cards: [cardVector('04a1b2c3'), cardVector('04112233445566')],
};

const out = fileURLToPath(new URL('./card-layout-v1.json', import.meta.url));
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
console.log(`wrote ${out}`);
