/**
 * Journeys from elsewhere: a Git repository (`github:owner/repo/path#ref`, `git+https://host/x.git#ref:path`,
 * `https://host/x.git#ref:path`, `file:///srv/x.git#ref:path`), an npm package (`npm:@scope/name@1.2.3`)
 * or a tarball (`./journey-1.0.0.tgz`). Fetched into the cache and pinned to the exact commit or
 * version, which is shown. Nothing fetched runs on fetch: Git only transfers files, npm packs with
 * `--ignore-scripts`, tar only extracts. The one module that runs git, npm and tar for this.
 */

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { cacheHome } from './cache.ts';
import { UserError } from '../errors.ts';
import { stateHome } from '../state/store.ts';

const run = promisify(execFile);

/** Where a journey comes from, as `--journey` names it. */
export type JourneySource =
  | { kind: 'git'; url: string; ref?: string; path: string }
  | { kind: 'npm'; spec: string; path: string }
  | { kind: 'tarball'; file: string; path: string };

/** A fetched journey: its folder in the cache, and what it is pinned to. */
export interface FetchedJourney {
  dir: string;
  /** Where it came from, for people: `file:///srv/hero.git (main)`. */
  origin: string;
  /** The exact commit, or package name@version with its digest. */
  pin: string;
}

/** The source `--journey` names, or undefined for a folder. */
export function parseJourneySource(text: string, cwd: string): JourneySource | undefined {
  const github = /^github:([\w.-]+)\/([\w.-]+)((?:\/[^#]*)?)(?:#(.+))?$/.exec(text);
  if (github) {
    return { kind: 'git', url: `https://github.com/${github[1]}/${github[2]!.replace(/\.git$/, '')}.git`, ...(github[4] ? { ref: github[4] } : {}), path: cleanPath(github[3] ?? '') };
  }
  const git = /^(?:git\+)?((?:https?|ssh|git|file):\/\/[^#]+)(?:#([^:]*)(?::(.*))?)?$/.exec(text);
  if (git && (text.startsWith('git+') || /\.git\/?$/.test(git[1]!) || git[1]!.startsWith('file://'))) {
    return { kind: 'git', url: git[1]!, ...(git[2] ? { ref: git[2] } : {}), path: cleanPath(git[3] ?? '') };
  }
  const npm = /^npm:([^#]+)(?:#(.*))?$/.exec(text);
  if (npm) return { kind: 'npm', spec: npm[1]!, path: cleanPath(npm[2] ?? '') };
  const tarball = /^(.+\.(?:tgz|tar\.gz))(?:#(.*))?$/.exec(text);
  if (tarball) return { kind: 'tarball', file: resolve(cwd, tarball[1]!), path: cleanPath(tarball[2] ?? '') };
  return undefined;
}

function cleanPath(path: string): string {
  const normal = posix.normalize(path.replace(/^\/+/, '') || '.');
  if (normal === '..' || normal.startsWith('../')) throw new UserError(`the path \`${path}\` in --journey leads outside what it names`, { hint: 'name a folder inside the repository or package' });
  return normal === '.' ? '' : normal;
}

/** Fetch the source into the cache (once per commit or version) and return its journey folder. */
export async function fetchJourneySource(source: JourneySource, env: NodeJS.ProcessEnv): Promise<FetchedJourney> {
  const sources = join(cacheHome(env), 'sources');
  await mkdir(sources, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(sources, '.fetch-'));
  try {
    const fetched = source.kind === 'git' ? await fetchGit(source, work, sources, env) : await fetchPackage(source, work, sources, env);
    const dir = join(fetched.root, source.path);
    const inside = relative(fetched.root, dir);
    if (inside.startsWith(`..${sep}`) || isAbsolute(inside) || !(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new UserError(`${fetched.origin} has no folder \`${source.path}\``, { hint: 'name the journey folder after `:` (git) or `#` (npm, tarball)' });
    }
    return { dir, origin: fetched.origin, pin: fetched.pin };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fetchGit(source: Extract<JourneySource, { kind: 'git' }>, work: string, sources: string, env: NodeJS.ProcessEnv): Promise<{ root: string; origin: string; pin: string }> {
  const origin = `${source.url}${source.ref ? ` (${source.ref})` : ''}`;
  // No prompt for a password (there is no one to answer it), no hooks, a bounded wait.
  const gitEnv = { ...env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (args: string[]) => run('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false', ...args], { cwd: work, env: gitEnv, timeout: 120_000, maxBuffer: 1 << 20 });
  try {
    await git(['init', '-q', '.']);
    await git(['fetch', '-q', '--depth', '1', '--no-tags', source.url, source.ref ?? 'HEAD']);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join(' ');
    throw new UserError(`cannot fetch the journey from ${origin}: ${stderr}`, { hint: 'check the address and the branch, tag or commit after `#`', cause: error });
  }
  const commit = (await git(['rev-parse', 'FETCH_HEAD'])).stdout.trim();
  // The folder is named after the repository: a plain tutorial's journey id (and its progress) comes from it.
  const name = folderName(posix.basename(source.url.replace(/\/+$/, '')).replace(/\.git$/, ''));
  const root = join(sources, `git-${hash(source.url)}`, commit, name);
  if (!(await stat(root).catch(() => undefined))) {
    await git(['checkout', '-q', 'FETCH_HEAD']);
    await rm(join(work, '.git'), { recursive: true, force: true });
    await mkdir(join(root, '..'), { recursive: true });
    await rename(work, root).catch(async (error: NodeJS.ErrnoException) => {
      // Another hero-journey fetched the same commit meanwhile: theirs is the same.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  return { root, origin, pin: `commit ${commit}` };
}

async function fetchPackage(source: Exclude<JourneySource, { kind: 'git' }>, work: string, sources: string, env: NodeJS.ProcessEnv): Promise<{ root: string; origin: string; pin: string }> {
  let file: string;
  let origin: string;
  if (source.kind === 'npm') {
    origin = `npm:${source.spec}`;
    try {
      // --ignore-scripts: packing a package never runs its prepack/prepare scripts.
      const { stdout } = await run('npm', ['pack', source.spec, '--ignore-scripts', '--json', '--pack-destination', work], { cwd: work, env, timeout: 120_000, maxBuffer: 8 << 20 });
      const packed = (JSON.parse(stdout) as { filename: string }[])[0];
      if (!packed) throw new Error('npm pack printed no package');
      file = join(work, packed.filename.replace(/^@/, '').replace(/\//g, '-'));
      if (!(await stat(file).catch(() => undefined))) file = join(work, (await readdir(work)).find((name) => name.endsWith('.tgz')) ?? packed.filename);
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join(' ');
      throw new UserError(`cannot fetch the journey package ${source.spec}: ${stderr}`, { hint: 'check the package name and version (npm:@scope/name@1.2.3)', cause: error });
    }
  } else {
    file = source.file;
    origin = source.file;
    if (!(await stat(file).catch(() => undefined))?.isFile()) throw new UserError(`no tarball at ${file}`, { hint: 'pass a .tgz made by npm pack, or a folder' });
  }
  const digest = createHash('sha256').update(await readFile(file)).digest('hex');
  const base = join(sources, `package-${digest.slice(0, 24)}`);
  if (!(await stat(base).catch(() => undefined))) {
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    try {
      // GNU tar drops leading `/` and refuses members with `..`; links out of the folder are refused by the loader.
      await run('tar', ['-xzf', file, '-C', unpacked, '--no-same-owner', '--no-same-permissions'], { timeout: 120_000 });
    } catch (error) {
      throw new UserError(`cannot unpack ${origin}: ${(error as Error).message.split('\n')[0]}`, { hint: 'pass a .tgz made by npm pack', cause: error });
    }
    // npm pack puts everything under package/; the folder is named after the package, as a plain tutorial's id comes from it.
    const inner = (await stat(join(unpacked, 'package')).catch(() => undefined))?.isDirectory() ? join(unpacked, 'package') : unpacked;
    const manifest = await packageManifest(inner);
    const named = join(work, 'named');
    await mkdir(named);
    await rename(inner, join(named, folderName(manifest.name?.replace(/^@[^/]+\//, '') ?? posix.basename(file).replace(/(-\d[\w.-]*)?\.(tgz|tar\.gz)$/, ''))));
    await rename(named, base).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  const root = join(base, (await readdir(base))[0] ?? '');
  const manifest = await packageManifest(root);
  const named = manifest.name !== undefined && manifest.version !== undefined ? `${manifest.name}@${manifest.version}, ` : '';
  return { root, origin, pin: `${named}sha256 ${digest.slice(0, 16)}` };
}

async function packageManifest(dir: string): Promise<{ name?: string; version?: string }> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { name?: unknown; version?: unknown };
  return { ...(typeof manifest.name === 'string' ? { name: manifest.name } : {}), ...(typeof manifest.version === 'string' ? { version: manifest.version } : {}) };
}

/** A safe folder name (it becomes a plain tutorial's journey id). */
function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'journey';
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

interface TrustedSources {
  version: 1;
  sources: Record<string, { pin: string; at: string }>;
}

function trustedPath(env: NodeJS.ProcessEnv): string {
  return join(stateHome(env), 'trusted-sources.json');
}

/** Whether the learner agreed to play this source at exactly this pin before. */
export async function sourceTrusted(fetched: FetchedJourney, env: NodeJS.ProcessEnv): Promise<boolean> {
  const file = JSON.parse(await readFile(trustedPath(env), 'utf8').catch(() => '{}')) as Partial<TrustedSources>;
  return file.sources?.[fetched.origin]?.pin === fetched.pin;
}

/** Remember that the learner agreed to play this source at this pin (an update asks again). */
export async function trustSource(fetched: FetchedJourney, env: NodeJS.ProcessEnv): Promise<void> {
  const path = trustedPath(env);
  const file = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Partial<TrustedSources>;
  const data: TrustedSources = { version: 1, sources: { ...(file.sources ?? {}), [fetched.origin]: { pin: fetched.pin, at: new Date().toISOString() } } };
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}
