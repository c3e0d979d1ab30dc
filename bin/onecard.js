#!/usr/bin/env node
// Runs the compiled tree (dist/, `npm run build`) when it is there and no source is newer than it:
// a device starts without compiling ~330 files. Otherwise the TypeScript sources run through
// tsx's loader, so a checkout works without a build (make sim, make test) and an edit is never
// hidden behind a stale build.
import { readdirSync, statSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);
/** Written last by `npm run build`: its mtime is the build's. */
const BUILD_STAMP = new URL('dist/package.json', ROOT);
/** The directories tsconfig.build.json compiles. */
const SOURCE_DIRS = ['app', 'backend', 'base', 'drivers', 'firmware', 'protocol', 'simulator'];

function builtAtMs() {
  try {
    return statSync(BUILD_STAMP).mtimeMs;
  } catch {
    return null;
  }
}

/** True when some .ts file under `dir` was modified after `sinceMs` (stops at the first one). */
function newerSource(dir, sinceMs) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false; // a device may carry dist/ without the sources
  }
  for (const entry of entries) {
    const path = new URL(entry.name, dir);
    if (entry.isDirectory()) {
      if (newerSource(new URL(`${entry.name}/`, dir), sinceMs)) return true;
    } else if (entry.name.endsWith('.ts') && statSync(path).mtimeMs > sinceMs) return true;
  }
  return false;
}

function useBuild() {
  if (process.env.ONECARD_TSX === '1') return false; // the sources, whatever dist/ holds
  const builtMs = builtAtMs();
  return builtMs !== null && !SOURCE_DIRS.some((d) => newerSource(new URL(`${d}/`, ROOT), builtMs));
}

if (useBuild()) {
  await import('../dist/app/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../app/main.ts');
}
