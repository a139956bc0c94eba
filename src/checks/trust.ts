// Check modules are code. The bundled journey's are ours; a journey someone else wrote runs only
// after the learner agreed (asked once per set of module contents, like direnv's `allow`), or
// with --trust / HERO_JOURNEY_TRUST_CHECKS=1. Never imported silently.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Journey } from '../journey/model.ts';
import { stateHome } from '../state/store.ts';
import type { ModuleGraph } from './graph.ts';
import { journeyModuleGraph } from './modules.ts';

let grantedForThisRun = false;

/** --trust: run any journey's check modules in this process without asking. Set by the CLI only. */
export function trustChecksForThisRun(): void {
  grantedForThisRun = true;
}

/** Whether --trust or HERO_JOURNEY_TRUST_CHECKS=1 allows every journey's modules. */
export function trustGranted(env: NodeJS.ProcessEnv): boolean {
  return grantedForThisRun || env.HERO_JOURNEY_TRUST_CHECKS === '1';
}

/**
 * A journey's check module files (relative to the journey folder, or absolute when outside it),
 * a digest of their contents, and why some may not load at all. The files are the whole graph
 * that loads: the modules chapters `use:`, symbolic links resolved, and what they import.
 */
export async function fingerprintModules(journey: Journey): Promise<{ files: string[]; digest: string; problems: string[]; graph: ModuleGraph }> {
  const graph = await journeyModuleGraph(journey);
  return { files: graph.files.map((f) => relative(graph.root, f)), digest: graph.digest, problems: graph.problems, graph };
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
