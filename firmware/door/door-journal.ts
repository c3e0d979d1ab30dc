import { KIND } from '../../protocol/index.ts';
import type { Journal } from '../store/journal/journal.ts';
import type { DoorRecord } from './controller.ts';

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
