/**
 * gpiomon's output, parsed as it arrives: stdout comes in chunks cut anywhere
 * (mid-line, mid-number), so the parser is a state machine over chunks that
 * holds the unfinished line. We ask gpiomon for a fixed format (`-F`):
 *   libgpiod 1.x: "%o %e %s %n"  → "17 0 1234 567890123"  (%e: 0 falling, 1 rising)
 *   libgpiod 2.x: "%o %E %S"     → "17 falling 1234.567890123"
 * Timestamps are the kernel's event times (CLOCK_MONOTONIC), kept in µs.
 * A line that is not one of these is reported, not guessed at.
 */
import type { Level } from './index.ts';

export type GpiodVersion = 1 | 2;
export const GPIOMON_FORMAT: Record<GpiodVersion, string> = { 1: '%o %e %s %n', 2: '%o %E %S' };

/** Longest line we hold: a formatted event is < 40 characters; more without a newline is not gpiomon talking. */
export const GPIOMON_LINE_CHARS_MAX = 128;

export type GpiomonItem =
  | { kind: 'edge'; line: number; level: Level; timestampUs: number }
  | { kind: 'garbled'; text: string };

export type GpiomonState =
  | { kind: 'line'; partial: string }
  /** Dropping an overlong line up to its newline. */
  | { kind: 'discarding' };

export const initialGpiomon: GpiomonState = { kind: 'line', partial: '' };

const SECONDS_NS = /^(\d+)\.(\d{9})$/;

/** One complete line (without its newline). */
export function parseGpiomonLine(text: string, version: GpiodVersion): GpiomonItem {
  const t = text.trim().split(/\s+/);
  const garbled: GpiomonItem = { kind: 'garbled', text: text.slice(0, 60) };
  if (!/^\d+$/.test(t[0] ?? '')) return garbled;
  let level: Level;
  let sec: string;
  let nsec: string;
  if (version === 1) {
    if (t.length !== 4 || (t[1] !== '0' && t[1] !== '1') || !/^\d+$/.test(t[2]!) || !/^\d{1,9}$/.test(t[3]!))
      return garbled;
    level = t[1] === '1' ? 1 : 0;
    sec = t[2]!;
    nsec = t[3]!;
  } else {
    const ts = SECONDS_NS.exec(t[2] ?? '');
    if (t.length !== 3 || (t[1] !== 'rising' && t[1] !== 'falling') || !ts) return garbled;
    level = t[1] === 'rising' ? 1 : 0;
    sec = ts[1]!;
    nsec = ts[2]!;
  }
  return {
    kind: 'edge',
    line: Number(t[0]),
    level,
    timestampUs: Number(sec) * 1_000_000 + Math.floor(Number(nsec) / 1000),
  };
}

/** Feeds one chunk of stdout; returns the items of every line it completed. */
export function nextGpiomon(
  s: GpiomonState,
  chunk: string,
  version: GpiodVersion,
): { state: GpiomonState; items: GpiomonItem[] } {
  const items: GpiomonItem[] = [];
  let state = s;
  let rest = chunk;
  for (;;) {
    const nl = rest.indexOf('\n');
    const piece = nl < 0 ? rest : rest.slice(0, nl);
    if (state.kind === 'discarding') {
      if (nl >= 0) state = initialGpiomon;
    } else {
      const text = state.partial + piece;
      if (nl >= 0) {
        if (text.trim() !== '') items.push(parseGpiomonLine(text, version));
        state = initialGpiomon;
      } else if (text.length > GPIOMON_LINE_CHARS_MAX) {
        items.push({
          kind: 'garbled',
          text: `${text.slice(0, 60)}… (no newline within ${GPIOMON_LINE_CHARS_MAX} characters)`,
        });
        state = { kind: 'discarding' };
      } else state = { kind: 'line', partial: text };
    }
    if (nl < 0) return { state, items };
    rest = rest.slice(nl + 1);
  }
}
