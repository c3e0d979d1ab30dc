import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled tree a device runs (`npm run build`, tsconfig.build.json) and
 * bin/onecard.js's choice between it and the sources. The emit goes to a
 * temporary directory, never to dist/: other tests spawn bin/onecard.js and
 * must not see a build appear under them. tsc's emit takes ~2 s here.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function node(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('the build emits runnable JavaScript: --version and a config check run from dist/ without tsx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-build-'));
  try {
    // Where dist/ would sit: beside package.json, with the dependencies one level up as in the checkout.
    const dist = join(dir, 'dist');
    node([TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist]);
    copyFileSync(join(ROOT, 'package.json'), join(dist, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const main = join(dist, 'app/main.js');
    assert.match(node([main, '--version']), /^onecard \d+\.\d+\.\d+\n$/);
    const example = join(ROOT, 'examples/terminal-sim.json');
    // Past the entry point: the config schema (zod) and the composition's modules load compiled.
    assert.match(node([main, 'config', 'check', example]), /: ok — terminal 101 \(pos\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bin/onecard.js runs dist/ when no source is newer than the build, else the sources through tsx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bin-'));
  try {
    // A miniature checkout: the real launcher, a source tree and a "build" that each say which they are.
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin/onecard.js'), join(dir, 'bin/onecard.js'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    for (const d of ['app', 'backend', 'base', 'drivers', 'firmware', 'protocol', 'simulator', 'dist/app'])
      mkdirSync(join(dir, d), { recursive: true });
    const source = join(dir, 'firmware/deep/x.ts');
    mkdirSync(join(dir, 'firmware/deep'));
    writeFileSync(source, 'export {};\n');
    writeFileSync(join(dir, 'app/main.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
    writeFileSync(join(dir, 'dist/app/main.js'), "console.log('dist');\n");
    const stamp = join(dir, 'dist/package.json');
    writeFileSync(stamp, '{"type":"module"}');
    const run = (env: NodeJS.ProcessEnv = {}) => node([join(dir, 'bin/onecard.js')], { ...process.env, ...env }).trim();

    const at = (path: string, s: number) => utimesSync(path, s, s);
    at(source, 1_000);
    at(join(dir, 'app/main.ts'), 1_000);
    at(stamp, 2_000);
    assert.equal(run(), 'dist', 'a build newer than every source runs');
    assert.equal(run({ ONECARD_TSX: '1' }), 'sources', 'ONECARD_TSX=1 runs the sources whatever dist/ holds');

    at(source, 3_000); // an edit after the build, deep in the tree
    assert.equal(run(), 'sources', 'a stale build is never run');

    rmSync(join(dir, 'dist'), { recursive: true });
    assert.equal(run(), 'sources', 'no build: the sources');

    // A device that carries dist/ alone: no source directory to compare with.
    for (const d of ['app', 'backend', 'base', 'drivers', 'firmware', 'protocol', 'simulator'])
      rmSync(join(dir, d), { recursive: true });
    mkdirSync(join(dir, 'dist/app'), { recursive: true });
    writeFileSync(join(dir, 'dist/app/main.js'), "console.log('dist');\n");
    writeFileSync(stamp, '{"type":"module"}');
    assert.equal(run(), 'dist', 'dist/ without the sources runs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
