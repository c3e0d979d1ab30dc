/**
 * The example of every message that PROTOCOL.md quotes and the golden
 * vectors hold (generate.ts writes them out). Values are realistic: a canteen
 * terminal 1042 in UTC+8 on 2026-11-23, cards of an 8-digit numbering.
 */
import { buildJournalBatch, CHAIN_ZERO, DIGEST_BYTES, ListDigest, type Message, type WireRecord } from '../../../protocol/index.ts';
import { cardDay } from '../../../protocol/messages/record-context.ts';

export const TERMINAL_ID = 1042;
export const UTC_OFFSET_MINUTES = 480;
/** 2026-11-23 12:30:00 at UTC+8. */
export const T0 = Date.UTC(2026, 10, 23, 4, 30, 0);
export const DAY = cardDay(T0, UTC_OFFSET_MINUTES);
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

const shift = '1042-101';
const op = 900001;

/** A short shift at the till: sign-in, sales (one folded with its commit), an uncertain write settled later, a refusal, a generic record, a top-up, an aborted undo, sign-out. */
export const JOURNAL_RECORDS: WireRecord[] = [
  { seq: 101, kind: 'operator.signin', atMs: T0, card: op, ref: null, body: { cardNumber: op, name: `#${op}`, shift, signInSeq: 101, atMs: T0 } },
  {
    seq: 102, kind: 'card.intent', atMs: T0 + 41_250, card: 20230517, ref: null,
    body: {
      tx: 'sale', cardNumber: 20230517, uid: '04a1b2c3', unit: 'cents', chargedAmount: 1250, fromSubsidy: 500, fromBalance: 750, listAmountCents: 1250, discountAmount: 0,
      counterBefore: 87, counterAfter: 88, writerBefore: 1042, otherSlot: { counter: 86, writer: 1042 },
      next: { counter: 88, balance: 34250, subsidy: 0, lastCreditSeq: 3, day: DAY, spentToday: 1250, writerTerminalId: 1042 }, shift, operator: op,
    },
  },
  { seq: 103, kind: 'card.commit', atMs: T0 + 41_430, card: 20230517, ref: 102, body: { intentSeq: 102 } },
  {
    seq: 104, kind: 'card.intent', atMs: T0 + 47_900, card: 20230999, ref: null,
    body: {
      tx: 'sale', cardNumber: 20230999, uid: '04112233445566', unit: 'cents', chargedAmount: 800, fromSubsidy: 0, fromBalance: 800, listAmountCents: 900, discountAmount: 100,
      counterBefore: 412, counterAfter: 413, writerBefore: 1007, otherSlot: { counter: 411, writer: 1003 },
      next: { counter: 413, balance: 15320, subsidy: 0, lastCreditSeq: 0, day: DAY, spentToday: 2050, writerTerminalId: 1042 }, shift, operator: op,
      items: [{ code: 12, qty: 1 }, { code: 40, qty: 2 }],
    },
  },
  { seq: 105, kind: 'card.uncertain', atMs: T0 + 48_100, card: 20230999, ref: 104, body: { intentSeq: 104, problem: 'card left the field during the write' } },
  { seq: 106, kind: 'card.settle', atMs: T0 + 52_700, card: 20230999, ref: 104, body: { intentSeq: 104, outcome: 'landed', counterSeen: 413 } },
  { seq: 107, kind: 'tap.refused', atMs: T0 + 60_000, card: 20231234, ref: null, body: { cardNumber: 20231234, uid: '04deadbe', reason: 'blacklisted', detail: 'on blacklist version 42' } },
  { seq: 108, kind: 'door.open', atMs: T0 + 61_000, card: 20230517, ref: null, body: { door: 1, via: 'remote', corrId: 77 } },
  {
    seq: 109, kind: 'card.intent', atMs: T0 + 90_000, card: 20230517, ref: null,
    body: {
      tx: 'topup', cardNumber: 20230517, uid: '04a1b2c3', unit: 'cents', chargedAmount: -5000, fromSubsidy: 0, fromBalance: -5000, listAmountCents: -5000, discountAmount: 0,
      counterBefore: 88, counterAfter: 89, writerBefore: 1042, otherSlot: { counter: 87, writer: 1042 },
      next: { counter: 89, balance: 39250, subsidy: 0, lastCreditSeq: 3, day: DAY, spentToday: 1250, writerTerminalId: 1042 }, shift, operator: op,
    },
  },
  { seq: 110, kind: 'card.commit', atMs: T0 + 90_160, card: 20230517, ref: 109, body: { intentSeq: 109 } },
  {
    seq: 111, kind: 'card.intent', atMs: T0 + 95_000, card: 20230517, ref: null,
    body: {
      tx: 'undo', cardNumber: 20230517, uid: '04a1b2c3', unit: 'cents', chargedAmount: -1250, fromSubsidy: -500, fromBalance: -750, listAmountCents: -1250, discountAmount: 0,
      counterBefore: 89, counterAfter: 90, writerBefore: 1042, otherSlot: { counter: 88, writer: 1042 },
      next: { counter: 90, balance: 40000, subsidy: 500, lastCreditSeq: 3, day: DAY, spentToday: 0, writerTerminalId: 1042 }, undoOf: 102, shift, operator: op,
    },
  },
  { seq: 112, kind: 'card.abort', atMs: T0 + 95_210, card: 20230517, ref: 111, body: { intentSeq: 111, problem: 'authentication failed' } },
  { seq: 113, kind: 'operator.signout', atMs: T0 + 600_000, card: op, ref: 101, body: { cardNumber: op, shift, count: 2, amountCents: 2050 } },
];

export const CHAIN_PREV = h('5f0e6c1d2b3a49587766554433221100');

const sale = (seq: number, atMs: number, o: { card: number; uid: string; counterBefore: number; balanceAfter: number; spentToday: number; amount: number }) => ({
  seq, kind: 'card.intent', atMs, card: o.card, ref: null,
  body: {
    tx: 'sale', cardNumber: o.card, uid: o.uid, unit: 'cents', chargedAmount: o.amount, fromSubsidy: 0, fromBalance: o.amount, listAmountCents: o.amount, discountAmount: 0,
    counterBefore: o.counterBefore, counterAfter: o.counterBefore + 1, writerBefore: 1042, otherSlot: { counter: o.counterBefore - 1, writer: 1042 },
    next: { counter: o.counterBefore + 1, balance: o.balanceAfter, subsidy: 0, lastCreditSeq: 3, day: DAY, spentToday: o.spentToday, writerTerminalId: 1042 }, shift, operator: op,
  },
});

/**
 * Batches beyond the §6.6.3 example (journal-cases.json): each with its payload, items and chain.
 * chainPrev of the first is chain(113), so they continue the example's journal.
 */
export const JOURNAL_CASES: { name: string; meaning: string; records: WireRecord[] }[] = [
  {
    name: 'context-and-negative-dt',
    meaning:
      'Records 114–118, uploaded after a reconnect while the shift signed in at 101 is still open: the batch opens with a context item (10: no dt, no record, ' +
      'recordCount not counting it). The backend then stepped the clock back 5 s (§6.2): clock.step travels generic with a negative dt (item byte bit 4), ' +
      'and the sale after it is earlier than the sale before it.',
    records: [
      sale(114, T0 + 700_000, { card: 20230517, uid: '04a1b2c3', counterBefore: 90, balanceAfter: 38_750, spentToday: 1_750, amount: 500 }),
      { seq: 115, kind: 'card.commit', atMs: T0 + 700_150, card: 20230517, ref: 114, body: { intentSeq: 114 } },
      { seq: 116, kind: 'clock.step', atMs: T0 + 696_000, card: null, ref: null, body: { fromMs: T0 + 701_000, toMs: T0 + 696_000, offsetMs: -5_000 } },
      sale(117, T0 + 698_000, { card: 20230517, uid: '04a1b2c3', counterBefore: 91, balanceAfter: 38_450, spentToday: 2_050, amount: 300 }),
      { seq: 118, kind: 'card.commit', atMs: T0 + 698_140, card: 20230517, ref: 117, body: { intentSeq: 117 } },
    ],
  },
  {
    name: 'generic-records',
    meaning:
      'Records 119–123 that travel as generic items: an online request and its result (kinds with no compact item), and a credit intent with forfeitedSeqs, ' +
      'which the compact intent has no room for. Its canonical item is still the compact intent (tx credit): the chain is computed on what the compact item ' +
      'carries, so forfeitedSeqs (and fromBalance, listAmountCents, counterAfter, next.counter, next.writerTerminalId) are not in the chain. The commit after it ' +
      'is compact, its card taken from the intent earlier in the batch.',
    records: [
      { seq: 119, kind: 'online.request', atMs: T0 + 720_000, card: 30000042, ref: null, body: { cardNumber: 30000042, amountCents: 1_200, listAmountCents: 1_200, shift } },
      { seq: 120, kind: 'online.result', atMs: T0 + 720_380, card: 30000042, ref: 119, body: { stan: 119, outcome: 'offline-approved', offlineReason: 'timeout' } },
      {
        seq: 121, kind: 'card.intent', atMs: T0 + 730_000, card: 20230517, ref: null,
        body: {
          tx: 'credit', cardNumber: 20230517, uid: '04a1b2c3', unit: 'cents', chargedAmount: -20_000, fromSubsidy: -20_000, fromBalance: 0, listAmountCents: -20_000, discountAmount: 0,
          counterBefore: 92, counterAfter: 93, writerBefore: 1042, otherSlot: { counter: 91, writer: 1042 },
          next: { counter: 93, balance: 38_450, subsidy: 20_000, lastCreditSeq: 5, day: DAY, spentToday: 2_050, writerTerminalId: 1042 },
          creditSeqs: [4, 5], forfeitedSeqs: [5],
        },
      },
      { seq: 122, kind: 'card.commit', atMs: T0 + 730_170, card: 20230517, ref: 121, body: { intentSeq: 121 } },
      { seq: 123, kind: 'tap.refused', atMs: T0 + 731_000, card: null, ref: null, body: { cardNumber: null, uid: '04e5e6e7', reason: 'foreign-card', detail: 'not a onecard application' } },
    ],
  },
  {
    name: 'role-records',
    meaning:
      'Records 124–130 of the door, attendance and parking roles (§6.6.6), all generic items: a door released on a schedule for a card read on the in reader, ' +
      'a lost card refused at the same door, the door forced and shut again (door.alarm on, off), a punch chosen by key, and a car park entry and exit ' +
      '(2 h, 800 cents; the charge itself would be a card.intent before the exit).',
    records: [
      { seq: 124, kind: 'door.granted', atMs: T0 + 740_000, card: 20230517, ref: null, body: { doorId: 1, cause: 'schedule', cardNumber: 20230517, direction: 'in', passbackViolation: false } },
      { seq: 125, kind: 'door.refused', atMs: T0 + 741_000, card: 10000123, ref: null, body: { doorId: 1, reason: 'blacklisted', detail: 'card reported lost', cardNumber: 10000123 } },
      { seq: 126, kind: 'door.alarm', atMs: T0 + 745_000, card: null, ref: null, body: { doorId: 1, alarm: 'forced', on: true } },
      { seq: 127, kind: 'door.alarm', atMs: T0 + 751_000, card: null, ref: null, body: { doorId: 1, alarm: 'forced', on: false } },
      { seq: 128, kind: 'punch', atMs: T0 + 760_000, card: 20230517, ref: null, body: { cardNumber: 20230517, type: 'in', via: 'key', uidOnly: false, day: DAY } },
      { seq: 129, kind: 'parking.entry', atMs: T0 + 770_000, card: 20230517, ref: null, body: { cardNumber: 20230517, pass: false, operator: null } },
      {
        seq: 130, kind: 'parking.exit', atMs: T0 + 7_970_000, card: 20230517, ref: null,
        body: { cardNumber: 20230517, entryMs: T0 + 770_000, feeCents: 800, pass: false, lostTicket: false, operator: null },
      },
    ],
  },
  {
    name: 'rekey-record',
    meaning:
      'Record 131, a generic item: a card still on key version 1 tapped during a rollover and re-keyed in place ' +
      'to version 2 (its purse sectors 2 and 3, then the identity sector 1) before the sale the tap was for ' +
      '(§6.6.6 card.rekeyed).',
    records: [
      {
        seq: 131, kind: 'card.rekeyed', atMs: T0 + 8_000_000, card: 20230517, ref: null,
        body: { cardNumber: 20230517, uid: '04a1b2c3', fromKeyVersion: 1, toKeyVersion: 2, sectors: [2, 3, 1] },
      },
    ],
  },
  {
    name: 'desk-records',
    meaning:
      'Records 132–136 of a card office (docs/cards.md), generic items: card 20239001 issued to replace lost card 20230517 (desk.issue before the first ' +
      'byte, card.issued referring to it once the card read back), then card 20231234 cancelled: its payout is a card.intent of tx sale taking the whole ' +
      'purse (38,450 balance, 500 subsidy), committed, and desk.cancel refers to that intent.',
    records: [
      {
        seq: 132, kind: 'desk.issue', atMs: T0 + 8_000_000, card: 20239001, ref: null,
        body: { cardNumber: 20239001, uid: '04d1d2d3', holder: 'Wang Fang', cardClass: 1, expiryDay: DAY + 1_095, pinSet: true, replaces: 20230517 },
      },
      { seq: 133, kind: 'card.issued', atMs: T0 + 8_000_400, card: 20239001, ref: 132, body: { cardNumber: 20239001 } },
      {
        seq: 134, kind: 'card.intent', atMs: T0 + 8_100_000, card: 20231234, ref: null,
        body: {
          tx: 'sale', cardNumber: 20231234, uid: '04e1e2e3', unit: 'cents', chargedAmount: 38_950, fromSubsidy: 500, fromBalance: 38_450, listAmountCents: 38_950, discountAmount: 0,
          counterBefore: 40, counterAfter: 41, writerBefore: 1042, otherSlot: { counter: 39, writer: 1042 },
          next: { counter: 41, balance: 0, subsidy: 0, lastCreditSeq: 2, day: DAY, spentToday: 0, writerTerminalId: 1042 },
        },
      },
      { seq: 135, kind: 'card.commit', atMs: T0 + 8_100_160, card: 20231234, ref: 134, body: { intentSeq: 134 } },
      { seq: 136, kind: 'desk.cancel', atMs: T0 + 8_100_200, card: 20231234, ref: 134, body: { cardNumber: 20231234, paidOutCents: 38_450, forfeitedSubsidyCents: 500 } },
    ],
  },
];

const blacklistV42 = [10000007, 10000123, 10000456, 20000001, 20231234];
const credits = [
  { cardNumber: 20230517, creditSeq: 4, amount: 20000, purse: 'subsidy' as const, reason: 'subsidy' as const, expiryDay: DAY + 30 },
  { cardNumber: 20230517, creditSeq: 5, amount: 5000, purse: 'balance' as const, reason: 'topup' as const, expiryDay: 0 },
  { cardNumber: 20230999, creditSeq: 1, amount: 20000, purse: 'subsidy' as const, reason: 'subsidy' as const, expiryDay: DAY + 30 },
];
const grants = [
  { cardNumber: 20230517, doors: 0b101, validFromMinute: Math.floor((T0 - 946_684_800_000) / 60_000), validUntilMinute: Math.floor((T0 - 946_684_800_000) / 60_000) + 120 },
  { cardNumber: 20231777, doors: 0b1, validFromMinute: Math.floor((T0 - 946_684_800_000) / 60_000), validUntilMinute: Math.floor((T0 - 946_684_800_000) / 60_000) + 60 },
];

/** The holders list (list 3): a name for the punch clock, groups for the doors, a pass through a card day. */
const holders = [
  { cardNumber: 20230517, name: '王芳', groups: 0b100, passUntilDay: DAY + 30 },
  { cardNumber: 20231777, name: 'Li Wei', groups: 0, passUntilDay: 0 },
];

export interface Example {
  name: string;
  meaning: string;
  message: Message;
}

/** Application messages (the handshake's come from the transcript). */
export function examples(): Example[] {
  const batch = buildJournalBatch(JOURNAL_RECORDS, { terminalId: TERMINAL_ID, utcOffsetMinutes: UTC_OFFSET_MINUTES, chainPrev: CHAIN_PREV, maxPayloadBytes: 32768 });
  const e = (name: string, meaning: string, message: Message): Example => ({ name, meaning, message });
  return [
    e('error', 'The backend could not route type 0x7f that the terminal sent as frame 12.', { type: 'error', code: 'unknown-type', refType: 0x7f, refSeq: 12, text: 'unknown message type 0x7f' }),
    e('bye', 'Closing to re-handshake under a new key.', { type: 'bye', reason: 'rekey' }),
    e('note', 'An ignorable (type ≥ 0x80) free-text note.', { type: 'note', text: 'maintenance at 02:00' }),
    e('timeRequest', 'Terminal asks for the time; its clock is an estimate (after a reboot without RTC).', { type: 'timeRequest', t1Ms: T0, clock: 'estimated' }),
    e('timeResponse', 'Backend received at t2, answered at t3, site is UTC+8.', { type: 'timeResponse', t1Ms: T0, t2Ms: T0 + 1_180, t3Ms: T0 + 1_181, utcOffsetMinutes: 480 }),
    e('listDelta-blacklist', 'Blacklist 41→42: three cards reported lost, one found again.', {
      type: 'listDelta', list: 'blacklist', fromVersion: 41, toVersion: 42, chunkIndex: 0, chunkCount: 1,
      digest: ListDigest.of('blacklist', blacklistV42).bytes(), add: [10000123, 10000456, 20231234], remove: [10000008],
    }),
    e('listDelta-credits', 'Pending credits 9→10: a subsidy and an online top-up for one card, a subsidy for another; one applied credit removed.', {
      type: 'listDelta', list: 'credits', fromVersion: 9, toVersion: 10, chunkIndex: 0, chunkCount: 1,
      digest: ListDigest.of('credits', credits).bytes(), add: credits, remove: [{ cardNumber: 20230517, creditSeq: 3 }],
    }),
    e('listSnapshot-blacklist', 'The whole blacklist at version 42 in one chunk.', {
      type: 'listSnapshot', list: 'blacklist', version: 42, chunkIndex: 0, chunkCount: 1, digest: ListDigest.of('blacklist', blacklistV42).bytes(), totalEntries: 5, entries: blacklistV42,
    }),
    e('listSnapshot-grants', 'Door grants version 7, chunk 2 of 3: two meeting-room grants for today.', {
      type: 'listSnapshot', list: 'grants', version: 7, chunkIndex: 1, chunkCount: 3, digest: new Uint8Array(DIGEST_BYTES).fill(0x11), totalEntries: 5, entries: grants,
    }),
    e('listDelta-holders', 'Holders 3→4: name, group 2, pass for one card; a name for another; one removed.', {
      type: 'listDelta', list: 'holders', fromVersion: 3, toVersion: 4, chunkIndex: 0, chunkCount: 1,
      digest: ListDigest.of('holders', holders).bytes(), add: holders, remove: [20230999],
    }),
    e('listAck', 'Blacklist version 42 applied.', { type: 'listAck', list: 'blacklist', version: 42, status: 'applied' }),
    e('listAck-mismatch', 'Delta refused: the terminal is at 40, not 41 — send a snapshot.', { type: 'listAck', list: 'blacklist', version: 40, status: 'version-mismatch', problem: 'at 40' }),
    e('listPull', 'Terminal at blacklist 40 asks to resume snapshot 42 from chunk 17.', { type: 'listPull', list: 'blacklist', haveVersion: 40, resumeVersion: 42, resumeChunk: 17 }),
    e('journalBatch', 'Records 101–113 of terminal 1042 (see journal.json for the item-by-item breakdown).', batch),
    e('journalAck', 'Everything through seq 113 is stored; chain head at 113.', { type: 'journalAck', ackUpto: 113, chainHead: batch.chainLast, status: 'ok' }),
    e('journalAck-gap', 'Backend holds only up to 100 and the batch started at 150: resend from 101.', { type: 'journalAck', ackUpto: 100, chainHead: CHAIN_PREV, status: 'gap' }),
    e('journalResend', 'Backend (restored from a backup) asks for 90..120 again; it holds chain(89).', { type: 'journalResend', fromSeq: 90, toSeq: 120, chainPrev: h('00112233445566778899aabbccddeeff') }),
    e('authorizeRequest', 'Online sale of ¥12.50 on card 20230517 with two menu lines; the terminal waits 1.5 s.', {
      type: 'authorizeRequest', stan: 5001, purpose: 'sale', cardNumber: 20230517, uid: h('04a1b2c3'), amountCents: 1250, terminalTimeMs: T0, deadlineMs: 1500,
      items: [{ code: 12, qty: 1 }, { code: 40, qty: 2 }], operator: op,
    }),
    e('authorizeResponse', 'Approved; account balance ¥342.50 after.', { type: 'authorizeResponse', stan: 5001, result: 'approved', reason: 'none', approvedAmountCents: 1250, balanceCents: 34250, authCode: 731902 }),
    e('authorizeResponse-declined', 'Declined: card reported lost.', { type: 'authorizeResponse', stan: 5002, result: 'declined', reason: 'card-lost', approvedAmountCents: 0, balanceCents: 0, authCode: 0, text: '此卡已挂失' }),
    e('reversal', 'The approval for STAN 5003 came after the deadline: reverse it.', { type: 'reversal', stan: 5003, reason: 'late-response', amountCents: 800, atMs: T0 + 2_000 }),
    e('reversalAck', 'Reversal of 5003 booked.', { type: 'reversalAck', stan: 5003 }),
    e('advice', 'A sale approved offline (backend unreachable), journal seq 102.', { type: 'advice', stan: 5004, cardNumber: 20230517, amountCents: 1250, atMs: T0 + 41_250, reason: 'backend-unreachable', journalSeq: 102 }),
    e('adviceAck', 'Advice 5004 posted to the account.', { type: 'adviceAck', stan: 5004, status: 'posted' }),
    e('configPush', 'Config version 12 (JSON).', { type: 'configPush', corrId: 31, version: 12, format: 'json', body: '{"pos":{"maxSaleCents":5000}}' }),
    e('configAck', 'Config 12 rejected by the schema; 11 stays in force.', { type: 'configAck', corrId: 31, version: 11, status: 'rejected', problem: 'pos.maxSaleCents: must be ≤ 100000' }),
    e('command-open-door', 'Open door 1 for 3 s, unless this arrives after the given backend time.', { type: 'command', corrId: 77, notAfterMs: T0 + 10_000, command: 'open-door', door: 1, pulseMs: 3000 }),
    e('command-lock', 'Lock the terminal with a message on the display.', { type: 'command', corrId: 78, notAfterMs: 0, command: 'lock', text: '暂停服务' }),
    e('command-unlock', 'Unlock the terminal.', { type: 'command', corrId: 79, notAfterMs: 0, command: 'unlock' }),
    e('command-reprint', 'Reprint the receipt of journal seq 102.', { type: 'command', corrId: 80, notAfterMs: 0, command: 'reprint', journalSeq: 102 }),
    e('command-reboot', 'Reboot in 5 s.', { type: 'command', corrId: 81, notAfterMs: 0, command: 'reboot', delayMs: 5000 }),
    e('command-set-config', 'Set one config key (JSON value).', { type: 'command', corrId: 82, notAfterMs: 0, command: 'set-config', key: 'pos.receiptCopies', value: '2' }),
    e('command-unknown', 'A command code this build does not know (9): kept so the terminal can answer unknown-command.', { type: 'command', corrId: 83, notAfterMs: 0, command: 'unknown', code: 9, args: h('0102') }),
    e('commandResult', 'Door 1 opened.', { type: 'commandResult', corrId: 77, status: 'done' }),
    e('commandResult-expired', 'Arrived too late; not executed.', { type: 'commandResult', corrId: 84, status: 'expired', detail: 'notAfterMs passed 4 s ago' }),
    e('status', 'Heartbeat: 12 records queued, blacklist 42, grants 7, credits 10, printer out of paper.', {
      type: 'status', terminalTimeMs: T0 + 600_500, clock: 'synced', clockDriftMs: -37, journalLastSeq: 113, journalQueueDepth: 12,
      lists: [{ list: 'blacklist', version: 42 }, { list: 'grants', version: 7 }, { list: 'credits', version: 10 }], configVersion: 12, locked: false,
      peripherals: [{ kind: 'reader', health: 'ok' }, { kind: 'printer', health: 'degraded' }, { kind: 'relay', health: 'ok' }], firmware: 'onecard 0.1.0', uptimeS: 86_400,
    }),
    e('status-alarm', 'Heartbeat of a terminal whose upload stopped (tlv 6 alarm): the backend refused a batch twice as undecodable.', {
      type: 'status', terminalTimeMs: T0 + 600_500, clock: 'synced', clockDriftMs: 12, journalLastSeq: 113, journalQueueDepth: 13,
      lists: [{ list: 'blacklist', version: 42 }, { list: 'credits', version: 10 }], configVersion: 12, locked: false, peripherals: [{ kind: 'reader', health: 'ok' }],
      uptimeS: 3_600, alarm: 'upload stopped (malformed): batch after 100 refused twice as undecodable',
    }),
    e('statusAck', 'Backend clock at the ack.', { type: 'statusAck', backendTimeMs: T0 + 600_530 }),
  ];
}

export { CHAIN_ZERO };
