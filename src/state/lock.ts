/**
 * One play at a time per workspace: two would run every step twice and the last save would win.
 * The lock is a file beside the progress file that says who holds it (pid, host, start time);
 * a lock whose process is gone (killed, crashed) is taken over.
 */

import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { unlinkSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';

/** Who holds a workspace lock. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held lock; `release` is idempotent and also runs when the process exits. */
export interface WorkspaceLock {
  path: string;
  release(): void;
}

/** The lock file of the progress file `progressFile`. */
export function lockPath(progressFile: string): string {
  return progressFile.replace(/\.json$/, '') + '.lock';
}

/**
 * Take the lock of a workspace's progress, or fail with a UserError that says who holds it.
 * A lock of this host whose process no longer runs is stale and taken over.
 */
export async function lockWorkspace(progressFile: string, workspace: string, now = new Date()): Promise<WorkspaceLock> {
  const path = lockPath(progressFile);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  // Written whole to a temp file, then linked into place: the lock never exists half-written.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  } catch (error) {
    // Found before the first step runs, not after it: progress could not be saved.
    await unlink(temp).catch(() => undefined);
    throw new UserError(`cannot save progress in ${dirname(path)}: ${(error as Error).message}`, {
      hint: 'make that folder writable (or free some space), set XDG_STATE_HOME to a folder you can write, or walk the journey with --dry-run',
      cause: error,
    });
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      }
      const holder = await readHolder(path);
      if (holder && !isStale(holder)) throw heldError(holder, path, workspace);
      // Stale, or unreadable for long enough that no one is writing it: take it over.
      if (!holder && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) < 5000) {
        throw heldError(undefined, path, workspace);
      }
      await unlink(path).catch(() => undefined);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own: a lock taken over after ours went stale belongs to someone else.
      const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
      if (holder.pid === me.pid && holder.host === me.host) unlinkSync(path);
    } catch {
      /* gone already */
    }
  };
  process.once('exit', release);
  return { path, release };
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string' || typeof data.startedAt !== 'string') return undefined;
    return { pid: data.pid, host: data.host, startedAt: data.startedAt };
  } catch {
    return undefined;
  }
}

/** True when the holder is a process of this host that no longer runs. Another host's lock is never judged. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function heldError(holder: LockHolder | undefined, path: string, workspace: string): UserError {
  const who = holder
    ? `process ${holder.pid} on ${holder.host === hostname() ? 'this machine' : `host ${holder.host}`}, since ${holder.startedAt.slice(0, 19).replace('T', ' ')} UTC`
    : 'a process that is just starting';
  return new UserError(`another hero-journey play is running in ${workspace} (${who})`, {
    hint:
      'two plays in one workspace would run every step twice: finish or stop the other one first' +
      (holder && holder.host === hostname() ? ` (kill ${holder.pid})` : '') +
      `, or play in another folder with --workspace. If that play is gone, delete ${path}`,
  });
}
