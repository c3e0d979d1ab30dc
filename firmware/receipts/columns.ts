/**
 * How many print columns text takes: a Chinese character (and any other
 * full-width one) is as wide as two Latin ones on a thermal head (24 vs 12
 * dots), so fitting a line counts columns, not characters.
 */
export function charColumns(codePoint: number): 1 | 2 {
  const wide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    codePoint >= 0x20000;
  return wide ? 2 : 1;
}

export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch.codePointAt(0)!);
  return n;
}

/** A run of characters cut into pieces of at most `columns` (a wide character never split across two). */
function cutColumns(text: string, columns: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const ch of text) {
    const w = charColumns(ch.codePointAt(0)!);
    if (used + w > columns) {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += ch;
    used += w;
  }
  pieces.push(piece);
  return pieces;
}

/** Text in lines of at most `columns`, broken at spaces where it can be (a word longer than a line is cut). */
export function wrapColumns(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const joined = line ? `${line} ${word}` : word;
    if (textColumns(joined) <= columns) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    const pieces = cutColumns(word, columns);
    lines.push(...pieces.slice(0, -1));
    line = pieces[pieces.length - 1]!;
  }
  lines.push(line);
  return lines;
}

/** Label left, value flush right on one line; when both do not fit, the value goes right on the next. */
export function pairLines(label: string, value: string, columns: number): string[] {
  const gap = columns - textColumns(label) - textColumns(value);
  if (gap >= 1) return [label + ' '.repeat(gap) + value];
  const right = wrapColumns(value, columns).map((l) => ' '.repeat(columns - textColumns(l)) + l);
  return [...wrapColumns(label, columns), ...right];
}
