/**
 * Text that depends on how a step or the chapter's checks went: an HTML-comment block in a
 * chapter's prose, invisible on GitHub, which shows both branches as plain text.
 *
 *     <!-- when: step == "done" -->
 *     Hero speaks HTTPS now.
 *     <!-- else -->
 *     Hero does not speak HTTPS yet: run the step, or set it up yourself.
 *     <!-- end -->
 *
 * The condition is CEL over `choices`, `vars`, `step` (the outcome of the nearest step above the
 * block), `steps` (step id → outcome) and `checks` (the chapter's checks). Pure: text in, pieces out.
 */
import type { Expression, JourneyProblem } from './model.ts';

/** A piece of prose: always shown, or shown by a condition. */
export type ProsePiece =
  | { kind: 'text'; text: string }
  | { kind: 'when'; when: Expression; then: string; otherwise: string; afterChecks: boolean };

const WHEN = /^[ \t]*<!--\s*when:\s*([\s\S]*?)\s*-->[ \t]*$/;
const ELSE = /^[ \t]*<!--\s*else\s*-->[ \t]*$/;
const END = /^[ \t]*<!--\s*end\s*-->[ \t]*$/;

/** Outcomes a step has in these conditions. */
export const STEP_OUTCOMES = ['done', 'skipped', 'failed', 'not-run'] as const;
/** Outcomes the chapter's checks have in these conditions (`""` until they ran). */
export const CHECK_OUTCOMES = ['passed', 'failed', 'skipped', 'not-run'] as const;

/** Whether a condition reads the chapter's checks (its block is shown once they ran). */
export function readsChecks(source: string): boolean {
  return /(^|[^.\w])checks\b/.test(source);
}

/**
 * Split prose into pieces. `firstLine` is the file line of the prose's first line (for problems);
 * markers that do not pair up are reported and their text kept as plain prose.
 */
export function splitProse(prose: string, file: string, firstLine: number): { pieces: ProsePiece[]; problems: JourneyProblem[] } {
  const pieces: ProsePiece[] = [];
  const problems: JourneyProblem[] = [];
  const lines = prose.split('\n');
  let plain: string[] = [];
  let open: { when: Expression; then: string[]; otherwise: string[] | undefined; line: number } | undefined;
  const problem = (line: number, message: string) => problems.push({ loc: { file, line }, message, severity: 'error' });
  const flushPlain = () => {
    const text = plain.join('\n').trim();
    if (text) pieces.push({ kind: 'text', text });
    plain = [];
  };
  for (const [i, line] of lines.entries()) {
    const at = firstLine + i;
    const when = WHEN.exec(line);
    if (when) {
      if (open) {
        problem(at, `a \`<!-- when: -->\` block cannot start inside another (line ${open.line}): close that one with \`<!-- end -->\` first`);
        continue;
      }
      flushPlain();
      open = { when: { source: when[1]!, loc: { file, line: at } }, then: [], otherwise: undefined, line: at };
      continue;
    }
    if (ELSE.test(line)) {
      if (!open) problem(at, '`<!-- else -->` without a `<!-- when: ... -->` above it');
      else if (open.otherwise) problem(at, `a second \`<!-- else -->\` in the block of line ${open.line}`);
      else open.otherwise = [];
      continue;
    }
    if (END.test(line)) {
      if (!open) {
        problem(at, '`<!-- end -->` without a `<!-- when: ... -->` above it');
        continue;
      }
      pieces.push({
        kind: 'when',
        when: open.when,
        then: open.then.join('\n').trim(),
        otherwise: (open.otherwise ?? []).join('\n').trim(),
        afterChecks: readsChecks(open.when.source),
      });
      open = undefined;
      continue;
    }
    if (open) (open.otherwise ?? open.then).push(line);
    else plain.push(line);
  }
  if (open) {
    problem(open.line, 'this `<!-- when: ... -->` block is never closed: add `<!-- end -->` after its text');
    plain.push(...open.then, ...(open.otherwise ?? []));
  }
  flushPlain();
  return { pieces, problems };
}

/** Whether the prose holds any `<!-- when: -->` marker (most chapters have none: they skip the work). */
export function hasOutcomeBlocks(prose: string): boolean {
  return /<!--\s*(when:|else\s*-->|end\s*-->)/.test(prose);
}
