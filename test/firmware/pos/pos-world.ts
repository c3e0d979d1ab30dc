import { SimWorld, type SimReaderKind } from '../../../simulator/world.ts';
import { scanJournal } from '../../../simulator/journal-scan.ts';
import { splitKeys } from '../../../simulator/scenario/schema.ts';
import type { PosOutput } from '../../../firmware/pos/pos.ts';

/** One till (pos1, terminal 101) and the cards the POS tests use, on the reader given. */
export const START = Date.parse('2026-11-23T11:30:00+08:00');
export const READERS = ['virtual', 'mfrc522'] as const;

export async function posWorld(reader: SimReaderKind, pos: Record<string, unknown> = {}): Promise<SimWorld> {
  const w = new SimWorld({ seed: 5, startMs: START, reader });
  w.addTerminal({ name: 'pos1', id: 101, pos });
  await w.addCard({
    name: 'alice',
    uid: '04a1b2c3',
    number: 1001,
    cardClass: 1,
    balanceCents: 20_000,
    subsidyCents: 500,
    pin: '1234',
  });
  await w.addCard({ name: 'bob', uid: '04112233445566', number: 1002, cardClass: 2, balanceCents: 5_000 });
  await w.addCard({ name: 'carol', uid: '04c4c4c4', number: 1003, cardClass: 4, balanceCents: 2, countPurse: true });
  await w.addCard({ name: 'op', uid: '04000009', number: 9001, cardClass: 9 });
  return w;
}

/** Keys as a scenario writes them ("12.5 confirm"); the last screen. */
export const press = (w: SimWorld, keys: string): PosOutput =>
  splitKeys(keys)
    .map((k) => w.key('pos1', k))
    .at(-1)!;

/** What the card holds, cash and subsidy. */
export async function total(w: SimWorld, name: string): Promise<number> {
  const c = await w.inspect(name);
  return c.purse.balance + c.purse.subsidy;
}

export const kinds = (w: SimWorld): string[] =>
  [...scanJournal(w.terminal('pos1').terminal.journal)].map((r) => r.kind);
