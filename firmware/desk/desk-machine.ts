import type { DeskOp } from './desk-ops.ts';

/**
 * The card office's states, one union moved only by DeskApp.move() from what
 * the pure next() returns (the shape of protocol/session-table.ts and the POS).
 *
 *   idle ──request──▶ await-card ──card──▶ (perform) ──done | refused──▶ idle | await-card
 *                                                    └──cut──▶ retap ──same card──▶ (perform, resumed)
 */
export type DeskStage = 'issue' | 'deposit' | 'cancel' | 'wipe' | 'pin';

export type DeskState =
  | { mode: 'idle' }
  /** An operation is chosen: waiting for its card. */
  | { mode: 'await-card'; op: DeskOp }
  /**
   * The card left mid-way: only this card (uid) may come back, to finish from
   * `stage`. The journal already says what was started; the card says how far it got.
   */
  | { mode: 'retap'; op: DeskOp; uid: string; resume: Resume; problem: string };

/** Where a cut operation picks up: its stage, and the journal record it started there (desk.issue, the intent). */
export interface Resume {
  stage: DeskStage;
  ref: number | null;
}

/** What a performed operation came to (DeskApp reports it back as the next event). */
export type DeskResult =
  | { kind: 'done'; lines: string[] }
  /** Nothing changed on the card or the journal's money: the operator may try again or abandon. */
  | { kind: 'refused'; detail: string }
  | { kind: 'cut'; uid: string; resume: Resume; problem: string };

export type DeskEvent =
  | { kind: 'request'; op: DeskOp }
  | { kind: 'abandon' }
  | { kind: 'card'; uid: string }
  | { kind: 'result'; result: DeskResult };

export type DeskEffect =
  | { kind: 'show'; lines: string[] }
  /** Run `op` on the card in the field; `resume`: where a cut left it, null for a fresh start. */
  | { kind: 'perform'; op: DeskOp; resume: Resume | null };

export interface DeskStep {
  state: DeskState;
  effects: DeskEffect[];
}

const show = (state: DeskState, ...lines: string[]): DeskStep => ({ state, effects: [{ kind: 'show', lines }] });
const IDLE: DeskState = { mode: 'idle' };

export function next(state: DeskState, event: DeskEvent): DeskStep {
  switch (event.kind) {
    case 'request':
      if (state.mode === 'retap')
        return show(
          state,
          `finish first: place card ${state.uid} again (or abandon; its next tap anywhere settles it)`,
        );
      return show({ mode: 'await-card', op: event.op }, `${event.op.kind}: place the card on the reader`);
    case 'abandon':
      if (state.mode === 'idle') return show(state, 'nothing to abandon');
      return show(IDLE, state.mode === 'retap' ? 'abandoned: the journal keeps the open write' : 'abandoned');
    case 'card':
      // A card with nothing asked: the holder's question, what is on it.
      if (state.mode === 'idle') return { state, effects: [{ kind: 'perform', op: { kind: 'read' }, resume: null }] };
      if (state.mode === 'await-card') return { state, effects: [{ kind: 'perform', op: state.op, resume: null }] };
      if (event.uid !== state.uid) return show(state, `not this card: place card ${state.uid} to finish`);
      return { state, effects: [{ kind: 'perform', op: state.op, resume: state.resume }] };
    case 'result':
      return onResult(state, event.result);
  }
}

function onResult(state: DeskState, r: DeskResult): DeskStep {
  if (state.mode === 'idle' && r.kind !== 'cut') return show(state, ...(r.kind === 'done' ? r.lines : [r.detail]));
  if (r.kind === 'done') return show(IDLE, ...r.lines);
  if (r.kind === 'refused') return show(state, `refused: ${r.detail}`);
  const op = state.mode === 'idle' ? ({ kind: 'read' } as const) : state.op;
  return show(
    { mode: 'retap', op, uid: r.uid, resume: r.resume, problem: r.problem },
    `card left during ${r.resume.stage} (${r.problem}): place the same card again`,
  );
}
