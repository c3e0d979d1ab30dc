import type { BillEntry } from './bill-table.ts';
import {
  acknowledge,
  afterSent,
  type CoreState,
  type Decision,
  decide,
  initialCore,
  nextCommand,
  onBillTable,
  onNoReply,
  onPoll,
  type Outcome,
} from './core.ts';
import { decodePoll, type DeviceState } from './device-state.ts';
import type { CashEvent, StackedEvent } from './events.ts';
import type { Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/log.ts';
import type { Scheduler } from '../../../base/scheduler.ts';
import { type CcnetPort, CcnetLink } from './link.ts';

/** CCNET asks for a POLL every 100-200 ms; 200 ms halves the bus load and still feels instant at the slot. */
export const POLL_INTERVAL_MS = 200;

export type DriverResult = { ok: true } | { ok: false; error: string };

export interface CcnetDeps {
  scheduler: Scheduler;
  clock: Clock;
  /** One record per state move and per event (there is no secret in either). */
  logger?: Logger;
}

/**
 * The CashCode bill validator driver: the I/O shell around core.ts. The caller
 * says what it wants (enable, stack, return, hold, acknowledge) and takes
 * events; `cycle()` does one exchange with the device; `startPolling()` runs
 * cycles on the injected scheduler.
 */
export class CcnetDriver {
  private core: CoreState = initialCore();
  private readonly queue: CashEvent[] = [];
  private readonly link: CcnetLink;

  constructor(
    port: CcnetPort,
    private readonly deps: CcnetDeps,
  ) {
    this.link = new CcnetLink(port, deps.scheduler);
  }

  get device(): DeviceState {
    return this.core.device;
  }
  get billTable(): readonly BillEntry[] | undefined {
    return this.core.billTable;
  }
  get openStacked(): readonly StackedEvent[] {
    return this.core.openStacked;
  }
  get linkCounters(): Readonly<CcnetLink['counters']> {
    return this.link.counters;
  }

  /** Accept these bill types (each held in escrow for a decision); [] or disable() accepts none. */
  enable(billTypes: readonly number[]): DriverResult {
    const bad = billTypes.find((t) => !Number.isInteger(t) || t < 0 || t > 23);
    if (bad !== undefined) return { ok: false, error: `bill type ${bad} is not 0..23` };
    this.move({ core: { ...this.core, wanted: [...billTypes] }, events: [] }, `want ${billTypes.join(',') || 'none'}`);
    return { ok: true };
  }

  disable(): void {
    this.move({ core: { ...this.core, wanted: null }, events: [] }, 'want none');
  }

  stack(): DriverResult {
    return this.decision('stack');
  }
  returnBill(): DriverResult {
    return this.decision('return');
  }
  hold(): DriverResult {
    return this.decision('hold');
  }

  /** The caller has recorded the stacked bill: the validator may take the next one. */
  acknowledge(stackedId: number): DriverResult {
    const r = acknowledge(this.core, stackedId);
    if (!r.ok) return r;
    this.move({ core: r.core, events: [] }, `acknowledged stacked #${stackedId}`);
    return { ok: true };
  }

  /** Events since the last call, oldest first. */
  takeEvents(): CashEvent[] {
    return this.queue.splice(0);
  }

  /** One exchange with the validator: the command due now (POLL when nothing else is), and its answer. */
  async cycle(): Promise<void> {
    const now = this.deps.clock.nowMs();
    const command = nextCommand(this.core, now);
    const reply = await this.link.exchange(command.payload, command.expectsData);
    if (reply.kind === 'no-reply') return this.move(onNoReply(this.core), `${command.name}: ${reply.detail}`);
    if (reply.kind === 'illegal') return this.refused(command.name, 'illegal command');
    if (command.name === 'POLL') {
      if (reply.kind !== 'data') return this.refused(command.name, 'ACK instead of a state');
      const polled = decodePoll(reply.payload);
      if (!polled.ok) return this.refused(command.name, polled.error);
      return this.move(onPoll(this.core, polled.state, now), 'poll');
    }
    if (command.name === 'GET BILL TABLE') {
      if (reply.kind !== 'data') return this.refused(command.name, 'ACK instead of a table');
      return this.move(onBillTable(this.core, reply.payload), 'bill table');
    }
    return this.move(afterSent(this.core, command, now), command.name);
  }

  private decision(d: Decision): DriverResult {
    const r = decide(this.core, d);
    if (!r.ok) return r;
    this.move({ core: r.core, events: [] }, d);
    return { ok: true };
  }

  private refused(command: string, detail: string): void {
    this.move({ core: { ...this.core, stale: true }, events: [{ kind: 'refused', command, detail }] }, command);
  }

  /** The one place the driver's state is assigned, its events queued and the move logged. */
  private move(out: Outcome, why: string): void {
    const from = this.core.device.kind;
    this.core = out.core;
    this.queue.push(...out.events);
    const logger = this.deps.logger;
    if (!logger) return;
    if (from !== out.core.device.kind) logger.info('ccnet.state', { from, to: out.core.device.kind, why });
    for (const e of out.events) logger.info('ccnet.event', { ...e });
  }
}

/** Runs cycles every `intervalMs` on the injected scheduler, one at a time; returns the stop function. */
export function startPolling(driver: CcnetDriver, scheduler: Scheduler, intervalMs = POLL_INTERVAL_MS): () => void {
  let stopped = false;
  let cancel = () => {};
  const tick = async () => {
    if (stopped) return;
    await driver.cycle();
    if (!stopped) cancel = scheduler.after(intervalMs, tick);
  };
  cancel = scheduler.after(0, tick);
  return () => {
    stopped = true;
    cancel();
  };
}
