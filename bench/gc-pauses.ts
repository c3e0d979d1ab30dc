import { constants, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';

/**
 * The garbage collector's pauses while a bench runs, from perf_hooks 'gc'
 * entries: in the tail of a tap→beep figure a pause is often the cause (a
 * scavenge is a few ms on this hardware), so the bench prints them beside it.
 */
export interface GcPause {
  /** performance.now() time the pause began. */
  startMs: number;
  durationMs: number;
  /** A young-generation scavenge (minor) or a mark-sweep / incremental step (major). */
  minor: boolean;
}

export interface GcSummary {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Young-generation pauses among `count`. */
  minor: number;
}

/** Starts recording; `stop()` gives every pause since, oldest first. */
export function recordGcPauses(): { stop(): Promise<GcPause[]> } {
  const pauses: GcPause[] = [];
  const take = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      pauses.push({
        startMs: e.startTime,
        durationMs: e.duration,
        minor: kind === constants.NODE_PERFORMANCE_GC_MINOR,
      });
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Node makes a gc entry on the event loop after the pause: a loop that never idled has them still to come.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      take(observer.takeRecords());
      observer.disconnect();
      return pauses.sort((a, b) => a.startMs - b.startMs);
    },
  };
}

/** The pauses that began inside one of the windows ([start, end] in performance.now() ms). */
export function pausesWithin(pauses: readonly GcPause[], windows: readonly [number, number][]): GcSummary {
  const inside = pauses.filter((p) => windows.some(([start, end]) => p.startMs >= start && p.startMs <= end));
  return summarize(inside);
}

export function summarize(pauses: readonly GcPause[]): GcSummary {
  return {
    count: pauses.length,
    totalMs: pauses.reduce((n, p) => n + p.durationMs, 0),
    maxMs: pauses.reduce((n, p) => Math.max(n, p.durationMs), 0),
    minor: pauses.filter((p) => p.minor).length,
  };
}

/** performance.now(), for the windows pausesWithin looks in. */
export const nowMs = (): number => performance.now();
