import type { StatusFacts } from './index.ts';

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 24 * 60;

/** The panel's status line from an injected clock: "11:30" local time and the link state. */
export function clockStatus(nowMs: () => number, utcOffsetMinutes: number, online: () => boolean): () => StatusFacts {
  return () => {
    const local = Math.floor(nowMs() / MS_PER_MINUTE) + utcOffsetMinutes;
    const minutes = ((local % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return { time: `${hh}:${mm}`, online: online() };
  };
}
