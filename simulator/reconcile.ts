import type { CardImage } from '../firmware/card/app.ts';
import { isRecordOf, type Journal, type JournalRecord } from '../firmware/store/journal/journal.ts';
import { KIND, type IntentBody } from '../protocol/messages/record-kinds.ts';
import { settlement, type CounterSighting } from '../protocol/settlement.ts';
import { scanJournal } from './journal-scan.ts';
import type { SimWorld } from './world.ts';

/**
 * The money invariant across a fleet, checked the way a backend would: every
 * card's purse equals its issued value minus every landed write in every
 * terminal's journal, and its counter went up by one per landed write with no
 * counter landed twice. Uncertain writes are settled here from the evidence
 * other terminals recorded (the counter and writer they read), so a card that
 * tapped elsewhere after a tear still reconciles.
 *
 * A checker of the terminal's money code, so it imports none of it (firmware/card-tx):
 * it reads the journals' records and the cards' images and derives the money
 * itself; only the settlement rule (protocol/settlement.ts) and the record kinds are shared.
 */
export interface CardLedger {
  name: string;
  issuedTotal: number; // balance + subsidy at issue
  card: CardImage;
}

export interface ReconcileReport {
  ok: boolean;
  problems: string[];
  landed: number;
  unresolved: number;
}

interface Tx {
  terminalId: number;
  record: JournalRecord<IntentBody>;
  outcome: 'landed' | 'not-landed' | 'open';
}

function intentsOf(journal: Journal, terminalId: number): Tx[] {
  const outcomes = new Map<number, Tx['outcome']>();
  const intents: JournalRecord<IntentBody>[] = [];
  for (const r of scanJournal(journal)) {
    if (isRecordOf(r, KIND.intent)) intents.push(r);
    else if (r.kind === KIND.commit && r.ref !== null) outcomes.set(r.ref, 'landed');
    else if (r.kind === KIND.abort && r.ref !== null) outcomes.set(r.ref, 'not-landed');
    else if (isRecordOf(r, KIND.settle) && r.ref !== null) outcomes.set(r.ref, r.body.outcome);
  }
  return intents.map((record) => ({ terminalId, record, outcome: outcomes.get(record.seq) ?? 'open' }));
}

/** Decides an open intent from what others saw (protocol/settlement.ts): who holds the counter it aimed at. */
function settleFromEvidence(x: Tx, all: Tx[], card: CardImage): Tx['outcome'] {
  const target = x.record.body.next.counter;
  const others = all.filter((y) => y !== x);
  const outcome = settlement({
    write: { terminalId: x.terminalId, next: x.record.body.next },
    otherLandedAtTarget: others.some((y) => y.outcome === 'landed' && y.record.body.next.counter === target),
    slots: card.slots.flatMap((s) => (s.ok ? [s.value] : [])),
    cardCounter: card.purse.counter,
    sightings: others.flatMap((y) => sightingsOf(y.record.body)),
  });
  return outcome === 'unknown' ? 'open' : outcome;
}

/** What the writer of an intent read on the card: its current slot and, if valid, the other one. */
function sightingsOf(b: IntentBody): CounterSighting[] {
  const current = { counter: b.counterBefore, writer: b.writerBefore };
  return b.otherSlot ? [current, b.otherSlot] : [current];
}

export function reconcile(journals: { terminalId: number; journal: Journal }[], cards: CardLedger[]): ReconcileReport {
  const problems: string[] = [];
  const all = journals.flatMap((j) => intentsOf(j.journal, j.terminalId));
  let landed = 0;
  let unresolved = 0;
  for (const c of cards) {
    const txs = all.filter((t) => t.record.body.cardNumber === c.card.identity.cardNumber);
    for (const t of txs) if (t.outcome === 'open') t.outcome = settleFromEvidence(t, txs, c.card);
    const open = txs.filter((t) => t.outcome === 'open');
    unresolved += open.length;
    for (const t of open)
      problems.push(
        `${c.name}: intent ${t.terminalId}#${t.record.seq} (counter ${t.record.body.counterAfter}) cannot be settled`,
      );
    const done = txs.filter((t) => t.outcome === 'landed');
    landed += done.length;
    const moved = done.reduce((s, t) => s + t.record.body.chargedAmount, 0);
    const now = c.card.purse.balance + c.card.purse.subsidy;
    if (c.issuedTotal - moved !== now)
      problems.push(
        `${c.name}: issued ${c.issuedTotal} - journals ${moved} = ${c.issuedTotal - moved}, card holds ${now}`,
      );
    const counters = done.map((t) => t.record.body.counterAfter).sort((a, b) => a - b);
    const expected = Array.from({ length: c.card.purse.counter }, (_, i) => i + 1);
    if (counters.join(',') !== expected.join(','))
      problems.push(`${c.name}: landed counters [${counters.join(',')}], card counter ${c.card.purse.counter}`);
  }
  return { ok: problems.length === 0, problems, landed, unresolved };
}

/** The money invariant over every card of a world (read as the issuer would) and every terminal's journal. */
export async function reconcileWorld(
  world: Pick<SimWorld, 'cards' | 'terminals' | 'inspect'>,
): Promise<ReconcileReport> {
  const ledgers: CardLedger[] = [];
  for (const [name, c] of world.cards) {
    ledgers.push({
      name,
      issuedTotal: (c.spec.balanceCents ?? 0) + (c.spec.subsidyCents ?? 0),
      card: await world.inspect(name),
    });
  }
  const journals = [...world.terminals.values()].map((t) => ({
    terminalId: t.terminal.config.terminal.id,
    journal: t.terminal.journal,
  }));
  return reconcile(journals, ledgers);
}
