/** `hero-journey lint [DIR]`: report every problem of a journey at once, with file and line. */

import { UserError } from '../errors.ts';
import { lintJourney } from '../journey/lint.ts';
import type { Inference, InferredFrom, JourneyProblem } from '../journey/model.ts';
import { inferenceLines, inferredNotice } from '../journey/plain.ts';
import { formatProblem } from '../journey/problems.ts';
import { plural } from '../journey/text.ts';
import { jsonText, sanitize } from '../render/sanitize.ts';

export interface LintOptions {
  /** The journey folder. */
  dir: string;
  /** Print `{ ok, problems: [{ file, line, severity, message }], notes? }` instead of lines. */
  json: boolean;
  stdout: NodeJS.WritableStream;
}

/** Lint the journey in `dir`; returns the exit code: 0 when there are no errors (warnings allowed), 1 otherwise. */
export async function run(options: LintOptions): Promise<number> {
  const { dir, json, stdout } = options;
  let problems: JourneyProblem[];
  let notes: string[] = [];
  let inferred: Inference[] | undefined;
  let inferredFrom: InferredFrom | undefined;
  let summary: string;
  try {
    const result = await lintJourney(dir);
    problems = result.problems;
    notes = result.notes;
    const { journey } = result;
    inferred = journey?.inferred;
    inferredFrom = journey?.inferredFrom;
    summary = journey
      ? `journey "${journey.id || dir}" (${plural(journey.chapters.size, 'chapter')})`
      : `journey at ${dir}`;
  } catch (error) {
    // No journey to lint at all: machines still get JSON; people get the UserError from the CLI.
    if (!(json && error instanceof UserError)) throw error;
    problems = [{ loc: { file: '', line: 0 }, message: error.hint ? `${error.message} (${error.hint})` : error.message, severity: 'error' }];
    summary = `journey at ${dir}`;
  }

  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  if (json) {
    const report = {
      ok: errors === 0,
      problems: problems.map((problem) => ({
        file: problem.loc.file,
        line: problem.loc.line,
        severity: problem.severity,
        message: problem.message,
      })),
      // What was not checked (ShellCheck not installed); people see nothing of it.
      ...(notes.length > 0 ? { notes } : {}),
      // A plain tutorial: what its journey says only because it was inferred, and what could not be decided.
      ...(inferred ? { inferredFrom: inferredFrom ?? 'plain', inferred: inferred.map((inference) => ({ file: inference.loc.file, line: inference.loc.line, kind: inference.kind, message: inference.message })) } : {}),
    };
    stdout.write(`${jsonText(report)}\n`);
  } else {
    if (inferred) {
      stdout.write(`${sanitize(inferredNotice(inferredFrom).text)}\n\n`);
      for (const line of inferenceLines(inferred)) stdout.write(`${sanitize(line)}\n`);
      stdout.write('\n');
    }
    for (const problem of problems) stdout.write(`${sanitize(formatProblem(problem))}\n`);
    if (problems.length > 0) stdout.write('\n');
    stdout.write(
      sanitize(errors === 0 && warnings === 0 ? `${summary}: no problems\n` : `${summary}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`),
    );
  }
  return errors === 0 ? 0 : 1;
}
