// Build step: bundles hero-journey's own modules (tsc's output, file by file, costs play's first
// chapter some 20 ms of CPU in Node's module loader: resolving, reading, compiling and linking
// some sixty files). Entries keep their paths: dist/cli/index.js (the bin's), dist/cli/help.js
// (the bin's --help) and dist/checks/define.js (`hero-journey/check`); the rest goes to
// dist/chunks/, in chunks made for the commands that must start fast:
// - `cli`: what the entry and --help load (the options table, the error classes);
// - `core`: what play's first chapter and `map` both load (session, journey cache, graph, ...);
// - `play`: what play's first chapter alone loads (the play loop, the renderer, prompts);
// - everything loaded later (the step runner, the check engine, other commands) is split by
//   rolldown as it is imported, so it still loads only when used.
// Modules bundled on their own by bundle-libs.ts and bundle-kube-client.ts stay separate files.
// Every output file is one folder deep in dist/, so `import.meta.url` of a module is rewritten to
// where tsc would have put it (templates, chapters and package.json are found from there).
// tsc's own .js files are then removed: dist/ ships each module once.
import { rolldown, type Plugin } from 'rolldown';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Bundled on their own (or, width.ts, loaded by such a bundle): imported from dist/ as they are. */
const separate = new Set(['yaml.ts', 'cel.ts', 'render/hljs.ts', 'render/text-libs.ts', 'render/width.ts', 'inquirer.ts', 'kube/client-node.ts']);
/** What play's first chapter imports on its way to its first question (each with what it imports statically). */
const playRoots = ['cli/index.ts', 'cli/parse.ts', 'cli/invocation.ts', 'render/guard.ts', 'render/sanitize.ts', 'commands/session.ts', 'commands/play.ts', 'commands/terminal.ts', 'prompts.ts', 'text-prompt.ts'];
/** What `map` imports. */
const mapRoots = ['cli/index.ts', 'cli/parse.ts', 'cli/invocation.ts', 'render/guard.ts', 'render/sanitize.ts', 'commands/session.ts', 'commands/map.ts'];
const srcPath = (rel: string) => join(src, rel);
const toDist = (file: string) => join(dist, relative(src, file)).replace(/\.ts$/, '.js');

const own: Plugin = {
  name: 'hero-journey-own-modules',
  resolveId(source, importer) {
    if (!importer?.startsWith(`${src}/`)) return null;
    if (!/^\.\.?\//.test(source)) return { id: source, external: true };
    const file = join(dirname(importer), source);
    if (separate.has(relative(src, file))) return { id: toDist(file), external: true };
    return null;
  },
  transform(code, id) {
    if (!id.startsWith(`${src}/`) || !code.includes('import.meta.url')) return null;
    return code.replaceAll('import.meta.url', `new URL(${JSON.stringify(`../${relative(src, id).replace(/\.ts$/, '.js')}`)}, import.meta.url).href`);
  },
};

/** Modules imported statically from `roots`, transitively. */
function closure(roots: string[], info: (id: string) => { importedIds: readonly string[] } | null): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id) || !id.startsWith(`${src}/`)) return;
    seen.add(id);
    for (const next of info(id)?.importedIds ?? []) visit(next);
  };
  roots.map(srcPath).forEach(visit);
  return seen;
}

let sets: { play: Set<string>; map: Set<string>; light: Set<string> } | undefined;
const group = (id: string, getModuleInfo: (id: string) => { importedIds: readonly string[] } | null): 'cli' | 'core' | 'play' | null => {
  sets ??= {
    play: closure(playRoots, getModuleInfo),
    map: closure(mapRoots, getModuleInfo),
    light: closure(['cli/index.ts', 'cli/help.ts'], getModuleInfo),
  };
  // What the entry and --help need (the options table, the error classes) stays small, apart.
  if (sets.light.has(id)) return 'cli';
  if (!sets.play.has(id)) return null;
  return sets.map.has(id) ? 'core' : 'play';
};

// Chunks of an earlier build are named by their content: none may stay behind.
rmSync(join(dist, 'chunks'), { recursive: true, force: true });
const bundle = await rolldown({
  input: { 'cli/index': srcPath('cli/index.ts'), 'cli/help': srcPath('cli/help.ts'), 'checks/define': srcPath('checks/define.ts') },
  platform: 'node',
  plugins: [own],
  logLevel: 'warn',
  onLog(level, log, handler) {
    // A module imported lazily from one place and eagerly from another loads eagerly: known and fine.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
});
const { output } = await bundle.write({
  dir: dist,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  codeSplitting: { groups: [{ debugName: 'core and play', name: (id, ctx) => group(id, (other) => ctx.getModuleInfo(other)) }] },
});
await bundle.close();

const written = new Set(output.map((file) => join(dist, file.fileName)));
for (const file of written) {
  if (relative(dist, file).split('/').length !== 2) throw new Error(`${file}: every bundled file must be one folder deep in dist/, for its rewritten import.meta.url`);
}
// tsc's .js files of the modules now bundled.
const bundled = output.flatMap((file) => (file.type === 'chunk' ? file.moduleIds : [])).filter((id) => id.startsWith(`${src}/`));
for (const id of bundled) if (!written.has(toDist(id))) rmSync(toDist(id), { force: true });
