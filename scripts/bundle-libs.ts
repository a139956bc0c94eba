// Build step: bundles libraries, each set into one file that replaces tsc's output, since loading a
// package file by file costs more at startup than running it:
// - src/yaml.ts → dist/yaml.js: the yaml package is some seventy CommonJS files.
// - src/cel.ts → dist/cel.js (CEL, for `when` and asserts) and src/render/hljs.ts → dist/render/hljs.js
//   (highlight.js and the languages chapters use).
// - src/inquirer.ts → dist/inquirer.js: @inquirer/core, some twenty modules and six packages, for the
//   keyed menu and the text prompt (a chapter's first question).
// - src/render/text-libs.ts (wrap-ansi and boxen) → dist/render/text-libs.js, with dist/render/width.js
//   in place of string-width. string-width builds an Intl.Segmenter when it is imported and loads
//   ICU's grapheme rules when first used, about a tenth of a second at startup; width.js measures
//   text whose characters are graphemes of their own with the same table, and loads string-width
//   only for the rest.
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const ownWidth: Plugin = {
  name: 'string-width-as-own-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: './width.js', external: true }));
  },
};

/**
 * wrap-ansi and slice-ansi (boxen's) each build an Intl.Segmenter of graphemes when loaded, which
 * loads ICU's grapheme rules (some 15 ms); both use it only for text that is not plain ASCII. Here
 * text whose characters are each a grapheme of their own (box drawing, quotes, ✔: what every
 * callout's border has) is segmented by width.js's `ownGraphemes`, and the segmenter is built on
 * the first `segment()` call that needs it. The build fails if either module changes how it uses it.
 */
const lazySegmenters: Plugin = {
  name: 'lazy-segmenters',
  setup(b) {
    b.onResolve({ filter: /^hero-journey:width$/ }, () => ({ path: './width.js', external: true }));
    b.onLoad({ filter: /[\\/]node_modules[\\/](wrap-ansi[\\/]index|slice-ansi[\\/]tokenize-ansi)\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const made = /^const (\w+) = new Intl\.Segmenter\((|undefined, \{granularity: 'grapheme'\})\);$/m.exec(source);
      const name = made?.[1];
      // Any other use (another member, passed on as a value) would need the real object.
      const otherUses = name ? new RegExp(`\\b${name}\\b(?=\\s*[.,;)\\]])(?!\\.segment\\()`).test(source) : true;
      if (!made || otherUses) throw new Error(`${args.path}: expected one Intl.Segmenter of graphemes used only through .segment()`);
      const lazy =
        `import { ownGraphemes as ${name}Own } from 'hero-journey:width';\nlet ${name}Made;\n` +
        `const ${name} = { segment: (text) => ${name}Own(text) ?? (${name}Made ??= new Intl.Segmenter(${made[2]})).segment(text) };`;
      return { contents: source.replace(made[0], lazy), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [`${root}src/yaml.ts`, `${root}src/cel.ts`, `${root}src/render/hljs.ts`, `${root}src/render/text-libs.ts`, `${root}src/inquirer.ts`],
  outbase: `${root}src`,
  outdir: `${root}dist`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  plugins: [ownWidth, lazySegmenters],
  // yaml, highlight.js and mute-stream (@inquirer/core's) are CommonJS; they require Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});
