// Build step: bundles libraries, each set into one file that replaces tsc's output, since loading a
// package file by file costs more at startup than running it:
// - src/yaml.ts → dist/yaml.js: the yaml package is some seventy CommonJS files.
// - src/cel.ts → dist/cel.js (CEL, for `when` and asserts) and src/render/hljs.ts → dist/render/hljs.js
//   (highlight.js and the languages chapters use).
// - src/render/text-libs.ts (wrap-ansi and boxen) → dist/render/text-libs.js, with dist/render/width.js
//   in place of string-width. string-width builds an Intl.Segmenter when it is imported and loads
//   ICU's grapheme rules when first used, about a tenth of a second at startup; width.js measures
//   text whose characters are graphemes of their own with the same table, and loads string-width
//   only for the rest.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const ownWidth: Plugin = {
  name: 'string-width-as-own-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: './width.js', external: true }));
  },
};

await build({
  entryPoints: [`${root}src/yaml.ts`, `${root}src/cel.ts`, `${root}src/render/hljs.ts`, `${root}src/render/text-libs.ts`],
  outbase: `${root}src`,
  outdir: `${root}dist`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  plugins: [ownWidth],
  // yaml and highlight.js are CommonJS; yaml requires Node's process and buffer modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});
