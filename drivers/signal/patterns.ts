/**
 * What the buzzer and the status LEDs do for each outcome, as data: a table
 * of named patterns, each a list of on/off periods per output. A site may
 * bring its own table (a quieter library, a louder canteen); it is checked
 * here before use, so a bad table is refused with a message, not played.
 */
export type SignalName = 'accepted' | 'refused' | 'error' | 'tap-again';
export const SIGNAL_NAMES: readonly SignalName[] = ['accepted', 'refused', 'error', 'tap-again'];

export type SignalOutput = 'buzzer' | 'green' | 'red';
export const SIGNAL_OUTPUTS: readonly SignalOutput[] = ['buzzer', 'green', 'red'];

/** One on-period and the silence after it. */
export interface Blink {
  onMs: number;
  offMs: number;
}
export type Pattern = Partial<Record<SignalOutput, readonly Blink[]>>;
export type PatternTable = Record<SignalName, Pattern>;

/** Longest pattern: the next person taps within ~3 s; a signal still playing then would answer the wrong tap. */
export const PATTERN_MS_MAX = 3_000;

const times = (n: number, blink: Blink): Blink[] => Array.from({ length: n }, () => blink);

export const DEFAULT_PATTERNS: PatternTable = {
  // One short beep and a steady green: the common case stays quiet.
  accepted: { buzzer: [{ onMs: 120, offMs: 0 }], green: [{ onMs: 1_000, offMs: 0 }] },
  // Three short beeps and a steady red: noticeable in a queue without being an alarm.
  refused: { buzzer: times(3, { onMs: 100, offMs: 100 }), red: [{ onMs: 1_500, offMs: 0 }] },
  // One long tone and a blinking red: the terminal, not the card, has a problem.
  error: { buzzer: [{ onMs: 600, offMs: 0 }], red: times(3, { onMs: 200, offMs: 200 }) },
  // Two quick chirps, both LEDs blinking together (amber): the card left too soon, hold it again.
  'tap-again': {
    buzzer: times(2, { onMs: 60, offMs: 140 }),
    green: times(4, { onMs: 150, offMs: 150 }),
    red: times(4, { onMs: 150, offMs: 150 }),
  },
};

/** One on-period of one output, `atMs` after the pattern starts. */
export interface SignalStep {
  atMs: number;
  output: SignalOutput;
  onMs: number;
}

/** The pattern as steps in time order (pure). */
export function patternSteps(p: Pattern): SignalStep[] {
  return SIGNAL_OUTPUTS.flatMap((output) => {
    let atMs = 0;
    return (p[output] ?? []).map((b) => {
      const step = { atMs, output, onMs: b.onMs };
      atMs += b.onMs + b.offMs;
      return step;
    });
  }).sort((a, b) => a.atMs - b.atMs);
}

/** What is wrong with a table, one message per problem naming the pattern and the fix; [] when it is usable. */
export function checkPatternTable(table: Record<string, Pattern | undefined>): string[] {
  const problems: string[] = [];
  for (const name of SIGNAL_NAMES) {
    const p = table[name];
    if (p === undefined) {
      problems.push(`pattern ${name}: missing (every table needs ${SIGNAL_NAMES.join(', ')})`);
      continue;
    }
    for (const output of SIGNAL_OUTPUTS) {
      const blinks = p[output] ?? [];
      blinks.forEach((b, i) => {
        const ok = Number.isInteger(b.onMs) && b.onMs >= 1 && Number.isInteger(b.offMs) && b.offMs >= 0;
        if (!ok) problems.push(`pattern ${name}.${output}[${i}]: onMs must be a whole number ≥ 1, offMs ≥ 0`);
      });
      const totalMs = blinks.reduce((sum, b) => sum + b.onMs + b.offMs, 0);
      if (totalMs > PATTERN_MS_MAX)
        problems.push(`pattern ${name}.${output}: ${totalMs} ms, keep it within ${PATTERN_MS_MAX} ms`);
    }
  }
  return problems;
}
