import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { loadJourneyCached } from '../journey/cache.ts';
import { version } from '../version.ts';
import type { Journey } from '../journey/model.ts';
import type { Progress } from '../state/progress.ts';
import { loadProgress, progressPath, saveProgress } from '../state/store.ts';
import type { CliOptions } from '../cli/parse.ts';
import type { CommandIO } from './io.ts';

/** The Hero journey that ships with the package. */
export function bundledJourneyDir(): string {
  return fileURLToPath(new URL('../../chapters', import.meta.url));
}

/** The journey that --journey names, or the bundled one; the validated model is reused while no file changed. */
export async function openJourney(options: Pick<CliOptions, 'journey'>, io: Pick<CommandIO, 'cwd' | 'env'>): Promise<Journey> {
  const dir = options.journey ? resolve(io.cwd, options.journey) : bundledJourneyDir();
  return loadJourneyCached(dir, { env: io.env, version: version() });
}

/** A loaded journey, the learner's workspace, and their progress in it. */
export interface Session {
  journey: Journey;
  workspace: string;
  progressFile: string;
  progress: Progress;
  /** True when nothing was saved for this journey and workspace yet. */
  fresh: boolean;
  /** Set when saved progress was damaged and moved aside. */
  notice?: string;
  /** Persist progress (a no-op in dry runs). */
  save(): Promise<void>;
}

/** Load the journey and the saved progress for the workspace the options name. */
export async function openSession(
  options: Pick<CliOptions, 'journey' | 'workspace' | 'dryRun'>,
  io: Pick<CommandIO, 'cwd' | 'env'>,
): Promise<Session> {
  const workspace = resolve(io.cwd, options.workspace ?? '.');
  await requireFolder(workspace, '--workspace');
  const journey = await openJourney(options, io);
  const progressFile = progressPath(journey.id, workspace, io.env);
  const loaded = await loadProgress(progressFile, journey.id, workspace);
  const session: Session = {
    journey,
    workspace,
    progressFile,
    progress: loaded.progress,
    fresh: loaded.fresh,
    ...(loaded.notice ? { notice: loaded.notice } : {}),
    save: async () => {
      if (!options.dryRun) await saveProgress(progressFile, session.progress);
    },
  };
  return session;
}

async function requireFolder(path: string, flag: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return;
  } catch {
    /* reported below */
  }
  throw new UserError(`workspace folder ${path} does not exist or is not a folder`, {
    hint: `create it (mkdir -p ${path}) or pass another folder with ${flag}`,
  });
}
