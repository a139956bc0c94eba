// Build step: bundles src/render/text-libs.ts (wrap-ansi and boxen) into dist/render/text-libs.js
// with dist/render/width.js in place of string-width. string-width builds an Intl.Segmenter when
// it is imported and loads ICU's grapheme rules when first used, about a tenth of a second at
// startup; width.js measures text whose characters are graphemes of their own with the same
// table, and loads string-width only for the rest.
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
  entryPoints: [`${root}src/render/text-libs.ts`],
  outfile: `${root}dist/render/text-libs.js`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  plugins: [ownWidth],
  legalComments: 'eof',
  logLevel: 'warning',
});
