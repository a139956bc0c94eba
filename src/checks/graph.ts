// What is shown is what runs. Before a journey's check modules load, their whole module graph is
// worked out: each module `use:` names, found as the loader will find it, with its symbolic links
// resolved, and everything it imports, transitively (relative imports of any module extension:
// .ts .mts .cts .js .mjs .cjs .json). The trust question lists these files and its fingerprint
// covers their contents, so changing any of them asks again.
//
// A module may import Node's built-in modules, `hero-journey/check`, and files of the journey
// folder. Anything else is refused: a file whose real path leaves the journey folder (a link
// pointing elsewhere), and packages (`import x from 'lodash'`), whose code is not the journey's to
// show. Then, while modules load, a loader hook holds them to that: a file outside the graph is
// refused, and a file whose bytes differ from the ones fingerprinted is refused, so what Node runs
// is byte for byte what was shown.
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { readFileSync, realpathSync } from 'node:fs';
import { isBuiltin, registerHooks } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files a journey's check modules load, and a digest of all of them. */
export interface ModuleGraph {
  /** The journey folder, its symbolic links resolved. */
  root: string;
  /** Real paths of every file that will load, sorted. */
  files: string[];
  /** Real path → sha256 of its contents. */
  hashes: Map<string, string>;
  /** Over the files' paths (relative to `root`) and contents. */
  digest: string;
  /** Why some module may not load at all (outside the folder, a package import), one sentence each. */
  problems: string[];
}

/** The specifier the package's own define module answers to. */
export const CHECK_API_SPECIFIER = 'hero-journey/check';
const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'];

/** Work out the module graph of `rootFiles` (the files the loader would import) inside `journeyDir`. */
export async function moduleGraph(journeyDir: string, rootFiles: readonly string[]): Promise<ModuleGraph> {
  const root = await realpath(journeyDir).catch(() => resolve(journeyDir));
  const hashes = new Map<string, string>();
  const problems: string[] = [];
  const shown = (file: string) => (isInside(root, file) ? relative(root, file) : file);
  const visit = async (file: string, via: string | undefined): Promise<void> => {
    const real = await realpath(file).catch(() => undefined);
    if (real === undefined) return; // Loading it fails with its own error.
    if (!isInside(root, real)) {
      problems.push(`${via ? `${via} imports ${shown(file)}` : shown(file)}, whose real path ${real} is outside the journey folder`);
      return;
    }
    if (hashes.has(real)) return;
    const source = await readFile(real);
    hashes.set(real, sha256(source));
    if (extname(real) === '.json') return;
    for (const specifier of importSpecifiers(source.toString('utf8'))) {
      if (specifier === CHECK_API_SPECIFIER || isBuiltin(specifier)) continue;
      if (!isPathSpecifier(specifier)) {
        problems.push(`${shown(real)} imports the package "${specifier}": check modules may import only Node's built-in modules, ${CHECK_API_SPECIFIER} and the journey's own files (copy what it needs into the journey)`);
        continue;
      }
      const target = await resolveRelative(specifier, real);
      if (target) await visit(target, shown(real));
    }
  };
  for (const file of rootFiles) await visit(file, undefined);
  const files = [...hashes.keys()].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(root, file)).update('\0').update(hashes.get(file)!).update('\0');
  return { root, files, hashes, digest: hash.digest('hex'), problems };
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:') || specifier === '.' || specifier === '..';
}

/** A relative import as Node resolves it: the exact file, or (for require) with an extension or index file added. */
async function resolveRelative(specifier: string, from: string): Promise<string | undefined> {
  const base = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(from), specifier);
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => join(base, `index${ext}`))];
  for (const candidate of candidates) {
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

/**
 * The module specifiers a source file names: static imports and re-exports, `import('x')`,
 * `require('x')`. Comments are skipped; a specifier computed at run time is not seen here, and the
 * loader hook refuses whatever it would load outside the graph.
 */
export function importSpecifiers(source: string): string[] {
  const code = withoutComments(source);
  const found = new Set<string>();
  const patterns = [
    // `import type` and `export type` are erased before the module runs: they load nothing.
    /\b(?:import|export)\s+(?!type\b)[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
    /\bimport\s*(['"])([^'"\n]+)\1/g,
    /\b(?:import|require)\s*\(\s*(['"`])([^'"`\n$]+)\1\s*[,)]/g,
    /\brequire\.resolve\s*\(\s*(['"`])([^'"`\n$]+)\1\s*[,)]/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[2]!);
  return [...found];
}

/** The source with comments blanked out; strings and template literals are kept as they are. */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      out += ' ';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

// The loader hook: files of an approved graph load only with the bytes that were fingerprinted,
// and import nothing outside their graph.
const approved = new Map<string, string>();
let hookRegistered = false;

/**
 * Hold the loading of these files to their graph. When the learner agrees, `agreed` pins the
 * contents they agreed to; before a root is imported, a file pinned earlier must still have its
 * pinned contents: one changed after it was shown throws.
 */
export function guardModuleGraph(graph: ModuleGraph, options: { agreed?: boolean } = {}): void {
  for (const [file, hash] of graph.hashes) {
    if (!options.agreed && (approved.get(file) ?? hash) !== hash) throw new Error(`${file} changed after it was shown: run again, and hero-journey asks again`);
  }
  for (const [file, hash] of graph.hashes) approved.set(file, hash);
  if (hookRegistered) return;
  hookRegistered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;
      if (!parent || !approved.has(parent) || specifier === CHECK_API_SPECIFIER || !result.url.startsWith('file:')) return result;
      const target = realFile(result.url);
      if (!approved.has(target)) {
        throw new Error(`${parent} imports ${specifier} (${target}), which was not among the check module files shown and agreed to`);
      }
      return result;
    },
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (!url.startsWith('file:')) return result;
      const file = realFile(url);
      const expected = approved.get(file);
      if (expected === undefined) return result;
      const source = result.source ?? readFileSync(file);
      if (sha256(typeof source === 'string' ? source : new Uint8Array(source as ArrayBuffer)) !== expected) {
        throw new Error(`${file} changed after it was shown: run again, and hero-journey asks again`);
      }
      return result;
    },
  });
}

function realFile(url: string): string {
  const file = fileURLToPath(url);
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
