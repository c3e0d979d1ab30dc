import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { scanImports } from './import-scan.ts';

/**
 * Every import of every source file, `import()` and type-only ones included,
 * checked against the layer table of docs/architecture.md ("Layers, and who
 * may import whom"). An edge not in the table and not in EXCEPTIONS fails.
 */
type Area =
  | 'protocol'
  | 'base'
  | 'drivers'
  | 'firmware'
  | 'simulator'
  | 'backend'
  | 'app'
  | 'test'
  | 'bench'
  | 'scripts'
  | 'bin';
const AREAS: readonly Area[] = [
  'protocol',
  'base',
  'drivers',
  'firmware',
  'simulator',
  'backend',
  'app',
  'test',
  'bench',
  'scripts',
  'bin',
];

interface Rule {
  /** Areas of ours this one may import ('any' for tools and tests). */
  may: readonly Area[] | 'any';
  /** Only node built-ins (`node:…`) from outside the tree: a backend vendors these folders alone. */
  builtinsOnly?: boolean;
  /** With builtinsOnly: the packages it may import besides (each named in docs/dependencies.md). */
  packages?: readonly string[];
}
const RULES: Record<Area, Rule> = {
  protocol: { may: ['protocol'], builtinsOnly: true },
  // The WebSocket link and the SQLite opener serve terminal and backend alike: their two packages, no others.
  base: { may: ['base'], builtinsOnly: true, packages: ['ws', 'better-sqlite3'] },
  drivers: { may: ['drivers', 'base'] },
  firmware: { may: ['firmware', 'drivers', 'protocol', 'base'] },
  simulator: { may: ['protocol', 'base', 'drivers', 'firmware', 'simulator', 'backend'] },
  // The reference backend, once it moves out of simulator/: an operator's tool, not a terminal.
  backend: { may: ['backend', 'protocol', 'base'] },
  // The composition root and the CLI: above everything of ours; only bin/ and the tests reach it.
  app: { may: ['app', 'protocol', 'base', 'drivers', 'firmware', 'simulator', 'backend'] },
  test: { may: 'any' },
  bench: { may: 'any' },
  scripts: { may: 'any' },
  bin: { may: 'any' },
};
/**
 * Firmware sees drivers through their contracts only, never a concrete driver: the interfaces
 * (index.ts, the card session) and the config section a driver reads (config.ts, a schema only).
 */
const isDriverContract = (file: string) =>
  /^drivers\/[\w-]+\/(index|config)\.ts$/.test(file) || file === 'drivers/card/session.ts';

/** Known violations, each with its reason and the work that removes it. A stale entry fails too. */
interface Exception {
  fromPrefix: string;
  /** Target path prefix, or null for an `import(expression)`. */
  toPrefix: string | null;
  dynamicOnly: boolean;
  why: string;
}
const EXCEPTIONS: readonly Exception[] = [
  {
    fromPrefix: 'drivers/optional-addon.ts',
    toPrefix: null,
    dynamicOnly: true,
    why: 'optional native addons (spi-device, onoff) load by a computed name so that tsc and CI never need them',
  },
];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|js)$/.test(name) ? [p] : [];
  });
}

export interface Edge {
  from: string;
  line: number;
  /** Repository path of the target, or a package name, or null when computed. */
  to: string | null;
  dynamic: boolean;
}

export function edgesOf(file: string, src: string): Edge[] {
  return scanImports(src).map((r) => ({
    from: file,
    line: r.line,
    dynamic: r.dynamic,
    to: r.specifier?.startsWith('.') ? posix.join(posix.dirname(file), r.specifier) : r.specifier,
  }));
}

const areaOf = (path: string): Area | null => AREAS.find((a) => path.startsWith(`${a}/`)) ?? null;

/** Why `e` breaks the table, or null when it is allowed. Exceptions are applied by the caller. */
export function violation(e: Edge): string | null {
  const from = areaOf(e.from);
  if (from === null) return null;
  const rule = RULES[from];
  if (e.to === null) return 'computed import(): cannot be checked';
  const to = areaOf(e.to);
  if (to === null) {
    if (e.to.startsWith('.')) return `${e.to} is outside the layered folders`;
    const allowed = e.to.startsWith('node:') || rule.packages?.includes(e.to) === true;
    return rule.builtinsOnly && !allowed ? `${from}/ imports node built-ins only, not ${e.to}` : null;
  }
  if (!existsSync(e.to)) return `${e.to} does not exist`;
  if (rule.may !== 'any' && !rule.may.includes(to)) return `${from}/ may not import ${to}/`;
  if (from === 'firmware' && to === 'drivers' && !isDriverContract(e.to)) {
    return 'firmware/ sees drivers through their contracts (drivers/<kind>/index.ts); the root picks concrete ones';
  }
  return null;
}

const matches = (x: Exception, e: Edge) =>
  e.from.startsWith(x.fromPrefix) &&
  (x.toPrefix === null ? e.to === null : e.to?.startsWith(x.toPrefix) === true) &&
  (!x.dynamicOnly || e.dynamic);

const ALL_EDGES = AREAS.flatMap((a) => sourceFiles(a)).flatMap((f) => edgesOf(f, readFileSync(f, 'utf8')));

test('every import follows the layer table (static, type-only and import() alike)', () => {
  const bad = ALL_EDGES.flatMap((e) => {
    const why = violation(e);
    if (why === null || EXCEPTIONS.some((x) => matches(x, e))) return [];
    return [`${e.from}:${e.line} -> ${e.to ?? 'import(<computed>)'}${e.dynamic ? ' (dynamic)' : ''}: ${why}`];
  });
  assert.deepEqual(bad, []);
});

test('every listed exception is still needed (remove it when its violation goes)', () => {
  const stale = EXCEPTIONS.filter((x) => !ALL_EDGES.some((e) => matches(x, e) && violation(e) !== null));
  assert.deepEqual(
    stale.map((x) => `${x.fromPrefix} -> ${x.toPrefix ?? 'import(<computed>)'}: ${x.why}`),
    [],
  );
});

test('the table catches what it is for', () => {
  const edge = (from: string, to: string | null, dynamic = false): Edge => ({ from, to, dynamic, line: 1 });
  assert.match(
    violation(edge('drivers/card/index.ts', 'firmware/core/log.ts')) ?? '',
    /drivers\/ may not import firmware/,
  );
  assert.match(
    violation(edge('firmware/pos/pos.ts', 'simulator/world.ts', true)) ?? '',
    /firmware\/ may not import simulator/,
  );
  assert.match(violation(edge('backend/server.ts', 'firmware/core/log.ts')) ?? '', /backend\/ may not import firmware/);
  assert.match(violation(edge('protocol/frame.ts', 'base/log.ts')) ?? '', /protocol\/ may not import base/);
  assert.match(violation(edge('protocol/frame.ts', 'zod')) ?? '', /node built-ins only/);
  assert.match(violation(edge('base/ws-link.ts', 'zod')) ?? '', /node built-ins only/);
  assert.equal(violation(edge('base/ws-link.ts', 'ws')), null);
  assert.match(violation(edge('protocol/frame.ts', 'ws')) ?? '', /node built-ins only/);
  assert.match(violation(edge('simulator/world.ts', 'app/main.ts')) ?? '', /simulator\/ may not import app/);
  assert.match(violation(edge('firmware/pos/pos.ts', 'app/main.ts', true)) ?? '', /firmware\/ may not import app/);
  assert.match(violation(edge('firmware/pos/pos.ts', 'drivers/card/mfrc522/reader.ts')) ?? '', /contracts/);
  assert.equal(violation(edge('firmware/pos/pos.ts', 'drivers/card/session.ts')), null);
  assert.equal(violation(edge('test/tidy.test.ts', 'simulator/world.ts')), null);
});
