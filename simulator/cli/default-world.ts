import { SimWorld, type SimReaderKind } from '../world.ts';
import type { OnlineAuthorizer } from '../../firmware/online/authorizer.ts';

/** The embedded default of `onecard sim`: one canteen POS and a handful of cards. */
export const DEFAULT_START = '2026-11-23T11:30:00+08:00';

/**
 * `backend`: a real backend owns the lists. Versions and credit numbers are
 * the backend's to give, so the terminal starts with none of its own — a
 * seeded "version 1" would hide the backend's version 1 (a lost card never
 * arriving) and a seeded credit #1 would shadow the backend's.
 */
export async function defaultWorld(seed: number, reader: SimReaderKind = 'virtual', opts: { startMs?: number; authorizer?: OnlineAuthorizer; locked?: () => { locked: boolean; text: string }; backend?: boolean } = {}): Promise<SimWorld> {
  const world = new SimWorld({ seed, startMs: opts.startMs ?? Date.parse(DEFAULT_START), reader });
  const pos = world.addTerminal({ name: 'pos1', id: 101, ...(opts.authorizer ? { authorizer: opts.authorizer } : {}), ...(opts.locked ? { locked: opts.locked } : {}) });
  await world.addCard({ name: 'alice', uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 5_000, subsidyCents: 1_000, pin: '1234' });
  await world.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 2_000 });
  await world.addCard({ name: 'carol', uid: '04c4c4c4', number: 1003, cardClass: 4, balanceCents: 10, countPurse: true });
  await world.addCard({ name: 'lost', uid: '04deadbe', number: 3003, cardClass: 1, balanceCents: 9_900 });
  await world.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
  await world.addCard({ name: 'dave', uid: '04d4d4d4', number: 5005, cardClass: 5 }); // an online account
  if (opts.backend) return world;
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
