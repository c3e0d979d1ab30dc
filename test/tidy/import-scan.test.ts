import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanImports } from './import-scan.ts';

const specs = (src: string) =>
  scanImports(src).map((r) => `${r.dynamic ? 'dyn ' : ''}${r.specifier ?? '<computed>'}@${r.line}`);

test('finds static, type-only, re-export, side-effect and dynamic imports with their lines', () => {
  const src = [
    "import a from './a.ts';",
    "import type { B } from '../b.ts';",
    'import {',
    '  c,',
    '  type D,',
    "} from './c.ts';",
    "export * from './e.ts';",
    "export type { F } from './f.ts';",
    "export { g as h } from './g.ts';",
    "import './side.ts';",
    "const m = await import('../../simulator/x.ts');",
    'const n = await import(name);',
    "type T = typeof import('./t.ts');",
    "import * as ns from 'node:fs';",
  ].join('\n');
  assert.deepEqual(specs(src), [
    './a.ts@1',
    '../b.ts@2',
    './c.ts@3',
    './e.ts@7',
    './f.ts@8',
    './g.ts@9',
    './side.ts@10',
    'dyn ../../simulator/x.ts@11',
    'dyn <computed>@12',
    'dyn ./t.ts@13',
    'node:fs@14',
  ]);
});

test('ignores imports inside comments, strings, templates and regex literals', () => {
  const src = [
    "// import x from './comment.ts';",
    "/* import('./block.ts') */",
    'const s = "import y from \'./string.ts\'";',
    // Built with a join so the linter does not read a placeholder in a plain string.
    ["const t = `import('./template.ts') $", "{ok ? '}' : `import('./nested.ts')`}`;"].join(''),
    'const r = /from\\s+[\'"][./]*simulator\\//;',
    "const q = a / b; import z from './after-division.ts';",
    'export const from = 1;',
    'export { from };',
    'const meta = import.meta.url;',
    "obj.import('./method.ts');",
  ].join('\n');
  assert.deepEqual(specs(src), ['./after-division.ts@6']);
});

test('a regex literal with a quote does not swallow the imports after it', () => {
  const src = "const re = /['\"]/g;\nimport k from './k.ts';\n";
  assert.deepEqual(specs(src), ['./k.ts@2']);
});
