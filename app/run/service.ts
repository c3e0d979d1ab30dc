import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/log.ts';
import type { Scheduler } from '../../base/scheduler.ts';
import type { KeyRing } from '../../firmware/card/key-ring.ts';
import type { TerminalConfig } from '../../firmware/config/schema.ts';
import { SteppedClock } from '../../firmware/core/clock.ts';
import { deriveSimMasterKeys, loadKeyRing } from '../../firmware/store/keys/keyfile.ts';
import { type Composed, composeTerminal } from '../../firmware/terminal/compose.ts';
import { type RoleReader, type RoleTapOutcome, roleNumberTap, roleTap } from '../../firmware/terminal/role-tap.ts';
import type { CardSession } from '../../firmware/card/session.ts';
import type { ReaderSlot } from '../../firmware/config/roles-schema.ts';
import type { Terminal } from '../../firmware/terminal/terminal.ts';
import { clockStatus } from '../../drivers/display/status.ts';
import { Face } from '../face.ts';
import { type Faced, FacedPos } from '../faced-pos.ts';
import { openPeripherals, type Opened, type Peripherals } from '../registry.ts';
import { openBackendLink, type BackendLink } from './backend-link.ts';
import { nextPresence, type Presence } from './presence.ts';
import { runKioskLoop, withKioskHealth } from './kiosk-loop.ts';
import { signalOf } from './signal-of.ts';
import type { PeripheralHealth } from '../../protocol/index.ts';

/**
 * A terminal running as a service: the config's terminal composed, its
 * peripherals opened through the registry, and the reader polled until
 * stop(). Everything timed goes through the injected scheduler.
 */
export interface ServiceDeps {
  clock: Clock;
  scheduler: Scheduler;
  nowUs: () => number;
  log: Logger;
  /** False: nothing polls the reader (the desk console asks for a card when an operation waits). */
  pollReader?: boolean;
}

export interface RunningTerminal {
  terminal: Terminal;
  peripherals: Peripherals;
  /** What STATUS and `onecard status` report: the peripherals, and on a kiosk its acceptor's and printer's alarms. */
  health(): PeripheralHealth[];
  /** The sync client's link, when the config names a backend. */
  link: BackendLink | null;
  /** Last poll of the reader (ms on the clock) and taps handed to the role: for `onecard status`. */
  loop(): { lastPollMs: number | null; taps: number; readerFaults: number };
  /** Stops polling, lets a tap in progress finish, closes the peripherals and the stores. */
  stop(): Promise<void>;
}

/** A card is noticed within this of arriving; the MFRC522's own detect waits up to 25 ms on top. */
export const READER_POLL_MS = 50;
/** After a reader fault, wait this long before polling again, so a dead chip does not flood the log. */
const READER_FAULT_BACKOFF_MS = 1_000;

/**
 * Which reader a tap came from, as the role needs it: a car park's lane names
 * its barrier, a door's reader its door and side (anti-passback).
 */
function roleReaderAt(config: TerminalConfig, slot: ReaderSlot): RoleReader {
  const lane = config.parking?.lanes.find((l) => l.reader === slot);
  if (lane) return { gate: lane.barrier };
  const side = config.door?.readers.find((r) => r.reader === slot);
  return side ? { doorId: side.door, direction: side.side } : {};
}

/** The key file's versions: a previous one makes every tap re-key a card still on it (rekey-at-tap.ts). */
export function keyRingOf(config: TerminalConfig): Opened<KeyRing> {
  if (config.sim)
    return {
      ok: true,
      value: { current: { keyVersion: 1, keys: deriveSimMasterKeys(config.sim.seed) }, previous: null },
    };
  try {
    return { ok: true, value: loadKeyRing(config.storage.keyFile) };
  } catch (e) {
    return { ok: false, message: `storage.keyFile: ${(e as Error).message}` };
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function startTerminal(config: TerminalConfig, d: ServiceDeps): Promise<Opened<RunningTerminal>> {
  if (config.peripherals === undefined)
    return { ok: false, message: 'peripherals: missing; a terminal needs at least its reader ("reader": {"kind": …})' };
  const ring = keyRingOf(config);
  if (!ring.ok) return ring;
  // The terminal's time (PROTOCOL.md §6.2): the system clock plus the backend's correction, stepped by the
  // sync client and journaled as clock.step. Journal, decisions and the idle screen read it; timers and the
  // reader loop keep d.clock, so a step is not a silence. A Pi has no RTC: it may boot an hour off.
  const terminalClock = new SteppedClock(d.clock);
  const clocks = { session: d.clock, terminalClock };
  const linked = config.backend ? openBackendLink(config.backend, clocks, d.log) : null;
  if (linked && !linked.ok) return linked;
  const link = linked?.value ?? null;
  // The kiosk polls a card it keeps; a desk's card lies on the reader through several operations.
  const holdsCard = config.terminal.roles.some((r) => r === 'kiosk' || r === 'desk');
  const opened = await openPeripherals(config.peripherals, { ...d, holdsCard });
  if (!opened.ok) return opened;
  const peripherals = opened.value;
  let composed: Composed;
  try {
    composed = composeTerminal({
      ...{ config, masterKeys: ring.value.current.keys, keyRing: ring.value },
      ...{ clock: terminalClock, log: d.log, scheduler: d.scheduler },
      ...(link ? { authorizer: link.authorizer, locked: link.locked, syncAlarm: link.syncAlarm } : {}),
      // The door role drives its relays through the same GPIO driver the signals use.
      ...(peripherals.gpio
        ? { gpio: { port: peripherals.gpio.port, scheduler: d.scheduler, signals: peripherals.gpio.signals } }
        : {}),
      // The kiosk's bill acceptor, printer and screen (peripherals.billAcceptor, .printer, .kioskScreen).
      ...(peripherals.cash ? { cash: peripherals.cash.cash } : {}),
      ...(peripherals.kioskScreen ? { kioskScreen: peripherals.kioskScreen.screen } : {}),
    });
  } catch (e) {
    // A config's problems come back as values naming their field (below); a throw here is a bug, said as one.
    await peripherals.close();
    return { ok: false, message: `cannot open the terminal (a bug, please report it): ${(e as Error).message}` };
  }
  if (!composed.ok) {
    await peripherals.close();
    return { ok: false, message: composed.message };
  }
  const terminal = composed.terminal;
  const kioskApp = terminal.role.role === 'kiosk' ? terminal.role.kiosk : null;
  // Only a kiosk has a validator to poll: its loop takes the reader's taps and removals too.
  const kiosk = kioskApp && peripherals.cash ? runKioskLoop(kioskApp, peripherals.cash.cash.acceptor, d) : null;
  const health = kioskApp ? () => withKioskHealth(peripherals.health(), kioskApp) : peripherals.health;
  link?.attach(terminal, health);
  const online = () => link?.status()?.connected === true;
  const status = clockStatus(() => terminalClock.nowMs(), config.terminal.utcOffsetMinutes, online);
  const face = new Face(peripherals.face.devices, status, d.log, peripherals.face.failing);
  // Each result beeps at once; the panel, the pole display and the voice follow without holding the beep.
  const signalled = (f: Faced): Promise<void> => {
    const signal = signalOf(f.out);
    if (signal) peripherals.gpio?.signals.show(signal);
    return f.shown;
  };
  // Only a POS terminal has a POS (and its screen at rest); the other roles answer taps through roleTap.
  const pos = terminal.hasPos ? new FacedPos(terminal.pos, face, (f) => void signalled(f), peripherals.keys) : null;
  if (pos) void face.present({ screen: terminal.pos.screen, beeps: [], receipts: [] });
  // The terminal's own card application: a door or punch clock re-keys during a rollover like the POS.
  const roleCards = terminal.cards;
  // Each reader notices a card once however long it stays; a car park's reader says which barrier it is at.
  const readers = [
    { slot: 'reader' as const, opened: peripherals.reader },
    ...(peripherals.reader2 ? [{ slot: 'reader2' as const, opened: peripherals.reader2 }] : []),
  ].map((r) => ({ ...r, presence: { kind: 'empty' } as Presence, at: roleReaderAt(config, r.slot) }));
  let lastPollMs: number | null = null;
  let taps = 0;
  let readerFaults = 0;
  let stopped = false;
  let cancel: () => void = () => {};
  let inFlight: Promise<void> = Promise.resolve();

  const tapped = async (session: CardSession, at: RoleReader): Promise<void> => {
    taps++;
    if (kioskApp) return kioskApp.tap(session);
    if (pos !== null) {
      await signalled(await pos.tap(session));
      return;
    }
    roleAnswered(await roleTap(terminal.role, roleCards, session, at), at);
  };
  // Door, attendance, parking: the role journals its decision; the door's own signals play at the door.
  const roleAnswered = (out: RoleTapOutcome | null, at: RoleReader): void => {
    if (out) d.log.info('role.tap', { role: terminal.role.role, outcome: out.kind, text: out.text, ...at });
    if (out && terminal.role.role !== 'door') peripherals.gpio?.signals.show(out.kind);
  };
  /** A Wiegand reader's card number: the same roles, the lists deciding (firmware/terminal/role-tap.ts). */
  const numberTapped = async (cardNumber: number, at: RoleReader): Promise<void> => {
    taps++;
    roleAnswered(await roleNumberTap(terminal.role, cardNumber, at), at);
  };
  const pollReaders = async (): Promise<number> => {
    lastPollMs = d.clock.nowMs();
    let next = READER_POLL_MS;
    for (const r of readers) {
      // A kiosk owns the reader while it holds a card: a detect would re-select the card and end the session
      // its top-up writes through. It asks the card itself; gone, the next poll detects again.
      if (kioskApp?.holdsCard) {
        if (await kioskApp.cardPresent()) continue;
        r.presence = { kind: 'empty' };
        await kioskApp.cardGone();
        continue;
      }
      let session: CardSession | null;
      try {
        session = await r.opened.reader.detect();
      } catch (e) {
        readerFaults++;
        d.log.error('reader.fault', { reader: r.slot, message: (e as Error).message });
        next = READER_FAULT_BACKOFF_MS;
        continue;
      }
      const held = r.presence.kind === 'held';
      const step = nextPresence(r.presence, session ? { kind: 'card', uidHex: hex(session.uid) } : { kind: 'none' });
      r.presence = step.presence;
      // A card the kiosk let go (an operator's card, a refused one) is still polled: it hears of its removal.
      if (kioskApp && held && (r.presence.kind === 'empty' || step.tap)) await kioskApp.cardGone();
      if (session && step.tap) await tapped(session, r.at);
      for (const read of r.opened.numbers?.take(d.nowUs()) ?? []) await numberTapped(read.cardNumber, r.at);
    }
    return next;
  };
  // On a kiosk the reader's poll takes its turn with the validator's (kiosk-loop.ts).
  const poll = (): Promise<number> => (kiosk ? kiosk.turn('reader', pollReaders) : pollReaders());
  const schedule = (delayMs: number) => {
    cancel = d.scheduler.after(delayMs, () => {
      inFlight = poll().then((next) => {
        if (!stopped) schedule(next);
      });
    });
  };
  if (d.pollReader !== false) schedule(0);
  return {
    ok: true,
    value: {
      terminal,
      peripherals,
      health,
      link,
      loop: () => ({ lastPollMs, taps, readerFaults }),
      async stop() {
        stopped = true;
        cancel();
        await inFlight;
        await kiosk?.stop();
        link?.close();
        await peripherals.close();
        const journalLastSeq = terminal.journal.lastSeq();
        terminal.close();
        d.log.info('terminal.stopped', { terminal: config.terminal.id, journalLastSeq, journal: 'closed' });
      },
    },
  };
}
