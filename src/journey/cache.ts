import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { listChapterFiles, listCheckModules, startPages } from './files.ts';
import type { Chapter, Journey } from './model.ts';
import { dict } from '../dict.ts';

/**
 * Load a journey, reusing the validated model from the last load when no file of the journey
 * changed (same paths, sizes and modification times, same hero-journey version and parser
 * files, so a rebuilt hero-journey never reads a model its new parser would not make). Parsing ~50
 * chapters costs far more than the startup budget; reading one JSON file does not. The parser
 * is imported only on a miss. A cache that cannot be read or written is simply ignored.
 */
export async function loadJourneyCached(dir: string, options: { env?: NodeJS.ProcessEnv; version: string }): Promise<Journey> {
  const root = resolve(dir);
  const fingerprint = await journeyFingerprint(root, options.version).catch(() => undefined);
  const file = join(cacheHome(options.env ?? process.env), 'journeys', `${hash(root)}.json`);
  if (fingerprint) {
    const cached = await readCache(file, fingerprint);
    if (cached) return cached;
  }
  const { loadJourney } = await import('./load.ts');
  const journey = await loadJourney(root);
  if (fingerprint) await writeCache(file, fingerprint, journey).catch(() => undefined);
  return journey;
}

/** `$XDG_CACHE_HOME/hero-journey` (default `~/.cache/hero-journey`). */
export function cacheHome(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'hero-journey');
}

async function journeyFingerprint(root: string, version: string): Promise<string | undefined> {
  // A scenario's scripts and index.json are no Markdown pages: it is read afresh each time.
  if (!(await stat(join(root, 'journey.yaml')).catch(() => undefined)) && (await stat(join(root, 'index.json')).catch(() => undefined))) return undefined;
  const chapters = await listChapterFiles(root);
  const modules = [...(await listCheckModules(join(root, 'checks')))].sort();
  const entries = await Promise.all(
    ['journey.yaml', ...startPages, ...chapters].map(async (path) => {
      const info = await stat(join(root, path)).catch(() => undefined);
      return `${path}\0${info ? `${info.size}\0${info.mtimeMs}` : '-'}`;
    }),
  );
  // A plain tutorial starts at its root README.md, which is no chapter of a journey with journey.yaml.
  // The model records which check modules exist, not what they contain.
  return hash(`${version}\n${await codeFingerprint()}\n${root}\n${entries.join('\n')}\n${modules.join('\n')}`);
}

/**
 * Sizes and modification times of the parser's own files: this folder's modules, or as built, the
 * bundle's chunks beside this code (the build rewrites the URL of a bundled module, not its dirname).
 */
export async function codeFingerprint(dir: string = import.meta.dirname): Promise<string> {
  const names = (await readdir(dir)).filter((name) => /\.(js|ts)$/.test(name)).sort();
  const stats = await Promise.all(names.map(async (name) => {
    const info = await stat(join(dir, name)).catch(() => undefined);
    return `${name}\0${info ? `${info.size}\0${info.mtimeMs}` : '-'}`;
  }));
  return stats.join('\n');
}

interface CacheFile {
  fingerprint: string;
  journey: Omit<Journey, 'chapters'> & { chapters: Chapter[] };
}

async function readCache(file: string, fingerprint: string): Promise<Journey | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    if (data.fingerprint !== fingerprint) return undefined;
    return { ...data.journey, vars: dict(data.journey.vars), chapters: new Map(data.journey.chapters.map((c) => [c.id, c])) };
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, fingerprint: string, journey: Journey): Promise<void> {
  const data: CacheFile = { fingerprint, journey: { ...journey, chapters: [...journey.chapters.values()] } };
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(data), { mode: 0o600 });
  await rename(temp, file);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
