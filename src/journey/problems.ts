/** Problems found in a journey: ordering, formatting, and the error that carries them. */

import { UserError } from '../errors.ts';
import type { JourneyProblem, SourceLocation } from './model.ts';
import { plural } from './text.ts';

/** `file:line` (or just `file` when the whole file is meant). */
export function formatLocation(loc: SourceLocation): string {
  return loc.line > 0 ? `${loc.file}:${loc.line}` : loc.file;
}

/** `file:line  message`, with `warning: ` before warnings. */
export function formatProblem(problem: JourneyProblem): string {
  return `${formatLocation(problem.loc)}  ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}

/** Sorted by file (`journey.yaml` first), then line; stable otherwise; exact duplicates removed. */
export function sortProblems(problems: readonly JourneyProblem[]): JourneyProblem[] {
  const rank = (file: string): number => (file === 'journey.yaml' ? 0 : 1);
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = `${problem.loc.file}\u0000${problem.loc.line}\u0000${problem.severity}\u0000${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        rank(a.problem.loc.file) - rank(b.problem.loc.file) ||
        (a.problem.loc.file < b.problem.loc.file ? -1 : a.problem.loc.file > b.problem.loc.file ? 1 : 0) ||
        a.problem.loc.line - b.problem.loc.line ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}

/** A journey that cannot be played: carries every problem found, errors and warnings, sorted. */
export class JourneyError extends UserError {
  readonly problems: JourneyProblem[];

  constructor(dir: string, problems: readonly JourneyProblem[]) {
    const sorted = sortProblems(problems);
    const errors = sorted.filter((problem) => problem.severity === 'error');
    const lines = errors.map((problem) => `  ${formatProblem(problem)}`);
    super(`journey at ${dir} has ${plural(errors.length, 'problem')}:\n${lines.join('\n')}`, {
      hint: `fix them in the journey's files, then check again with: hero-journey lint ${dir}`,
    });
    this.problems = sorted;
  }
}
