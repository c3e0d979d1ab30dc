import { SimWorld, type SimReaderKind } from '../world.ts';
import type { OnlineAuthorizer } from '../../firmware/online/authorizer.ts';
import type { SimCardSpec } from '../card/issue.ts';
import type { Logger } from '../../base/log.ts';

/** The embedded default of `onecard sim`: one canteen POS and a handful of cards. */
export const DEFAULT_START = '2026-11-23T11:30:00+08:00';

/**
 * `backend`: a real backend owns the lists. Versions and credit numbers are
 * the backend's to give, so the terminal starts with none of its own — a
 * seeded "version 1" would hide the backend's version 1 (a lost card never
 * arriving) and a seeded credit #1 would shadow the backend's.
 */
export const DEFAULT_TERMINAL_ID = 101;

const DEFAULT_CARDS: SimCardSpec[] = [
  { name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000, subsidyCents: 1_000, pin: '1234' },
  { name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 2_000 },
  { name: 'carol', uid: '04c4c4c4', number: 1003, cardClass: 4, balanceCents: 10, countPurse: true },
  { name: 'lost', uid: '04deadbe', number: 3003, cardClass: 1, balanceCents: 9_900 },
  { name: 'op', uid: '04000009', number: 9001, cardClass: 9 },
  { name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 }, // an online account
];

export interface DefaultWorldOptions {
  startMs?: number;
  /** The terminal's log (`onecard sim --log-level`); silent by default. */
  log?: Logger;
  authorizer?: OnlineAuthorizer;
  locked?: () => { locked: boolean; text: string };
  /** The sync client's stopped-sync mark, shown on the cashier's resting screen. */
  syncAlarm?: () => { reason: string } | null;
  backend?: boolean;
  terminalId?: number;
  /** A terminal kept across runs (`--data DIR`): its stores live here. */
  dataDir?: string;
  /** Card images left by an earlier run: these cards are restored, not issued anew. */
  cardImages?: Map<string, Uint8Array>;
}

export async function defaultWorld(
  seed: number,
  reader: SimReaderKind = 'virtual',
  opts: DefaultWorldOptions = {},
): Promise<SimWorld> {
  const world = new SimWorld({
    seed,
    startMs: opts.startMs ?? Date.parse(DEFAULT_START),
    reader,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const pos = world.addTerminal({
    name: 'pos1',
    id: opts.terminalId ?? DEFAULT_TERMINAL_ID,
    ...(opts.authorizer ? { authorizer: opts.authorizer } : {}),
    ...(opts.locked ? { locked: opts.locked } : {}),
    ...(opts.syncAlarm ? { syncAlarm: opts.syncAlarm } : {}),
  });
  for (const spec of DEFAULT_CARDS) {
    const image = opts.cardImages?.get(spec.name);
    if (image) world.restoreCard(spec, image);
    else await world.addCard(spec);
  }
  // A terminal restored from its data folder already holds what it was given on its first run.
  if (opts.backend || opts.cardImages) return world;
  pos.blacklist.replaceAll(1, [3003]);
  // A monthly subsidy waiting for bob: written to his card at his next tap, once.
  pos.credits.add([{ card: 1002, creditSeq: 1, balanceCents: 0, subsidyCents: 1_500, expiryDay: 0 }]);
  return world;
}

/** What the built-in demo types, when stdin is not a terminal. */
export const DEMO_SCRIPT = [
  'cards',
  'tap bob',
  'tap op',
  '12.50',
  'tap alice',
  '8',
  'tap bob',
  'undo',
  'tap bob',
  '6.80',
  'tap alice tear 20',
  'tap alice',
  '3',
  'tap lost',
  'cancel',
  '5',
  'tap carol',
  'tap alice',
  'totals',
  'restart',
  'reconcile',
];
