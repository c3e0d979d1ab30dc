import { KIND } from '../../protocol/messages/record-kinds.ts';

/**
 * What the terminal writes to its journal. The kinds and bodies travel, so
 * protocol/messages/record-kinds.ts defines them; this is the terminal's view.
 */
export { KIND } from '../../protocol/messages/record-kinds.ts';
export type {
  ClockStepBody,
  CommitBody,
  IntentBody,
  OnlineRequestBody,
  OnlineResultBody,
  RecordBodies,
  RecordKind,
  RefusedBody,
  SettleBody,
  SignInBody,
  SignOutBody,
  TxType,
  WriteProblemBody,
} from '../../protocol/messages/record-kinds.ts';

/** Records that close an intent for good. `uncertain` does not: the card still has to tell. */
export const CLOSING_KINDS = [KIND.commit, KIND.abort, KIND.settle];

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
