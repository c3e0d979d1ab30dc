import { silentLogger } from '../../../firmware/core/log.ts';
import { Blacklist } from '../../../firmware/store/lists/blacklist.ts';
import { PendingCredits } from '../../../firmware/store/credits.ts';
import { Grants } from '../../../firmware/store/lists/grants.ts';
import { ListApplier } from '../../../firmware/sync/lists.ts';
import { SyncState } from '../../../firmware/sync/sync-state.ts';
import { deltaChunks, ListDigest, type Grant, type ListAck } from '../../../protocol/index.ts';

/** A terminal's list stores on files in `dir` (or in memory), and a ListApplier over them. */
export function openStores(dir: string | null, opts: { grants?: boolean } = {}) {
  const p = (name: string) => (dir === null ? ':memory:' : `${dir}/${name}`);
  const blacklist = Blacklist.open({ path: p('lists.db'), log: silentLogger });
  const grants = opts.grants ? Grants.open({ path: p('grants.db'), log: silentLogger }) : undefined;
  const credits = PendingCredits.open({ path: p('credits.db'), log: silentLogger });
  const state = SyncState.open({ path: p('sync.db'), log: silentLogger });
  const applier = new ListApplier({ blacklist, ...(grants ? { grants } : {}), credits, versions: state }, silentLogger);
  return {
    blacklist,
    grants,
    credits,
    state,
    applier,
    /** Power off: every file closed, the applier's memory gone. */
    close() {
      blacklist.close();
      grants?.close();
      credits.close();
      state.close();
    },
  };
}

/** Runs steps until the applier is idle (the pump's job, without timers); returns the answers. */
export function drain(applier: ListApplier, maxSteps = 100_000): ListAck[] {
  const acks: ListAck[] = [];
  for (let i = 0; applier.busy; i++) {
    if (i >= maxSteps) throw new Error('applier does not finish');
    const a = applier.step();
    if (a) acks.push(a);
  }
  return acks;
}

/** A blacklist delta with the digest of `after` (the list it must leave). */
export function blDelta(from: number, to: number, add: number[], remove: number[], after: Iterable<number>) {
  return deltaChunks({ list: 'blacklist', add, remove }, from, to, ListDigest.of('blacklist', after).bytes());
}

export function grantsDelta(from: number, to: number, add: Grant[], remove: number[], after: Iterable<Grant>) {
  return deltaChunks({ list: 'grants', add, remove }, from, to, ListDigest.of('grants', after).bytes());
}
