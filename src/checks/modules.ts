// Finding and importing a journey's check modules (`checks/<id>.ts` or `.js`).
//
// - `.ts` modules run without a build step: Node >= 22.18 strips their types. Node refuses to do
//   that under node_modules, so there a module must exist as `.js`; the bundled journey's checks
//   are compiled into dist/chapters/checks/ by `npm run build` and shipped that way.
// - `import ... from 'hero-journey/check'` works in any journey folder, installed or not: a
//   resolve hook maps that one specifier to this package's own define module.
import { access } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Journey } from '../journey/model.ts';
import type { CheckDefinition } from './define.ts';
import { CHECK_API_SPECIFIER, guardModuleGraph, moduleGraph, type ModuleGraph } from './graph.ts';

/** The package's root folder (holds package.json, chapters/ and dist/). */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The bundled journey (the same folder the play command uses). */
export const bundledJourneyDir = join(packageRoot, 'chapters');
/** Where `npm run build` puts the bundled journey's compiled checks. */
const compiledBundledChecks = join(packageRoot, 'dist', 'chapters', 'checks');

/** A check module that cannot be loaded or does not export a check: a bug in the journey, not the learner's failure. */
export class BrokenCheckError extends Error {
  override readonly name = 'BrokenCheckError';
  readonly file: string;
  constructor(file: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.file = file;
  }
}

/** A loaded check module. */
export interface LoadedCheck {
  id: string;
  file: string;
  definition: CheckDefinition;
}

/** Whether `journeyDir` is the journey that ships with hero-journey (trusted, precompiled). */
export function isBundledJourney(journeyDir: string): boolean {
  return relative(bundledJourneyDir, journeyDir) === '';
}

function underNodeModules(path: string): boolean {
  return path.split(sep).includes('node_modules');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The file to import for module `id` of the journey in `journeyDir`: `checks/<id>.ts` (or `.js`);
 * under node_modules the `.js` (for the bundled journey: its compiled copy in dist/).
 */
export async function checkModuleFile(journeyDir: string, id: string): Promise<string> {
  const base = join(journeyDir, 'checks', ...id.split('/'));
  const ts = `${base}.ts`;
  const js = `${base}.js`;
  if (underNodeModules(journeyDir)) {
    if (isBundledJourney(journeyDir)) {
      const compiled = join(compiledBundledChecks, ...id.split('/')) + '.js';
      if (await exists(compiled)) return compiled;
    }
    if (await exists(js)) return js;
    if (await exists(ts)) {
      throw new BrokenCheckError(ts, `check module ${id} is TypeScript inside node_modules, where Node does not run TypeScript`, {
        cause: new Error(`ship checks/${id}.js next to it (compile it with tsc), or copy the journey out of node_modules`),
      });
    }
  } else {
    if (await exists(ts)) return ts;
    if (await exists(js)) return js;
  }
  throw new BrokenCheckError(ts, `check module ${id} does not exist: expected checks/${id}.ts or checks/${id}.js`);
}

let hooksRegistered = false;

/** Map `hero-journey/check` to this package's define module, for check modules wherever they are. */
export function registerCheckImports(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const defineUrl = new URL(`./define${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === CHECK_API_SPECIFIER) return { url: defineUrl, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

/** Import a check module and validate its default export. Throws BrokenCheckError. */
export async function importCheckModule(file: string, id: string): Promise<LoadedCheck> {
  registerCheckImports();
  let namespace: { default?: unknown };
  try {
    namespace = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new BrokenCheckError(file, `check module ${id} failed to load: ${firstLine(error)}`, { cause: error });
  }
  const definition = namespace.default as Partial<CheckDefinition> | undefined;
  if (typeof definition !== 'object' || definition === null || typeof definition.run !== 'function') {
    throw new BrokenCheckError(file, `check module ${id} does not default-export a check: write \`export default defineCheck({ id, title, run })\``);
  }
  return {
    id,
    file,
    definition: {
      ...(definition as CheckDefinition),
      id: typeof definition.id === 'string' && definition.id ? definition.id : id,
      title: typeof definition.title === 'string' && definition.title ? definition.title : id,
    },
  };
}

/**
 * Find and import module `id` of a journey. A journey other than the bundled one loads only
 * within its module graph (see graph.ts): no file outside the journey folder, no package, and
 * byte for byte the files that were fingerprinted.
 */
export async function loadCheckModule(journeyDir: string, id: string): Promise<LoadedCheck> {
  const file = await checkModuleFile(journeyDir, id);
  if (!isBundledJourney(journeyDir)) {
    const graph = await moduleGraph(journeyDir, [file]);
    if (graph.problems.length > 0) throw new BrokenCheckError(file, `check module ${id} is not loaded: ${graph.problems.join('; ')}`);
    try {
      guardModuleGraph(graph);
    } catch (error) {
      throw new BrokenCheckError(file, `check module ${id} is not loaded: ${(error as Error).message}`);
    }
  }
  return importCheckModule(file, id);
}

/** The files a journey's check modules load (its `use:` modules and what they import), for the trust question. */
export async function journeyModuleGraph(journey: Journey): Promise<ModuleGraph> {
  const ids = [...new Set([...journey.chapters.values()].flatMap((c) => c.checks.flatMap((k) => (k.kind === 'use' ? [k.use] : []))))].sort();
  const roots: string[] = [];
  for (const id of ids) {
    // A module that does not exist is reported when its check runs.
    const file = await checkModuleFile(journey.dir, id).catch(() => undefined);
    if (file) roots.push(file);
  }
  return moduleGraph(journey.dir, roots);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
