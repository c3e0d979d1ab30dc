import type { PunchType } from '../attendance/punch.ts';
import type { CardSession } from '../card/session.ts';
import type { CardApp } from '../card/app.ts';
import type { Direction } from '../door/decide.ts';
import type { Gate, GateOutcome } from '../parking/gate-app.ts';
import type { Credential } from '../policy/credential.ts';
import type { RoleApp } from './role-app.ts';
import { formatCents } from '../core/money.ts';

/** What a role's tap came to, for the signals and the log; the role's app journals the decision itself. */
export type RoleTapOutcome = { kind: 'accepted' | 'refused'; text: string };

/**
 * Which reader the card is at, when the role has more than one: a door's
 * (and its side, for paired in/out readers), a punch clock's own type (a
 * reader by the entrance punches "in"), a car park's barrier.
 */
export interface RoleReader {
  /** A single-door terminal's reader is door 0's; a controller of several doors has a reader per door. */
  doorId?: number;
  /** The paired reader's side for anti-passback; null or absent on a door with one reader. */
  direction?: Direction | null;
  /** The punch type the reader itself stands for; absent: the keys choose. */
  punchType?: PunchType | null;
  /** The barrier whose reader it is; a parking tap without one opens nothing. */
  gate?: Gate;
}

/**
 * A card at a door's, a punch clock's or a barrier's reader. Doors and punch
 * clocks read and MAC-check its identity (key A only: these terminals hold no
 * key that writes money) and hand it to the role; a barrier reads it itself
 * (the exit charges the purse). A card that does not read (forged, not ours,
 * pulled away) opens nothing and punches nothing.
 */
export async function roleTap(
  app: RoleApp,
  cards: CardApp,
  session: CardSession,
  reader: RoleReader = {},
): Promise<RoleTapOutcome | null> {
  // The desk's tap runs the operation its operator chose (DeskApp.tap). A kiosk keeps
  // the card on its reader for the whole top-up (KioskApp.tap / cardGone).
  if (app.role === 'pos' || app.role === 'desk' || app.role === 'kiosk') return null;
  if (app.role === 'parking') return reader.gate === undefined ? null : gateTap(app, session, reader.gate);
  const read = await cards.read(session);
  if (!read.ok) return { kind: 'refused', text: `card not read (${read.reason}): ${read.problem}` };
  return credentialTap(app, { kind: 'card', identity: read.card.identity }, reader);
}

/**
 * A bare card number at a door's, a punch clock's or a barrier's reader (a
 * Wiegand reader): nothing on a card to check but the lists. A barrier lifts
 * for it only when no fee is due (a pass, the free minutes): a fee needs a
 * card to take it from.
 */
export async function roleNumberTap(
  app: RoleApp,
  cardNumber: number,
  reader: RoleReader = {},
): Promise<RoleTapOutcome | null> {
  if (app.role === 'pos' || app.role === 'desk' || app.role === 'kiosk') return null;
  if (app.role === 'parking')
    return reader.gate === undefined ? null : gateOutcome(await app.gates.tapNumber(reader.gate, cardNumber));
  return credentialTap(app, { kind: 'uid', cardNumber }, reader);
}

function credentialTap(
  app: Extract<RoleApp, { role: 'door' | 'attendance' }>,
  credential: Credential,
  reader: RoleReader,
): RoleTapOutcome {
  if (app.role === 'door') {
    const v = app.doors.tap(reader.doorId ?? 0, credential, reader.direction ?? null);
    if (v.kind === 'shut') return { kind: 'refused', text: v.detail };
    return { kind: 'accepted', text: `open (${v.cause})${v.passbackViolation ? ': passback, alarm recorded' : ''}` };
  }
  const v = app.punches.tap(credential, reader.punchType ?? null);
  if (v.kind === 'refuse') return { kind: 'refused', text: v.detail };
  const who = v.name ?? `card ${v.kind === 'punch' ? v.body.cardNumber : v.cardNumber}`;
  if (v.kind === 'punch') return { kind: 'accepted', text: `punch ${v.body.type}, ${who}` };
  // Shown with its age, so a person sees why the second tap stored nothing.
  const agoS = Math.floor(v.sinceMs / 1000);
  return { kind: 'accepted', text: `already punched ${v.type} ${agoS} s ago, ${who}: not stored again` };
}

async function gateTap(
  app: Extract<RoleApp, { role: 'parking' }>,
  session: CardSession,
  gate: Gate,
): Promise<RoleTapOutcome> {
  return gateOutcome(await app.gates.tap(gate, session));
}

function gateOutcome(out: GateOutcome): RoleTapOutcome {
  const { gate } = out;
  if (out.kind === 'refused') return { kind: 'refused', text: `${gate}: barrier stays down — ${out.detail}` };
  if (out.kind === 'tap-again')
    return { kind: 'refused', text: `${gate}: card left mid-write (${out.detail}); tap again` };
  const fee = gate === 'exit' ? `, fee ${formatCents(out.feeCents)}` : '';
  return { kind: 'accepted', text: `${gate}: barrier up${fee}` };
}
