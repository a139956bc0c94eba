/**
 * Steps through ShellCheck (https://www.shellcheck.net), when it is installed: the only module
 * that runs it. Each step is written to its own file in a private temp folder, the files go to a
 * few `shellcheck -s bash -f json1` runs in parallel, and findings come back on the chapter file's
 * own lines (the step's first code line is the line after its opening fence).
 */

import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Journey, JourneyProblem } from './model.ts';

/**
 * Findings that are noise for tutorial snippets, each with why:
 * - SC2154 "var is referenced but not assigned": journey variables come from the environment
 *   (lint's own variable check proves each is set on every path).
 * - SC2164 "use cd ... || exit": steps run with `set -e`, so a failed `cd` stops the step.
 * - SC1090, SC1091 "can't follow sourced file": sourced files live in the learner's workspace,
 *   which lint does not have.
 * - SC2155 "declare and assign separately": `export NAME=$(command)` is the documented way to
 *   capture a value; the chapter's checks catch a command that failed inside it.
 * - SC2016 "expressions don't expand in single quotes": snippets hand `$` to other programs on
 *   purpose (`kubectl exec ... sh -c '...$VAR'`, jq, awk, JSONPath).
 */
export const excludedCodes: readonly number[] = [2154, 2164, 1090, 1091, 2155, 2016];

export interface ShellcheckResult {
  problems: JourneyProblem[];
  /** Set when ShellCheck did not run (not installed); for `lint --json`. */
  note?: string;
}

interface Comment {
  file: string;
  line: number;
  column: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

/** Where ShellCheck is on `PATH`, or undefined. */
export async function findShellcheck(path: string | undefined = process.env.PATH): Promise<string | undefined> {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'shellcheck');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * ShellCheck findings for every step of the journey: `error` and `warning` findings are lint
 * errors, `info` and `style` findings lint warnings. Returns a note instead when ShellCheck is
 * not installed.
 */
export async function shellcheckSteps(journey: Journey, options: { shellcheck?: string | undefined; path?: string } = {}): Promise<ShellcheckResult> {
  const program = options.shellcheck ?? (await findShellcheck(options.path ?? process.env.PATH));
  if (!program) return { problems: [], note: 'shellcheck is not installed: steps were not checked with it (Debian/Ubuntu: apt-get install shellcheck)' };

  const steps = [...journey.chapters.values()].flatMap((chapter) => chapter.steps);
  if (steps.length === 0) return { problems: [] };
  const dir = await mkdtemp(join(tmpdir(), 'hero-journey-shellcheck-'));
  try {
    const names = steps.map((_, index) => `step-${index}.sh`);
    // One file at a time: a journey has hundreds of steps, and macOS allows 256 open files by default.
    for (const [index, step] of steps.entries()) await writeFile(join(dir, names[index]!), step.code.endsWith('\n') ? step.code : `${step.code}\n`);
    const batches = Math.max(1, Math.min(availableParallelism(), 4, steps.length));
    const size = Math.ceil(names.length / batches);
    const runs: Promise<Comment[]>[] = [];
    for (let start = 0; start < names.length; start += size) runs.push(runShellcheck(program, dir, names.slice(start, start + size)));
    let comments: Comment[];
    try {
      comments = (await Promise.all(runs)).flat();
    } catch (error) {
      return { problems: [], note: `shellcheck could not check the steps: ${(error as Error).message}` };
    }
    // A plain tutorial's assignments carry to its later blocks (they run with `set -a`): none is unused.
    if (journey.oneTerminal) comments = comments.filter((comment) => comment.code !== 2034);
    const problems: JourneyProblem[] = comments.map((comment) => {
      const step = steps[Number(/^step-(\d+)\.sh$/.exec(comment.file)?.[1] ?? -1)];
      const loc = step ? { file: step.loc.file, line: step.loc.line + comment.line } : { file: comment.file, line: comment.line };
      return {
        loc,
        message: `shellcheck SC${comment.code}${step ? ` in step \`${step.id}\`` : ''} (column ${comment.column}): ${comment.message} (https://www.shellcheck.net/wiki/SC${comment.code})`,
        severity: comment.level === 'error' || comment.level === 'warning' ? 'error' : 'warning',
      };
    });
    return { problems };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runShellcheck(program: string, cwd: string, files: string[]): Promise<Comment[]> {
  const args = ['-s', 'bash', '-f', 'json1', '-e', excludedCodes.map((code) => `SC${code}`).join(','), ...files];
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit code 1 means "found something"; anything else without JSON is a failure to run.
      try {
        const report = JSON.parse(stdout) as { comments?: Comment[] };
        resolve(report.comments ?? []);
      } catch {
        reject(new Error(`shellcheck failed${error ? ` (${error.message.split('\n')[0]})` : ''}: ${stderr.trim() || stdout.trim()}`));
      }
    });
  });
}
