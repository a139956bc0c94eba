// Libraries the build bundles are imported through their one module (src/yaml.ts, src/cel.ts,
// src/render/hljs.ts, src/render/text-libs.ts, src/render/width.ts, src/inquirer.ts), so the startup gains of the bundles hold for
// every path; and node:http is never an ES module import, which loads Node's own undici too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const through: Record<string, string> = {
  yaml: 'yaml.ts',
  '@marcbachmann/cel-js': 'cel.ts',
  'highlight.js': 'render/hljs.ts',
  'wrap-ansi': 'render/text-libs.ts',
  boxen: 'render/text-libs.ts',
  'string-width': 'render/width.ts',
  '@inquirer/core': 'inquirer.ts',
};

test('bundled libraries are imported only through their module', () => {
  const stray = files.flatMap((file) => {
    const text = readFileSync(join(src, file), 'utf8');
    return Object.entries(through)
      .filter(([lib, module]) => file !== module && new RegExp(`(?:from|import\\()\\s*'${lib}(?:/[^']*)?'`).test(text))
      .map(([lib, module]) => `${file} imports ${lib}; import it from src/${module}`);
  });
  expect(stray).toEqual([]);
});

test('node:http and node:https are never imported as ES modules', () => {
  const stray = files.filter((file) => /^import (?!type )[^;]*from 'node:https?';/m.test(readFileSync(join(src, file), 'utf8')));
  expect(stray).toEqual([]);
});
