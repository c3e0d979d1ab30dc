import { checkSetConfig, LIST_REQUEST_KEYS, requestedList, type RequestedList } from '../config/setting.ts';
import type { Logger } from '../core/log.ts';
import type { JournalRecord } from '../store/journal/journal.ts';
import type { Command, CommandResult, ListId } from '../../protocol/index.ts';
import type { StoredCommandResult } from './sync-state.ts';

/**
 * Remote commands (PROTOCOL.md §6.9). Each corrId runs at most once: its
 * result is stored durably before it is sent, and a repeat is answered from
 * that memory. Deadlines are judged on backend time, never the terminal's.
 *
 * What a POS does with each command:
 *   lock / unlock  the durable lock flag (the role must refuse taps while locked: onLockChange)
 *   reprint        the receipt of a journaled sale (hook `reprint`, else a text summary)
 *   open-door      refused: unsupported — a POS drives no door relay (hook `openDoor` for a door role)
 *   reboot         refused unless the runtime gives a `reboot` hook
 *   set-config     `sync.pull` / `sync.resync` (value: a JSON list name) ask for a list again, as
 *                  a delta or as a whole snapshot; any other key is one config setting, checked,
 *                  saved and applied like a CONFIG_PUSH (config-push.ts setOne).
 */
export interface CommandHooks {
  reprint?(journalSeq: number): { ok: boolean; detail: string };
  openDoor?(door: number, pulseMs: number): { ok: boolean; detail: string };
  reboot?(delayMs: number): { ok: boolean; detail: string };
  onLockChange?(locked: boolean, text: string): void;
}

export interface CommandDeps {
  results: {
    commandResult(corrId: number): StoredCommandResult | null;
    saveCommandResult(r: StoredCommandResult): void;
  };
  lock: { setLock(locked: boolean, text: string): void };
  journal: { get(seq: number): JournalRecord | undefined; lastSeq(): number };
  /** Backend time now (last backend time heard + time elapsed since), or null before any. */
  backendNowMs(): number | null;
  /** Asks the backend for a list again (haveVersion 0 = a whole snapshot). */
  pullList(list: ListId, fromScratch: boolean): boolean;
  /** One setting into the config in force (config-push.ts ConfigReceiver.setOne). */
  setConfig(key: string, valueJson: string): Outcome;
  hooks: CommandHooks;
  log: Logger;
}

/** How far back `reprint 0` looks for the last sale. */
const REPRINT_SCAN_RECORDS_MAX = 200;

export type Outcome = { status: CommandResult['status']; detail?: string };

export class CommandRunner {
  constructor(private readonly d: CommandDeps) {}

  run(cmd: Command): CommandResult {
    const known = this.d.results.commandResult(cmd.corrId);
    if (known) {
      this.d.log.info('sync.command-repeated', { corrId: cmd.corrId, status: known.status });
      return toResult(known);
    }
    const backendNow = this.d.backendNowMs();
    let out: Outcome;
    if (cmd.notAfterMs !== 0 && backendNow !== null && backendNow > cmd.notAfterMs)
      out = {
        status: 'expired',
        detail: `notAfterMs passed ${Math.round((backendNow - cmd.notAfterMs) / 1000)} s ago`,
      };
    else out = this.execute(cmd);
    const stored: StoredCommandResult = {
      corrId: cmd.corrId,
      status: out.status,
      ...(out.detail !== undefined ? { detail: out.detail.slice(0, 500) } : {}),
    };
    this.d.results.saveCommandResult(stored);
    this.d.log.info('sync.command', {
      corrId: cmd.corrId,
      command: cmd.command,
      status: out.status,
      detail: out.detail,
    });
    return toResult(stored);
  }

  private execute(cmd: Command): Outcome {
    const h = this.d.hooks;
    switch (cmd.command) {
      case 'lock':
      case 'unlock': {
        const locked = cmd.command === 'lock';
        const text = cmd.command === 'lock' ? cmd.text : '';
        this.d.lock.setLock(locked, text);
        h.onLockChange?.(locked, text);
        return { status: 'done', detail: locked ? `locked: ${text}` : 'unlocked' };
      }
      case 'reprint':
        return this.reprint(cmd.journalSeq);
      case 'open-door':
        if (!h.openDoor) return { status: 'refused', detail: 'unsupported: this terminal has no door relay' };
        return fromHook(h.openDoor(cmd.door, cmd.pulseMs));
      case 'reboot':
        if (!h.reboot) return { status: 'refused', detail: 'unsupported: this runtime does not reboot on command' };
        return fromHook(h.reboot(cmd.delayMs));
      case 'set-config':
        return this.setConfig(cmd.key, cmd.value);
      case 'unknown':
        return { status: 'unknown-command', detail: `command code ${cmd.code}` };
    }
  }

  private reprint(journalSeq: number): Outcome {
    const rec = journalSeq === 0 ? this.lastSale() : this.d.journal.get(journalSeq);
    if (!rec || !isSale(rec))
      return {
        status: 'failed',
        detail: journalSeq === 0 ? 'no recent sale to reprint' : `journal seq ${journalSeq} is not a sale`,
      };
    if (this.d.hooks.reprint) return fromHook(this.d.hooks.reprint(rec.seq));
    const b = rec.body as { cardNumber?: number; chargedAmount?: number; amountCents?: number };
    return {
      status: 'done',
      detail: `receipt of #${rec.seq}: card ${b.cardNumber ?? rec.card} amount ${b.chargedAmount ?? b.amountCents} cents`,
    };
  }

  private lastSale(): JournalRecord | undefined {
    const last = this.d.journal.lastSeq();
    for (let seq = last; seq > 0 && seq > last - REPRINT_SCAN_RECORDS_MAX; seq--) {
      const rec = this.d.journal.get(seq);
      if (rec && isSale(rec)) return rec;
    }
    return undefined;
  }

  private setConfig(key: string, value: string): Outcome {
    if (!LIST_REQUEST_KEYS.includes(key)) return this.d.setConfig(key, value);
    const wrong = checkSetConfig(key, value);
    if (wrong !== null) return { status: 'bad-args', detail: wrong };
    const list = requestedList(JSON.parse(value)) as RequestedList;
    return this.d.pullList(list, key === 'sync.resync')
      ? { status: 'done', detail: `${list} requested` }
      : { status: 'failed', detail: 'session not open' };
  }
}

function isSale(rec: JournalRecord): boolean {
  const b = rec.body as { tx?: string; outcome?: string };
  return (rec.kind === 'card.intent' && b.tx === 'sale') || rec.kind === 'online.request';
}

function fromHook(r: { ok: boolean; detail: string }): Outcome {
  return { status: r.ok ? 'done' : 'failed', detail: r.detail };
}

function toResult(s: StoredCommandResult): CommandResult {
  const m: CommandResult = { type: 'commandResult', corrId: s.corrId, status: s.status as CommandResult['status'] };
  if (s.detail !== undefined) m.detail = s.detail;
  return m;
}
