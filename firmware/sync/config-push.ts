import { ConfigError, parseConfig, type TerminalConfig } from '../config/schema.ts';
import { checkSetConfig } from '../config/setting.ts';
import type { Logger } from '../core/log.ts';
import { writeFileDurable } from '../store/durable-file.ts';
import type { ConfigAck, ConfigPush } from '../../protocol/index.ts';
import type { StoredConfigAck } from './sync-state.ts';

/**
 * CONFIG_PUSH (PROTOCOL.md §6.8), the terminal's side. The body is the whole
 * config file. In order:
 *   1. a corrId answered before gets the same answer again (nothing re-runs);
 *   2. a version ≤ the one in force is `stale`: a re-sent push is harmless;
 *   3. the body must pass the schema (the same check and message as the
 *      file at start), and must keep what the installer set for this box —
 *      terminal.id and storage.* — or it is `rejected` and nothing changes;
 *   4. the file is rewritten durably (tmp + fsync + rename), then the role
 *      takes the config (hook `applyConfig`: between taps, never mid-sale),
 *      then the version in force and the answer are stored in one
 *      transaction, and the answer is `applied`. Settings the role reads only
 *      at start are named in the ack's problem text ("takes effect on restart").
 * A crash before the version is stored leaves the new file under the old
 * version: the backend sees the old version in STATUS and pushes again, and
 * the same document is applied again. Without a file (the simulator) the
 * pushed config lives in the role until the process ends.
 */
export interface ConfigHooks {
  /** The running role takes a validated config; returns the settings (dotted paths) it reads only at start. */
  applyConfig?(config: TerminalConfig): { restartNeeded: string[] };
}

export interface ConfigSource {
  /** The config in force now (what the installer set is checked against it). */
  current(): TerminalConfig;
  /** The config file to rewrite on a push. */
  path?: string;
}

export interface ConfigPushDeps {
  /** Null: this runtime takes its config from its file only (and does not offer CAP.config). */
  source: ConfigSource | null;
  state: {
    configVersion(): number;
    configAck(corrId: number): StoredConfigAck | null;
    saveConfigAck(a: StoredConfigAck): void;
  };
  hooks: ConfigHooks;
  log: Logger;
}

/** Set by the installer for this one box: a push that changes them is the wrong file, or would strand the journal. */
const FIXED_AT_INSTALL = [
  ['terminal', 'id'],
  ['storage', 'dataDir'],
  ['storage', 'keyFile'],
] as const;

/** The ack's problem text stays one short line (it is shown by `onecard backend config show`). */
const PROBLEM_CHARS_MAX = 500;

type Checked = { ok: true; raw: unknown; config: TerminalConfig } | { ok: false; problem: string };

export class ConfigReceiver {
  constructor(private readonly d: ConfigPushDeps) {}

  /** Whether this runtime takes pushed configs at all (the client offers CAP.config only then). */
  get accepts(): boolean {
    return this.d.source !== null && (this.d.source.path !== undefined || this.d.hooks.applyConfig !== undefined);
  }

  receive(m: ConfigPush): ConfigAck {
    const known = this.d.state.configAck(m.corrId);
    if (known) {
      this.d.log.info('sync.config-repeated', { corrId: m.corrId, status: known.status });
      return toAck(known);
    }
    const inForce = this.d.state.configVersion();
    let answer: StoredConfigAck;
    if (m.version <= inForce) answer = { corrId: m.corrId, version: inForce, status: 'stale' };
    else {
      const checked = this.check(m);
      if (!checked.ok)
        answer = { corrId: m.corrId, version: inForce, status: 'rejected', problem: clip(checked.problem) };
      else {
        const unsaved = this.save(checked.raw);
        // A full disk is not the config's fault: answered, not remembered, so the same push may succeed later.
        if (unsaved !== null)
          return toAck({ corrId: m.corrId, version: inForce, status: 'rejected', problem: clip(unsaved) });
        const later = this.applyLive(checked.config);
        answer = {
          corrId: m.corrId,
          version: m.version,
          status: 'applied',
          ...(later !== null ? { problem: clip(later) } : {}),
        };
      }
    }
    this.d.state.saveConfigAck(answer);
    // Pair assertion: what STATUS will report is what was just answered.
    if (answer.status === 'applied' && this.d.state.configVersion() !== m.version)
      throw new Error(`config v${m.version} applied but v${this.d.state.configVersion()} in force`);
    const log = answer.status === 'rejected' ? this.d.log.warn : this.d.log.info;
    log.call(this.d.log, 'sync.config', {
      corrId: m.corrId,
      version: m.version,
      inForce: answer.version,
      status: answer.status,
      problem: answer.problem,
    });
    return toAck(answer);
  }

  /**
   * The remote command set-config (§6.9): one setting, `key` a dotted path and
   * `valueJson` its JSON value, put into the config in force and then checked,
   * saved and applied exactly like a push. The config version does not move
   * (the backend numbers versions); the next CONFIG_PUSH replaces the whole
   * document, this change included.
   */
  setOne(key: string, valueJson: string): { status: 'done' | 'refused' | 'bad-args'; detail: string } {
    const source = this.d.source;
    if (!source || !this.accepts) return { status: 'refused', detail: 'this runtime takes its config from its file' };
    // An unknown setting or a value that cannot stand there on its own; then the whole config is checked.
    const wrong = checkSetConfig(key, valueJson);
    if (wrong !== null) return { status: 'bad-args', detail: wrong };
    const path = key.split('.');
    const value: unknown = JSON.parse(valueJson);
    const raw = structuredClone(source.current()) as Record<string, unknown>;
    let at = raw;
    for (const p of path.slice(0, -1)) {
      if (typeof at[p] !== 'object' || at[p] === null) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[path[path.length - 1]] = value;
    const checked = this.checkRaw(raw, `set-config ${key}`);
    if (!checked.ok) return { status: 'bad-args', detail: clip(checked.problem) };
    const unsaved = this.save(checked.raw);
    if (unsaved !== null) return { status: 'refused', detail: clip(unsaved) };
    const later = this.applyLive(checked.config);
    this.d.log.info('sync.config-set', { key, version: this.d.state.configVersion() });
    return {
      status: 'done',
      detail: clip(
        `${key} set (config v${this.d.state.configVersion()} with this change)${later !== null ? `; ${later}` : ''}`,
      ),
    };
  }

  private check(m: ConfigPush): Checked {
    const source = this.d.source;
    if (!source || !this.accepts) return { ok: false, problem: 'this runtime takes its config from its file' };
    const label = `config v${m.version}`;
    let raw: unknown;
    try {
      raw = JSON.parse(m.body);
    } catch (err) {
      return { ok: false, problem: `${label}: not valid JSON (${(err as Error).message})` };
    }
    return this.checkRaw(raw, label);
  }

  /** The schema's check, then what the installer set for this box must be unchanged. */
  private checkRaw(raw: unknown, label: string): Checked {
    const source = this.d.source as ConfigSource;
    let config: TerminalConfig;
    try {
      config = parseConfig(raw, label);
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, problem: err.message };
      throw err;
    }
    const current = source.current();
    for (const [group, key] of FIXED_AT_INSTALL) {
      const was = (current[group] as Record<string, unknown>)[key];
      const now = (config[group] as Record<string, unknown>)[key];
      if (was !== now)
        return {
          ok: false,
          problem: `${label}: invalid field "${group}.${key}": ${JSON.stringify(now)} here is ${JSON.stringify(was)}; a push cannot change what the installer set (terminal.id, storage)`,
        };
    }
    return { ok: true, raw, config };
  }

  /** The pushed document, as sent, over the config file; null when saved (or there is no file). */
  private save(raw: unknown): string | null {
    const path = this.d.source?.path;
    if (path === undefined) return null;
    try {
      // 0600 like the file the installer wrote (openConfig's adapter): it names the key file.
      writeFileDurable(path, `${JSON.stringify(raw, null, 2)}\n`, 0o600);
      return null;
    } catch (err) {
      this.d.log.error('sync.config-save-failed', { path, error: err });
      return `could not save the config file: ${(err as Error).message}`;
    }
  }

  /** Hands the config to the role; returns what waits for a restart, or null when all of it is live. */
  private applyLive(config: TerminalConfig): string | null {
    const apply = this.d.hooks.applyConfig;
    if (!apply) return 'saved; takes effect on restart (this runtime applies no config live)';
    try {
      const { restartNeeded } = apply(config);
      if (restartNeeded.length === 0) return null;
      this.d.log.warn('sync.config-restart-needed', { settings: restartNeeded });
      return `takes effect on restart: ${restartNeeded.join(', ')}`;
    } catch (err) {
      this.d.log.error('sync.config-apply-failed', { error: err });
      return `saved; applying it live failed (${(err as Error).message}): takes effect on restart`;
    }
  }
}

function clip(s: string): string {
  return s.length <= PROBLEM_CHARS_MAX ? s : `${s.slice(0, PROBLEM_CHARS_MAX - 1)}…`;
}

function toAck(a: StoredConfigAck): ConfigAck {
  const m: ConfigAck = { type: 'configAck', corrId: a.corrId, version: a.version, status: a.status };
  if (a.problem !== undefined) m.problem = a.problem;
  return m;
}
