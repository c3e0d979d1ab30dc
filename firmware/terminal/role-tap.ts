import type { CardSession } from '../card/session.ts';
import type { CardApp } from '../card/app.ts';
import type { RoleApp } from './role-app.ts';

/** What a role's tap came to, for the signals and the log; the role's app journals the decision itself. */
export type RoleTapOutcome = { kind: 'accepted' | 'refused'; text: string };

/**
 * A card at a door's or a punch clock's reader: its identity is read and
 * MAC-checked (key A only: these terminals hold no key that writes money),
 * then handed to the role. A card that does not read (forged, not ours,
 * pulled away) opens nothing and punches nothing.
 */
export async function roleTap(
  app: RoleApp,
  cards: CardApp,
  session: CardSession,
  doorId = 0,
): Promise<RoleTapOutcome | null> {
  // Parking taps come per barrier (ParkingGates.tap): one reader cannot say which.
  // The desk's tap runs the operation its operator chose (DeskApp.tap). A kiosk keeps
  // the card on its reader for the whole top-up (KioskApp.tap / cardGone).
  if (app.role === 'pos' || app.role === 'parking' || app.role === 'desk' || app.role === 'kiosk') return null;
  const read = await cards.read(session);
  if (!read.ok) return { kind: 'refused', text: `card not read (${read.reason}): ${read.problem}` };
  const credential = { kind: 'card' as const, identity: read.card.identity };
  if (app.role === 'door') {
    // A single-door terminal's reader is door 0's; a controller of several doors has a reader per door.
    const v = app.doors.tap(doorId, credential);
    return v.kind === 'open' ? { kind: 'accepted', text: `open (${v.cause})` } : { kind: 'refused', text: v.detail };
  }
  const v = app.punches.tap(credential);
  if (v.kind === 'refuse') return { kind: 'refused', text: v.detail };
  if (v.kind === 'punch') return { kind: 'accepted', text: `punch ${v.body.type}, card ${v.body.cardNumber}` };
  // Shown with its age, so a person sees why the second tap stored nothing.
  const agoS = Math.floor(v.sinceMs / 1000);
  return { kind: 'accepted', text: `already punched ${v.type} ${agoS} s ago, card ${v.cardNumber}: not stored again` };
}
