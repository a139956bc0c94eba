// Check modules are code. The bundled journey's are ours; a journey someone else wrote runs only
// after the learner agreed (asked once per set of module contents, like direnv's `allow`), or
// with --trust / HERO_JOURNEY_TRUST_CHECKS=1. Never imported silently.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { stateHome } from '../state/store.ts';

let grantedForThisRun = false;

/** --trust: run any journey's check modules in this process without asking. Set by the CLI only. */
export function trustChecksForThisRun(): void {
  grantedForThisRun = true;
}

/** Whether --trust or HERO_JOURNEY_TRUST_CHECKS=1 allows every journey's modules. */
export function trustGranted(env: NodeJS.ProcessEnv): boolean {
  return grantedForThisRun || env.HERO_JOURNEY_TRUST_CHECKS === '1';
}

/** A journey's check module files (relative paths) and a digest of their contents. */
export async function fingerprintModules(journeyDir: string): Promise<{ files: string[]; digest: string }> {
  const checksDir = join(journeyDir, 'checks');
  const entries = await readdir(checksDir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile() && /\.(?:ts|js|mjs|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(journeyDir, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return { files: files.map((f) => relative(journeyDir, f)), digest: hash.digest('hex') };
}

interface TrustFile {
  version: 1;
  journeys: Record<string, { digest: string; at: string }>;
}

function trustFilePath(env: NodeJS.ProcessEnv): string {
  return join(stateHome(env), 'trusted-checks.json');
}

async function readTrustFile(env: NodeJS.ProcessEnv): Promise<TrustFile> {
  try {
    const data = JSON.parse(await readFile(trustFilePath(env), 'utf8')) as TrustFile;
    if (data && data.version === 1 && typeof data.journeys === 'object') return data;
  } catch {
    /* none yet, or damaged: ask again */
  }
  return { version: 1, journeys: {} };
}

/** Whether the learner already agreed to run exactly these modules of this journey. */
export async function isRemembered(journeyDir: string, digest: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const data = await readTrustFile(env);
  return data.journeys[journeyDir]?.digest === digest;
}

/** Remember that the learner agreed (until the modules change). Best effort: failing to save only means asking again. */
export async function remember(journeyDir: string, digest: string, env: NodeJS.ProcessEnv): Promise<void> {
  const data = await readTrustFile(env);
  data.journeys[journeyDir] = { digest, at: new Date().toISOString() };
  const path = trustFilePath(env);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch {
    /* asked again next time */
  }
}
