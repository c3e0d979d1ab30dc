import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * House rules the compiler cannot see (docs/architecture.md, code habits): no wall clock or
 * global randomness in runtime code, no timers in decision code, small files,
 * no float arithmetic where money is computed.
 */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const code = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), n: i + 1 }))
    .filter(({ line }) => !/^\s*(\*|\/\*)/.test(line));

const RUNTIME = ['base', 'firmware', 'drivers', 'protocol'].flatMap(files);
/** The composition root hands the real clock and random in; nothing else may reach for them. */
const COMPOSITION_ROOT = new Set(['firmware/core/random.ts', 'firmware/cli/main.ts']);
const DECISION = [
  'firmware/policy',
  'firmware/card',
  'firmware/pos',
  'firmware/terminal',
  'firmware/card-tx',
  'firmware/store',
  'firmware/config',
  'firmware/crypto',
].flatMap(files);
const MONEY = [
  'firmware/policy',
  'firmware/pos',
  'firmware/terminal',
  'firmware/card-tx',
  'firmware/card/layout.ts',
  'firmware/core/money.ts',
  'simulator/reconcile.ts',
].flatMap((p) => (p.endsWith('.ts') ? [p] : files(p)));
const SOURCE_LINES_MAX = 320;

test('no wall clock or Math.random in runtime code', () => {
  const hits = RUNTIME.filter((f) => !COMPOSITION_ROOT.has(f)).flatMap((f) =>
    code(f)
      .filter(({ line }) => /Date\.now\(|new Date\(\)|Math\.random\(/.test(line))
      .map(({ n, line }) => `${f}:${n}: ${line.trim()}`),
  );
  assert.deepEqual(hits, []);
});

test('no timers in decision code (the runtime owns time)', () => {
  const hits = DECISION.flatMap((f) =>
    code(f)
      .filter(({ line }) => /\b(setTimeout|setInterval|setImmediate)\(/.test(line))
      .map(({ n, line }) => `${f}:${n}: ${line.trim()}`),
  );
  assert.deepEqual(hits, []);
});

test('no float arithmetic in money modules', () => {
  const hits = MONEY.flatMap((f) =>
    code(f)
      .filter(
        ({ line }) =>
          /parseFloat\(|\.toFixed\(|Math\.round\(|\*\s*0\.\d|\/\s*100\b(?![^(]*\))/.test(line) &&
          !/Math\.floor\(/.test(line),
      )
      .map(({ n, line }) => `${f}:${n}: ${line.trim()}`),
  );
  assert.deepEqual(hits, []);
});

test(`source files stay under ${SOURCE_LINES_MAX} lines`, () => {
  const big = ['base', 'firmware', 'drivers', 'protocol', 'simulator']
    .flatMap(files)
    .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > SOURCE_LINES_MAX)
    .map(({ f, lines }) => `${f}: ${lines} lines`);
  assert.deepEqual(big, []);
});

// Import rules (layers) are checked against a table in test/tidy/layers.test.ts.

test('comments and docs point only at files a clone has (facts live in docs/)', () => {
  // Built from pieces so this file does not match itself.
  const outsideDoc = new RegExp(['design', 'libs', 'reference', 'style'].map((name) => `\\b${name}\\.md\\b`).join('|'));
  const textFiles = (dir: string): string[] =>
    !existsSync(dir)
      ? []
      : readdirSync(dir).flatMap((name) => {
          const p = join(dir, name);
          return statSync(p).isDirectory() ? textFiles(p) : /\.(ts|md)$/.test(p) ? [p] : [];
        });
  const hits = ['base', 'firmware', 'drivers', 'simulator', 'protocol', 'test', 'bench', 'scripts', 'docs', 'examples']
    .flatMap(textFiles)
    .concat('README.md')
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (outsideDoc.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
  assert.deepEqual(hits, []);
});
