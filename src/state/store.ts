import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { dropUnreadableEntries, newProgress, progressShapeProblems, PROGRESS_SCHEMA_VERSION, type Progress } from './progress.ts';
import { dict } from '../dict.ts';

/** The XDG state folder of hero-journey (`$XDG_STATE_HOME/hero-journey`, default `~/.local/state/hero-journey`). */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'hero-journey');
}

/**
 * Where the progress of one journey in one workspace lives. The file name carries the
 * workspace's folder name (for people looking) and a hash of its full path (for uniqueness).
 */
export function progressPath(journeyId: string, workspace: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(workspace).digest('hex').slice(0, 12);
  const name = basename(workspace).replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'root';
  return join(stateHome(env), safeSegment(journeyId), `${name}-${hash}.json`);
}

export interface LoadedProgress {
  progress: Progress;
  /** True when nothing was saved yet. */
  fresh: boolean;
  /** Set when a damaged file was moved aside; tells where it went. */
  notice?: string;
}

/** Read saved progress; a missing file gives fresh progress, a damaged one is set aside (never deleted). */
export async function loadProgress(path: string, journeyId: string, workspace: string): Promise<LoadedProgress> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { progress: newProgress(journeyId, workspace), fresh: true };
    throw new UserError(`cannot read saved progress at ${path}: ${(error as Error).message}`, {
      hint: 'check the permissions of that file and its folder',
    });
  }
  let data: unknown;
  let problems: string[];
  try {
    data = JSON.parse(text);
    problems = progressShapeProblems(data);
  } catch (error) {
    problems = [`not valid JSON (${(error as Error).message})`];
  }
  if (problems.length === 0) {
    const parsed = data as Progress;
    const progress: Progress = { ...parsed, choices: dict(parsed.choices), vars: dict(parsed.vars), steps: dict(parsed.steps), checks: dict(parsed.checks) };
    if (progress.schemaVersion > PROGRESS_SCHEMA_VERSION) {
      throw new UserError(
        `saved progress at ${path} was written by a newer hero-journey (schema ${progress.schemaVersion}, this one knows ${PROGRESS_SCHEMA_VERSION})`,
        { hint: 'update hero-journey (npx hero-journey@latest), or use --workspace to play in another folder' },
      );
    }
    const dropped = dropUnreadableEntries(progress);
    if (dropped.length === 0) return { progress, fresh: false };
    return {
      progress,
      fresh: false,
      notice: `Saved progress at ${path} had entries that could not be read (${dropped.slice(0, 3).join(', ')}${dropped.length > 3 ? `, and ${dropped.length - 3} more` : ''}); they are left out and the rest is kept.`,
    };
  }
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    // A read-only folder: the damaged file stays where it is, and nothing can be saved there.
    throw new UserError(`saved progress at ${path} is damaged (${problems[0]}) and cannot be moved aside: ${(error as Error).message}`, {
      hint: `make ${dirname(path)} writable (hero-journey then keeps the damaged copy beside it and starts over), or set XDG_STATE_HOME to a writable folder`,
      cause: error,
    });
  }
  return {
    progress: newProgress(journeyId, workspace),
    fresh: true,
    notice: `Saved progress at ${path} was damaged (${problems[0]}); it was moved to ${aside} and the journey starts over.`,
  };
}

/** Save progress atomically (see writeFileAtomic). */
export async function saveProgress(path: string, progress: Progress, now = new Date()): Promise<void> {
  progress.updatedAt = now.toISOString();
  await writeFileAtomic(path, `${JSON.stringify(progress, null, 2)}\n`, now);
}

/**
 * Write a private file atomically: write a temp file beside the target, flush it, then rename
 * over the old file, so a crash or kill at any moment leaves either the old or the new file.
 */
export async function writeFileAtomic(path: string, text: string, now = new Date()): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // A full disk or a folder gone read-only: no half-written temp file stays, the last save stays as it was.
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw new UserError(`cannot save ${path}: ${(error as Error).message}`, {
        hint: `${code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space' : `make ${dir} writable`}, then run hero-journey again: it continues from the last step that was saved`,
        cause: error,
      });
    }
    throw error;
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
  await removeStaleTempFiles(dir, basename(path), now);
}

/** Temp files of saves that were killed midway (kill -9, power loss): harmless, but never finished. */
async function removeStaleTempFiles(dir: string, name: string, now: Date): Promise<void> {
  const prefix = `.${name}.`;
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const file = join(dir, entry);
    // Only old ones: a younger one may belong to a save running right now in another process.
    const info = await stat(file).catch(() => undefined);
    if (info && now.getTime() - info.mtimeMs > 60_000) await rm(file, { force: true });
  }
}

/** Remove saved progress (reset). Returns true when there was some. */
export async function deleteProgress(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/** Where `reset` notes when it forgot a progress file, so play does not offer the cluster's copy of it right back. */
function resetMarkerPath(progressFile: string): string {
  return progressFile.replace(/\.json$/, '') + '.reset';
}

/** Note that the learner just reset this progress (best effort). */
export async function markReset(progressFile: string, now = new Date()): Promise<void> {
  await writeFile(resetMarkerPath(progressFile), `${now.toISOString()}\n`, { mode: 0o600 }).catch(() => {});
}

/** When the learner last reset this progress, if they did. */
export async function lastReset(progressFile: string): Promise<string | undefined> {
  const text = await readFile(resetMarkerPath(progressFile), 'utf8').catch(() => '');
  const at = text.trim();
  return at && !Number.isNaN(Date.parse(at)) ? at : undefined;
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse fsync on folders, which is fine.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

function safeSegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '-') || 'journey';
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
