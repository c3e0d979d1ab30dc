import type { ListAck, ListDelta, ListSnapshot } from '../../protocol/index.ts';
import type { ListApplier } from './lists.ts';
import { TimerSlot, type Scheduler } from './scheduler.ts';

/**
 * Runs a ListApplier one step per scheduler turn: a tap queued on the event
 * loop runs between two steps, so it waits at most one slice (bench:
 * "longest slice"), never a whole 1M-entry snapshot. Keeps running across
 * sessions: what was received is staged even if the link drops meanwhile
 * (an answer that cannot be sent then is harmless: the next STATUS says
 * which versions the terminal holds).
 */
export class ListPump {
  private readonly slot: TimerSlot;

  constructor(
    private readonly applier: ListApplier,
    scheduler: Scheduler,
    private readonly answer: (ack: ListAck) => void,
  ) {
    this.slot = new TimerSlot(scheduler);
  }

  receive(m: ListDelta | ListSnapshot): void {
    const ack = this.applier.receive(m);
    if (ack) this.answer(ack);
    this.kick();
  }

  /** Makes sure a turn is scheduled while there is work. */
  kick(): void {
    if (!this.applier.busy || this.slot.armed) return;
    this.slot.arm(0, () => {
      const ack = this.applier.step();
      if (ack) this.answer(ack);
      this.kick();
    });
  }

  stop(): void {
    this.slot.disarm();
  }
}
