// Build step: bundles src/kube/client-node.ts, the few classes of @kubernetes/client-node that
// src/kube/client.ts uses, into dist/kube/client-node.js, tree-shaken. Importing the package
// itself loads every generated API and model class (about a second on a slow machine); the bundle
// holds only what runs. The package is generated code without side effects on import, except
// polyfill.js, but does not say so, so esbuild is told here. undici comes in as the few parts
// used (scripts/undici-parts.cjs), one copy for the client and src/kube/client.ts alike.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const clientNode = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/;

const pureClientNode: Plugin = {
  name: 'client-node-side-effect-free',
  setup(b) {
    // An ESM import of node:http makes Node load its own copy of undici too (the module's lazy
    // WebSocket getters are read to build the ESM namespace): the bundle takes http and https as
    // CommonJS values, which only load what they are.
    b.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path.replace(/^(node:)?/, 'node:'), namespace: 'node-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: /^undici$/ }, () => ({ path: `${root}scripts/undici-parts.cjs` }));
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const result = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' });
      if (result.errors.length > 0 || !clientNode.test(result.path) || result.path.endsWith('polyfill.js')) return undefined;
      return { ...result, sideEffects: false };
    });
  },
};

const result = await build({
  entryPoints: [`${root}src/kube/client-node.ts`],
  outfile: `${root}dist/kube/client-node.js`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  plugins: [pureClientNode],
  // Some of the client's dependencies are CommonJS and require Node's modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: process.argv.includes('--metafile'),
});
if (result.metafile) process.stdout.write(JSON.stringify(result.metafile));
