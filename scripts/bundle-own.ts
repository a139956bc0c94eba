// Build step: bundles hero-journey's own modules (tsc's output, file by file, costs play's first
// chapter some 20 ms of CPU in Node's module loader: resolving, reading, compiling and linking
// some sixty files). Entries keep their paths: dist/cli/index.js (the bin's), dist/cli/help.js
// (the bin's --help) and dist/checks/define.js (`hero-journey/check`); the rest goes to
// dist/chunks/, in chunks made for the commands that must start fast:
// - `cli`: what the entry and --help load (the options table, the error classes);
// - `core`: what every fast command (play to its first question, map, status, check, verify,
//   doctor) loads: the parser, the session, the journey cache;
// - one chunk per set of those that needs the rest (play; map and status; check, verify and
//   doctor): `play` has the play loop, the renderer and the prompts, which `check` never loads;
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
/** What every command imports on its way (the parser, the terminal guard, the session). */
const cliRoots = ['cli/index.ts', 'cli/parse.ts', 'cli/invocation.ts', 'render/guard.ts', 'render/sanitize.ts', 'commands/session.ts'];
/**
 * The commands that must start fast, with what each imports before its first output (play: up
 * to its first chapter's first question) besides `cliRoots`; the ones that talk to a cluster
 * share their chunks, as do map and status.
 */
const fastCommands: Record<string, string[]> = {
  play: ['commands/play.ts', 'commands/terminal.ts', 'prompts.ts', 'text-prompt.ts'],
  map: ['commands/map.ts', 'commands/status.ts'],
  cluster: ['commands/check.ts', 'commands/verify.ts', 'commands/doctor.ts'],
};
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

/** Each module's static imports, noted when the build has read them all. */
const imports = new Map<string, readonly string[]>();
const graph: Plugin = {
  name: 'hero-journey-module-graph',
  moduleParsed(info) {
    imports.set(info.id, info.importedIds);
  },
};

/**
 * Chunk groups by which of the fast commands need a module, so each loads what it needs in a few
 * files and nothing it does not (`check` no Markdown renderer, `map` no play loop). A module's
 * imports are needed by at least the commands that need it, so groups of more commands go first:
 * they have taken a module's imports before a group of fewer commands would pull them in.
 */
function chunkGroups(): Array<{ name: string; test: (id: string) => boolean; priority: number }> {
  const info = (id: string) => ({ importedIds: imports.get(id) ?? [] });
  // What the entry and --help need (the options table, the error classes) stays small, apart.
  const light = closure(['cli/index.ts', 'cli/help.ts'], info);
  const byCommand = Object.entries(fastCommands).map(([name, roots]) => [name, closure([...cliRoots, ...roots], info)] as const);
  const usersOf = new Map<string, string>();
  for (const id of imports.keys()) {
    const users = byCommand.filter(([, modules]) => modules.has(id)).map(([name]) => name);
    if (!light.has(id) && users.length > 0) usersOf.set(id, users.length === byCommand.length ? 'core' : users.join('-'));
  }
  const sets = [...new Set(usersOf.values())].sort((a, b) => (b === 'core' ? 1 : 0) - (a === 'core' ? 1 : 0) || b.split('-').length - a.split('-').length || a.localeCompare(b));
  return [
    { name: 'cli', test: (id: string) => light.has(id), priority: sets.length + 1 },
    ...sets.map((set, i) => ({ name: set, test: (id: string) => usersOf.get(id) === set, priority: sets.length - i })),
  ];
}

// Chunks of an earlier build are named by their content: none may stay behind.
rmSync(join(dist, 'chunks'), { recursive: true, force: true });
const bundle = await rolldown({
  input: { 'cli/index': srcPath('cli/index.ts'), 'cli/help': srcPath('cli/help.ts'), 'checks/define': srcPath('checks/define.ts') },
  platform: 'node',
  plugins: [own, graph],
  logLevel: 'warn',
  onLog(level, log, handler) {
    // A module imported lazily from one place and eagerly from another loads eagerly: known and fine.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
});
// The build reads the modules when asked for output: a first one, discarded, gives the module graph.
await bundle.generate({ format: 'esm' });
const { output } = await bundle.write({
  dir: dist,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  codeSplitting: { groups: chunkGroups() },
});
await bundle.close();

const written = new Set(output.map((file) => join(dist, file.fileName)));
for (const file of written) {
  if (relative(dist, file).split('/').length !== 2) throw new Error(`${file}: every bundled file must be one folder deep in dist/, for its rewritten import.meta.url`);
}
// tsc's .js files of the modules now bundled.
const bundled = output.flatMap((file) => (file.type === 'chunk' ? file.moduleIds : [])).filter((id) => id.startsWith(`${src}/`));
for (const id of bundled) if (!written.has(toDist(id))) rmSync(toDist(id), { force: true });
