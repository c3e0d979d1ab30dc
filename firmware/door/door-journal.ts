import { KIND } from '../../protocol/index.ts';
import { isRecordOf, type Journal } from '../store/journal/journal.ts';
import type { DoorRecord } from './controller.ts';
import { type Presence, presenceAfter } from './decide.ts';

/**
 * A door's decisions and alarms go through the journal like sales: durable
 * before the relay is the next thing anyone looks at, uploaded by the same sync.
 * The controller reports them (`record`); the composition root hands this in.
 */
/** The record's seq. */
export function journalDoorRecord(journal: Journal, r: DoorRecord): number {
  switch (r.kind) {
    case 'door.granted': {
      const { kind: _k, ...body } = r;
      return journal.append(KIND.doorGranted, body, { card: r.cardNumber ?? undefined }).seq;
    }
    case 'door.refused': {
      const { kind: _k, ...body } = r;
      return journal.append(KIND.doorRefused, body, { card: r.cardNumber ?? undefined }).seq;
    }
    case 'door.alarm': {
      const { kind: _k, ...body } = r;
      return journal.append(KIND.doorAlarm, body).seq;
    }
  }
}

/** A card's records on a door terminal are mostly its passages: its last one with a side is among its newest. */
const PRESENCE_SCAN_RECORDS = 32;

/**
 * Where the journal last saw the card pass a paired reader of a door with
 * anti-passback (`doorIds`): what the controller knew before a restart. Null
 * when the journal no longer holds such a passage (first use, or pruned after
 * the backend acknowledged it): the next passage is let through, as at first use.
 */
export function journaledPresence(journal: Journal, cardNumber: number, doorIds: ReadonlySet<number>): Presence | null {
  for (const r of journal.byCard(cardNumber, PRESENCE_SCAN_RECORDS)) {
    if (isRecordOf(r, KIND.doorGranted) && r.body.direction !== null && doorIds.has(r.body.doorId))
      return presenceAfter(r.body.direction);
  }
  return null;
}
