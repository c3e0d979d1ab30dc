import { pinVerifier } from '../card/layout.ts';
import { equalBytes } from '../crypto/cmac.ts';
import { currentItem, freeEntry, itemEntry, simpleEntry, type EntryResult, type Key } from './entry.ts';
import { type Screen, screens, type Text } from './screen.ts';
import type { PosMemory, PosState, Request } from './state.ts';
import type { PosEffect, PosFacts, PosStep } from './machine.ts';
import { moved, refused, rested, show, shown } from './machine-steps.ts';

/** The POS machine's answer to a key (firmware/pos/machine.ts): entry, PIN, cancel, undo, totals. Pure. */

const PIN_DIGITS_MAX = 6; // the card's PIN verifier takes 4–6 digits (firmware/card/layout.ts pinVerifier)
const PIN_FORMAT = /^\d{4,6}$/;
const LABEL = { amount: { zh: '金额', en: 'Amount' }, topup: { zh: '充值金额', en: 'Top-up' } } satisfies Record<
  string,
  Text
>;

export function onKey(m: PosMemory, k: Key, f: PosFacts): PosStep {
  const s = m.state;
  const pos = f.config.pos;
  if (k === 'cancel') return cancel(m, f);
  if (s.mode === 'await-pin') return pinKey(m, s, k, f);
  if (s.mode === 'retap') return shown(m, screens.tapAgain(), 'error');
  if (k === 'undo') return startUndo(m, f);
  if (k === 'totals') return { memory: m, effects: [{ kind: 'show-totals' }] };
  if (k === 'topup') {
    if (!pos.allowTopup || !f.operator) return shown(m, screens.refused('operator-required'), 'error');
    return moved(m, { mode: 'entry', buffer: '', topup: true }, screens.entry('', LABEL.topup), 'key');
  }
  const topup = s.mode === 'entry' && s.topup;
  if (pos.entryMode === 'simple' && !topup) return entered(m, simpleEntry(k, pos), false, f);
  const buffer = s.mode === 'entry' ? s.buffer : '';
  if (k === 'back') {
    const left = buffer.slice(0, -1);
    return moved(m, { mode: 'entry', buffer: left, topup }, entryScreen(left, topup, f), 'key');
  }
  return entered(
    m,
    pos.entryMode === 'item' && !topup ? itemEntry(buffer, k, pos.menu) : freeEntry(buffer, k),
    topup,
    f,
  );
}

/** The screen while keying: a top-up's or a free amount, or in item mode the codes and the item being keyed. */
function entryScreen(buffer: string, topup: boolean, f: PosFacts): Screen {
  if (topup) return screens.entry(buffer, LABEL.topup);
  const pos = f.config.pos;
  if (pos.entryMode === 'item') return screens.itemEntry(buffer, currentItem(buffer, pos.menu));
  return screens.entry(buffer, LABEL.amount);
}

function entered(m: PosMemory, r: EntryResult, topup: boolean, f: PosFacts): PosStep {
  if (r.kind === 'error') return shown(m, screens.message({ zh: r.zh, en: r.en }), 'error');
  if (r.kind === 'editing') {
    return moved(m, { mode: 'entry', buffer: r.buffer, topup }, entryScreen(r.buffer, topup, f), 'key');
  }
  if (!topup && f.config.pos.requireOperator && !f.operator)
    return shown(rested(m, f), screens.refused('operator-required'), 'error');
  const request: Request = topup
    ? { kind: 'topup', amountCents: r.amountCents }
    : { kind: 'sale', amountCents: r.amountCents, lines: r.lines };
  return moved(m, { mode: 'await-card', request, pinFor: null }, screens.awaitCard(r.amountCents, topup), 'key');
}

function cancel(m: PosMemory, f: PosFacts): PosStep {
  const s = m.state;
  // A cut write that may have landed stays open in the journal; the card settles it at its next tap (onCard reports it).
  if (s.mode === 'retap' && s.uncertain) {
    const left = { intentSeq: s.intentSeq, cardNumber: s.cardNumber, label: s.label };
    return {
      memory: { ...rested(m, f), unsettled: [...m.unsettled, left] },
      effects: [
        show(screens.cancelledUnknown(s.label), 'error'),
        {
          kind: 'warn',
          event: 'pos.cancel.outcome-unknown',
          fields: { intentSeq: s.intentSeq, cardNumber: s.cardNumber },
        },
      ],
    };
  }
  return { memory: rested(m, f), effects: [{ kind: 'show-resting', beep: 'key' }] };
}

function pinKey(m: PosMemory, s: Extract<PosState, { mode: 'await-pin' }>, k: Key, f: PosFacts): PosStep {
  if (/^[0-9]$/.test(k)) {
    if (s.buffer.length >= PIN_DIGITS_MAX) return shown(m, screens.enterPin(s.buffer.length, s.why), 'error');
    return moved(m, { ...s, buffer: s.buffer + k }, screens.enterPin(s.buffer.length + 1, s.why), 'key');
  }
  if (k === 'back')
    return moved(
      m,
      { ...s, buffer: s.buffer.slice(0, -1) },
      screens.enterPin(Math.max(0, s.buffer.length - 1), s.why),
      'key',
    );
  if (k !== 'confirm') return shown(m, screens.enterPin(s.buffer.length, s.why), 'error');
  // A PIN of the wrong length cannot be right: a keying slip (say an amount typed here), not an attempt to count.
  if (!PIN_FORMAT.test(s.buffer)) return moved(m, { ...s, buffer: '' }, screens.pinMalformed(s.why), 'error');
  const cardNumber = s.card.identity.cardNumber;
  if (equalBytes(pinVerifier(s.buffer, s.card.uid, s.keys.mac), s.card.identity.pinVerifier)) {
    // The PIN is bound to this card and this request: another card tapped next is asked its own.
    return moved(m, { mode: 'await-card', request: s.request, pinFor: cardNumber }, screens.pinAccepted(), 'ok');
  }
  const attempts = s.attempts + 1;
  const warn: PosEffect = { kind: 'warn', event: 'pos.pin.wrong', fields: { cardNumber, attempts } };
  if (attempts >= f.config.pos.pinAttemptsMax) {
    const r = refused(rested(m, f), s.card, 'pin-locked', `${attempts} wrong PINs`);
    return { memory: r.memory, effects: [warn, ...r.effects] };
  }
  return {
    memory: { ...m, state: { ...s, buffer: '', attempts } },
    effects: [warn, show(screens.refused('pin-wrong'), 'error')],
  };
}

function startUndo(m: PosMemory, f: PosFacts): PosStep {
  const sale = m.lastSale;
  if (!sale) return shown(m, screens.refused('nothing-to-undo'), 'error');
  if (f.nowMs - sale.atMs > f.config.pos.undoWindowMs) return shown(m, screens.refused('undo-expired'), 'error');
  return moved(m, { mode: 'await-undo', sale }, screens.awaitUndoCard(sale.chargedAmount, sale.unit), 'key');
}
