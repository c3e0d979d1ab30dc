/**
 * Debouncing as a pure state machine over raw edges. A new level counts once
 * it has held for `debounceUs`: either a later raw edge shows it held that
 * long (judged from the edges' own timestamps), or the settle timer the port
 * armed for it fires with no raw edge in between (`settled` with the same
 * generation). The accepted edge carries the time the level began, not the
 * time it was confirmed, so bit timing survives the delay.
 */
import { type Level, opposite } from './index.ts';

export type DebounceState =
  /** No edge seen yet: the first raw edge tells the previous level (an edge is a change). */
  | { kind: 'unknown'; generation: number }
  | { kind: 'stable'; level: Level; generation: number }
  | { kind: 'settling'; level: Level; candidate: Level; sinceUs: number; generation: number };

export type DebounceEvent =
  | { kind: 'raw'; level: Level; timestampUs: number }
  | { kind: 'settled'; generation: number };

export interface DebounceStep {
  state: DebounceState;
  /** Accepted level changes, oldest first. */
  accepted: { level: Level; timestampUs: number }[];
  /** Arm a settle timer for this generation (the caller owns time). */
  armGeneration: number | null;
}

export const initialDebounce: DebounceState = { kind: 'unknown', generation: 0 };

export function nextDebounce(s: DebounceState, e: DebounceEvent, debounceUs: number): DebounceStep {
  if (e.kind === 'settled') {
    if (s.kind !== 'settling' || s.generation !== e.generation) return { state: s, accepted: [], armGeneration: null };
    return {
      state: { kind: 'stable', level: s.candidate, generation: s.generation },
      accepted: [{ level: s.candidate, timestampUs: s.sinceUs }],
      armGeneration: null,
    };
  }
  const accepted: DebounceStep['accepted'] = [];
  let stable: Level;
  if (s.kind === 'unknown') stable = opposite(e.level);
  else if (s.kind === 'stable') stable = s.level;
  else if (e.timestampUs - s.sinceUs >= debounceUs) {
    // The candidate held long enough before this edge; the timer just has not fired yet.
    accepted.push({ level: s.candidate, timestampUs: s.sinceUs });
    stable = s.candidate;
  } else stable = s.level;
  const generation = s.generation + 1;
  if (e.level === stable)
    return { state: { kind: 'stable', level: stable, generation }, accepted, armGeneration: null };
  if (debounceUs <= 0) {
    accepted.push({ level: e.level, timestampUs: e.timestampUs });
    return { state: { kind: 'stable', level: e.level, generation }, accepted, armGeneration: null };
  }
  return {
    state: { kind: 'settling', level: stable, candidate: e.level, sinceUs: e.timestampUs, generation },
    accepted,
    armGeneration: generation,
  };
}
