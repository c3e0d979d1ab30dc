import { cardDay } from '../../../firmware/core/clock.ts';
import type { IssueSpec } from '../../../firmware/desk/desk-ops.ts';
import { SimWorld } from '../../../simulator/world.ts';

/**
 * Every record the card office journals, offline (no backend): an issue with
 * its opening deposit, a replacement's issue, a pending debit landing at a
 * read, a cash deposit, a PIN set, a cancellation with its payout and wipe. The
 * record-bodies test checks what this writes against the published schema.
 */
export async function deskTour(): Promise<string[]> {
  const w = new SimWorld({ seed: 31, startMs: Date.parse('2026-11-23T09:00:00+08:00') });
  const shown: string[] = [];
  try {
    const t = w.addTerminal({ name: 'desk', id: 100, desk: true });
    const role = t.role;
    if (role.role !== 'desk') throw new Error('not a desk');
    const today = cardDay(w.clock.nowMs(), 480);
    const spec = (s: Partial<IssueSpec>): IssueSpec => ({
      holder: 'Li Lei',
      cardNumber: 5001,
      cardClass: 1,
      expiryDay: today + 365,
      pin: null,
      depositCents: 10_000,
      replaces: null,
      ...s,
    });
    w.addBlankCard('first', '04515151');
    w.addBlankCard('second', '04525252');
    const tap = async (card: string) => shown.push(...(await w.deskTap('desk', card)));
    shown.push(...role.desk.request({ kind: 'issue', spec: spec({}) }));
    await tap('first');
    shown.push(...role.desk.request({ kind: 'issue', spec: spec({ cardNumber: 5002, replaces: 5001, pin: '2468' }) }));
    await tap('second');
    // A pending debit from the backend (a replaced card's late sale), landed at the next read.
    t.credits.add([{ card: 5001, creditSeq: 1, balanceCents: -1_500, subsidyCents: 0, expiryDay: 0 }]);
    await tap('first');
    shown.push(...role.desk.request({ kind: 'deposit', amountCents: 2_000 }));
    await tap('first');
    shown.push(...role.desk.request({ kind: 'pin', pin: '1357' }));
    await tap('first');
    shown.push(...role.desk.request({ kind: 'cancel' }));
    await tap('first');
    return shown;
  } finally {
    w.close();
  }
}
