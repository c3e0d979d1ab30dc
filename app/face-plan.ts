import type { Lamp } from '../drivers/customer-display/index.ts';
import { type Lang, type Sentence, say } from '../drivers/voice/sentences.ts';
import type { Figure } from '../firmware/pos/screen.ts';

/**
 * What the customer display and the voice make of a POS screen's figure:
 * pure, so the choice of lamp and sentence is tested without a device.
 */
export type PoleShow = { lamp: Lamp; amountCents: number } | 'clear' | 'keep';

/** Due lights the total lamp, a payment the paid lamp; a refusal keeps the amount up; no figure blanks it. */
export function poleShowFor(figure: Figure | undefined): PoleShow {
  if (!figure) return 'clear';
  switch (figure.kind) {
    case 'due':
      return { lamp: 'total', amountCents: figure.amountCents };
    case 'paid':
    case 'topped-up':
      return { lamp: 'paid', amountCents: figure.amountCents };
    case 'balance':
      // No lamp means "balance" on a pole display: the number alone, every lamp off.
      return { lamp: 'off', amountCents: figure.balanceCents };
    case 'refused':
    case 'tap-again':
      return 'keep';
  }
}

/** The sentence a result is spoken as; an amount still due is not spoken (the cashier is still keying). */
export function sentenceFor(figure: Figure | undefined, lang: Lang): Sentence | null {
  if (!figure) return null;
  switch (figure.kind) {
    case 'due':
      return null;
    case 'paid':
      return say.paid(lang, figure.amountCents, figure.balanceCents);
    case 'topped-up':
      return say.toppedUp(lang, figure.amountCents, figure.balanceCents);
    case 'balance':
      return say.balance(lang, figure.balanceCents);
    case 'refused':
      return say.refused(lang, figure.reason);
    case 'tap-again':
      return say.tapAgain(lang);
  }
}
