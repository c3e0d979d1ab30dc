import type { DoorMode } from './decide.ts';

/**
 * One door's latch and contact as a pure state machine: next(state, event) →
 * { state, effects }. The controller (./controller.ts) feeds it edges from the
 * GPIO port and its own timers and performs the effects; it is the one place
 * that assigns the state. Whether a request may open the door is not decided
 * here (./decide.ts): a 'release' event is an open already granted.
 */
export type DoorState =
  /** Latch holding, contact shut: the only state a mantrap partner counts as shut. */
  | { kind: 'locked' }
  /** Latch released for one pass; the door has not opened yet. */
  | { kind: 'released' }
  /** Opened on a release; the held-open timer runs. */
  | { kind: 'open' }
  /** Alarm: open longer than allowed. */
  | { kind: 'held-open' }
  /** Alarm: the contact opened with the latch holding (no grant, no exit button). */
  | { kind: 'forced' }
  /** Free passage: the latch stays released until the backend ends it. */
  | { kind: 'free'; contactOpen: boolean };

export type DoorAlarm = 'held-open' | 'forced';

export type DoorEvent =
  | { kind: 'release' }
  /** The latch's release time is over (the controller's timer). */
  | { kind: 'release-ended' }
  | { kind: 'contact'; open: boolean }
  | { kind: 'held-timeout' }
  | { kind: 'mode'; mode: DoorMode };

export type DoorTimer = 'release' | 'held';

export type DoorEffect =
  /** 'pulse': release for the door's release time, then hold again (the GPIO driver restores the line). */
  | { kind: 'latch'; to: 'pulse' | 'release' | 'hold' }
  | { kind: 'arm'; timer: DoorTimer }
  | { kind: 'cancel'; timer: DoorTimer }
  | { kind: 'alarm'; alarm: DoorAlarm; on: boolean };

export interface DoorStep {
  state: DoorState;
  effects: DoorEffect[];
}

export const initialDoorState: DoorState = { kind: 'locked' };

const LOCKED: DoorState = { kind: 'locked' };
const stay = (state: DoorState): DoorStep => ({ state, effects: [] });
const pulse = (): DoorEffect[] => [
  { kind: 'latch', to: 'pulse' },
  { kind: 'arm', timer: 'release' },
];
/** Shut again: hold the latch at once (a second person cannot slip through the rest of the pulse). */
const relock = (effects: DoorEffect[] = []): DoorStep => ({
  state: LOCKED,
  effects: [
    ...effects,
    { kind: 'latch', to: 'hold' },
    { kind: 'cancel', timer: 'release' },
    { kind: 'cancel', timer: 'held' },
  ],
});
const alarmOff = (alarm: DoorAlarm): DoorEffect => ({ kind: 'alarm', alarm, on: false });

export function nextDoor(state: DoorState, event: DoorEvent): DoorStep {
  if (event.kind === 'mode') return onMode(state, event.mode);
  switch (state.kind) {
    case 'locked':
      if (event.kind === 'release') return { state: { kind: 'released' }, effects: pulse() };
      if (event.kind === 'contact' && event.open)
        return { state: { kind: 'forced' }, effects: [{ kind: 'alarm', alarm: 'forced', on: true }] };
      return stay(state);
    case 'released':
      if (event.kind === 'release') return { state, effects: pulse() };
      if (event.kind === 'release-ended') return { state: LOCKED, effects: [] };
      if (event.kind === 'contact' && event.open)
        return { state: { kind: 'open' }, effects: [{ kind: 'arm', timer: 'held' }] };
      return stay(state);
    case 'open':
      // A second grant while open: one more person passes, the held-open time starts again.
      if (event.kind === 'release') return { state, effects: [...pulse(), { kind: 'arm', timer: 'held' }] };
      if (event.kind === 'contact' && !event.open) return relock();
      if (event.kind === 'held-timeout')
        return { state: { kind: 'held-open' }, effects: [{ kind: 'alarm', alarm: 'held-open', on: true }] };
      return stay(state);
    case 'held-open':
    case 'forced':
      if (event.kind === 'contact' && !event.open) return relock([alarmOff(state.kind)]);
      return stay(state);
    case 'free':
      if (event.kind === 'contact') return stay({ kind: 'free', contactOpen: event.open });
      return stay(state);
  }
}

/** Free passage releases the latch and silences alarms; leaving it holds the latch, or times a door left open. */
function onMode(state: DoorState, mode: DoorMode): DoorStep {
  if (mode === 'free-passage') {
    if (state.kind === 'free') return stay(state);
    const contactOpen = state.kind !== 'locked' && state.kind !== 'released';
    const silence = state.kind === 'forced' || state.kind === 'held-open' ? [alarmOff(state.kind)] : [];
    return {
      state: { kind: 'free', contactOpen },
      effects: [
        ...silence,
        { kind: 'cancel', timer: 'release' },
        { kind: 'cancel', timer: 'held' },
        { kind: 'latch', to: 'release' },
      ],
    };
  }
  if (state.kind === 'free') {
    if (!state.contactOpen) return relock();
    return {
      state: { kind: 'open' },
      effects: [
        { kind: 'latch', to: 'hold' },
        { kind: 'arm', timer: 'held' },
      ],
    };
  }
  // Lockdown cuts a release short; a door already open stays timed and alarmed as before.
  if (mode === 'lockdown' && state.kind === 'released') return relock();
  if (mode === 'lockdown' && state.kind === 'open')
    return {
      state,
      effects: [
        { kind: 'latch', to: 'hold' },
        { kind: 'cancel', timer: 'release' },
      ],
    };
  return stay(state);
}
