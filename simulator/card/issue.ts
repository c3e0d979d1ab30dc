import { CardApp } from '../../firmware/card/app.ts';
import type { MasterKeys } from '../../firmware/card/keys.ts';
import { cardDay, isoToCardDay, type Clock } from '../../firmware/core/clock.ts';
import { VirtualClassicCard } from './virtual-classic.ts';
import { VirtualReader } from './virtual-reader.ts';

/** A card as a scenario describes it. Amounts in cents (uses for a count purse). */
export interface SimCardSpec {
  name: string;
  uid: string; // 8 or 14 hex digits
  number: number;
  cardClass: number;
  balanceCents?: number;
  subsidyCents?: number;
  pin?: string;
  expires?: string; // YYYY-MM-DD
  frozen?: boolean;
  countPurse?: boolean;
  tenantId?: number;
}

/** Issues a blank virtual card with the card application, as the issuer role does. */
export async function issueSimCard(spec: SimCardSpec, master: MasterKeys, clock: Clock): Promise<VirtualClassicCard> {
  if (!/^([0-9a-f]{8}|[0-9a-f]{14})$/i.test(spec.uid))
    throw new Error(`card "${spec.name}": uid must be 8 or 14 hex digits, got "${spec.uid}"`);
  const card = VirtualClassicCard.blank(new Uint8Array(Buffer.from(spec.uid, 'hex')));
  const reader = new VirtualReader();
  reader.place(card);
  const today = cardDay(clock.nowMs(), 480);
  const result = await new CardApp(master).issue(
    reader.open()!,
    {
      tenantId: spec.tenantId ?? 1,
      cardNumber: spec.number,
      cardClass: spec.cardClass,
      expiryDay: spec.expires ? isoToCardDay(spec.expires) : today + 3650,
      issueDay: today,
      flags: { frozen: spec.frozen ?? false, pinRequired: false, countPurse: spec.countPurse ?? false },
    },
    {
      counter: 0,
      balance: spec.balanceCents ?? 0,
      subsidy: spec.subsidyCents ?? 0,
      lastCreditSeq: 0,
      day: today,
      spentToday: 0,
      writerTerminalId: 0,
    },
    spec.pin,
  );
  reader.remove();
  if (result.kind !== 'written') throw new Error(`card "${spec.name}": issuing failed: ${result.problem}`);
  return card;
}
