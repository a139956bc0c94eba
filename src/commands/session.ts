import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { relative, resolve, sep } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { loadJourneyCached } from '../journey/cache.ts';
import { closest } from '../journey/text.ts';
import { version } from '../version.ts';
import type { Chapter, Journey } from '../journey/model.ts';
import type { KubeSelection } from '../kube/kubeconfig.ts';
import type { Progress } from '../state/progress.ts';
import { lockWorkspace } from '../state/lock.ts';
import { loadProgress, progressPath, saveProgress } from '../state/store.ts';
import type { CliOptions } from '../cli/parse.ts';
import type { CommandIO } from './io.ts';

/** The Hero journey that ships with the package. */
export function bundledJourneyDir(): string {
  return fileURLToPath(new URL('../../chapters', import.meta.url));
}

/** The folder of the journey that --journey names, or of the bundled one. */
export function journeyDir(options: Pick<CliOptions, 'journey'>, io: Pick<CommandIO, 'cwd'>): string {
  return options.journey ? resolve(io.cwd, options.journey) : bundledJourneyDir();
}

/** The journey that --journey names, or the bundled one; the validated model is reused while no file changed. */
export async function openJourney(options: Pick<CliOptions, 'journey'>, io: Pick<CommandIO, 'cwd' | 'env'>): Promise<Journey> {
  return loadJourneyCached(journeyDir(options, io), { env: io.env, version: version() });
}

/** The cluster --kubeconfig and --context select, with kubectl's rules for the rest. */
export function kubeSelection(options: Pick<CliOptions, 'kubeconfig' | 'context'>, io: Pick<CommandIO, 'cwd' | 'env'>): KubeSelection {
  return { ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}), env: io.env, cwd: io.cwd };
}

/**
 * A chapter by id, or by its file (`chapters/https.md`, `db/README.md`), as authors name it; an
 * unknown one is a usage error that suggests the closest id for `command` (`check`, `show`).
 */
export function findChapter(journey: Journey, name: string, cwd: string, command: string): Chapter {
  const byId = journey.chapters.get(name);
  if (byId) return byId;
  if (name.endsWith('.md')) {
    const inside = relative(journey.dir, resolve(cwd, name));
    const id = inside.split(sep).join('/').replace(/\.md$/, '').replace(/(^|\/)README$/, '');
    const byFile = !inside.startsWith('..') ? journey.chapters.get(id) : undefined;
    if (byFile) return byFile;
  }
  // `cert-manager` for `setup/cert-manager` and `https/cert-manager`: every chapter the name ends, not a guess at one.
  const ending = [...journey.chapters.keys()].filter((id) => id.endsWith(`/${name.replace(/^\/+|\/+$/g, '')}`));
  const guesses = ending.length > 0 ? ending : [closest(name, journey.chapters.keys())].filter((g): g is string => g !== undefined);
  const one = (id: string) => `"hero-journey ${command} ${id}"`;
  throw new UserError(`journey "${journey.title}" has no chapter "${name}"`, {
    hint:
      guesses.length > 1
        ? `did you mean ${guesses.slice(0, -1).map(one).join(', ')} or ${one(guesses.at(-1)!)}? ("hero-journey map" lists the chapters)`
        : guesses.length === 1
          ? `did you mean ${one(guesses[0]!)}? ("hero-journey map" lists the chapters)`
          : '"hero-journey map" lists the chapters',
    exitCode: ExitCode.usage,
  });
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

/**
 * Load the journey and the saved progress for the workspace the options name. Damaged progress
 * that was moved aside is always told: on stderr, unless `reportDamage` shows it another way.
 */
export async function openSession(
  options: Pick<CliOptions, 'journey' | 'workspace' | 'dryRun'> & { lock?: boolean },
  io: Pick<CommandIO, 'cwd' | 'env' | 'stderr'>,
  reportDamage: (notice: string) => void = (notice) => void io.stderr.write(`hero-journey: warning: ${notice}\n`),
): Promise<Session> {
  const workspace = resolve(io.cwd, options.workspace ?? '.');
  await requireFolder(workspace, '--workspace');
  const journey = await openJourney(options, io);
  const progressFile = progressPath(journey.id, workspace, io.env);
  // Taken before the progress is read, so no other play, back or reset can change it until exit.
  if (options.lock && !options.dryRun) await lockWorkspace(progressFile, workspace);
  const loaded = await loadProgress(progressFile, journey.id, workspace);
  if (loaded.notice) reportDamage(loaded.notice);
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
