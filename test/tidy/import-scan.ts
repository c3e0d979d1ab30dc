/**
 * Finds every import of a TypeScript/JavaScript source file: `import … from`,
 * `import type … from`, `export … from`, side-effect `import '…'` and
 * `import(…)` (a computed argument is reported with specifier null). A small
 * tokenizer first, so an import written inside a comment, a string, a
 * template or a regular expression literal is not mistaken for one.
 * The compiler's own parser is not at hand (TypeScript 7 ships no JS API).
 */
export interface ImportRef {
  /** The quoted module name, or null for `import(expression)`. */
  specifier: string | null;
  line: number;
  dynamic: boolean;
}

type Token = { kind: 'word' | 'string' | 'punct' | 'template' | 'regex'; text: string; line: number };

/** After these a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const braces: ('code' | 'template')[] = [];
  let i = 0;
  let line = 1;
  const lines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (src[k] === '\n') line++;
  };
  const regexAllowed = () => {
    const prev = tokens.at(-1);
    if (!prev) return true;
    if (prev.kind === 'word') return REGEX_AFTER_WORD.has(prev.text);
    return prev.kind === 'punct' && prev.text !== ')' && prev.text !== ']';
  };
  /** Reads template text from `i` (just after "`" or a substitution's "}") to its end or next "${". */
  const templatePart = () => {
    const start = i;
    while (i < src.length) {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '`') {
        i++;
        break;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        braces.push('template');
        i += 2;
        break;
      } else i++;
    }
    lines(start, i);
    tokens.push({ kind: 'template', text: '', line });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      lines(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c && src[j] !== '\n') {
        if (src[j] === '\\') j++;
        text += src[j];
        j++;
      }
      tokens.push({ kind: 'string', text, line });
      i = j + 1;
    } else if (c === '`') {
      i++;
      templatePart();
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n' && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j++;
      }
      j++;
      while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
      tokens.push({ kind: 'regex', text: src.slice(i, j), line });
      i = j;
    } else if (/[\w$]/.test(c)) {
      const m = /^[\w$]+/.exec(src.slice(i, i + 200))!;
      tokens.push({ kind: 'word', text: m[0], line });
      i += m[0].length;
    } else if (c === '}' && braces.at(-1) === 'template') {
      braces.pop();
      i++;
      templatePart();
    } else {
      if (c === '{') braces.push('code');
      if (c === '}') braces.pop();
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    }
  }
  return tokens;
}

/** Every import of `src`, in source order. */
export function scanImports(src: string): ImportRef[] {
  const t = tokenize(src);
  const out: ImportRef[] = [];
  const is = (k: number, kind: Token['kind'], text?: string) =>
    t[k]?.kind === kind && (text === undefined || t[k]?.text === text);
  /** The `from '…'` at or after k, before the statement ends. */
  const fromClause = (k: number): string | null => {
    for (let j = k; j < t.length; j++) {
      if (is(j, 'word', 'from') && is(j + 1, 'string')) return t[j + 1]!.text;
      if (is(j, 'punct', ';') || is(j, 'string') || is(j, 'word', 'import') || is(j, 'word', 'export')) return null;
    }
    return null;
  };
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!;
    if (tok.kind !== 'word' || is(k - 1, 'punct', '.')) continue;
    if (tok.text === 'import') {
      if (is(k + 1, 'punct', '(')) {
        const literal = is(k + 2, 'string') && (is(k + 3, 'punct', ')') || is(k + 3, 'punct', ','));
        out.push({ specifier: literal ? t[k + 2]!.text : null, line: tok.line, dynamic: true });
      } else if (is(k + 1, 'string')) out.push({ specifier: t[k + 1]!.text, line: tok.line, dynamic: false });
      else if (!is(k + 1, 'punct', '.')) {
        const spec = fromClause(k + 1);
        if (spec !== null) out.push({ specifier: spec, line: tok.line, dynamic: false });
      }
    } else if (tok.text === 'export') {
      const k1 = is(k + 1, 'word', 'type') ? k + 2 : k + 1;
      if (is(k1, 'punct', '*') || is(k1, 'punct', '{')) {
        const spec = fromClause(k1);
        if (spec !== null) out.push({ specifier: spec, line: tok.line, dynamic: false });
      }
    }
  }
  return out;
}
