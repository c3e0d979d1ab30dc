/**
 * The customer display's side of the wire: a state machine that decodes the
 * pole display's and the CD5220 VFD's bytes into what the glass shows. Pure:
 * `next(state, byte)`; bytes may arrive in any chunks (`feed`), the result is
 * the same. A byte the device would not understand is recorded in `errors`
 * and changes nothing shown.
 */
export type Parse =
  | { at: 'text' }
  | { at: 'esc' }
  | { at: 'esc-s' }
  | { at: 'esc-Q' }
  | { at: 'line'; line: 'A' | 'B'; text: string };

export interface Glass {
  parse: Parse;
  /** 0 off, 1 price, 2 total, 3 paid, 4 change (pole display lamps). */
  lamp: number;
  /** Line A is the pole display's number and the VFD's upper line; B is the VFD's lower line. */
  lines: { A: string; B: string };
  errors: string[];
}

/** Longest line either device takes (the VFD's 20 columns); more is an error, not a wrap. */
const LINE_CHARS_MAX = 20;
const ESC = 0x1b;

export const blankGlass = (): Glass => ({ parse: { at: 'text' }, lamp: 0, lines: { A: '', B: '' }, errors: [] });

const err = (g: Glass, why: string, byte: number): Glass => ({
  ...g,
  parse: { at: 'text' },
  errors: [...g.errors, `${why} (0x${byte.toString(16).padStart(2, '0')})`],
});

export function next(g: Glass, byte: number): Glass {
  const p = g.parse;
  switch (p.at) {
    case 'text':
      if (byte === ESC) return { ...g, parse: { at: 'esc' } };
      if (byte === 0x0c) return { ...g, lines: { A: '', B: '' } };
      return err(g, 'stray byte', byte);
    case 'esc':
      if (byte === 0x40) return { ...blankGlass(), errors: g.errors };
      if (byte === 0x73) return { ...g, parse: { at: 'esc-s' } };
      if (byte === 0x51) return { ...g, parse: { at: 'esc-Q' } };
      return err(g, 'unknown ESC command', byte);
    case 'esc-s':
      if (byte >= 0x30 && byte <= 0x34) return { ...g, parse: { at: 'text' }, lamp: byte - 0x30 };
      return err(g, 'lamp out of range', byte);
    case 'esc-Q':
      if (byte === 0x41 || byte === 0x42)
        return { ...g, parse: { at: 'line', line: byte === 0x41 ? 'A' : 'B', text: '' } };
      return err(g, 'unknown line', byte);
    case 'line':
      if (byte === 0x0d) return { ...g, parse: { at: 'text' }, lines: { ...g.lines, [p.line]: p.text } };
      if (byte < 0x20 || byte > 0x7e || p.text.length >= LINE_CHARS_MAX) return err(g, 'bad line byte', byte);
      return { ...g, parse: { ...p, text: p.text + String.fromCharCode(byte) } };
  }
}

export const feed = (g: Glass, chunk: Iterable<number>): Glass => {
  let out = g;
  for (const b of chunk) out = next(out, b);
  return out;
};
