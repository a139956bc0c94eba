/**
 * Everything wrong with a journey, at once: what stops it from loading (see `analyzeJourney`) plus
 * what makes it a poor journey to play (chapters nobody reaches, dead ends with nothing to go back
 * to, loops, chapters missing from the map's phases), what goes wrong along its paths (gaps,
 * variables not set on every path, see `flowProblems`), what its steps run that fails learners
 * later (unpinned charts, network commands without a time limit, early-exit pipes, see
 * `stepProblems`) and what ShellCheck finds in its steps.
 */

import { conditionContext, evaluateCondition } from './expressions.ts';
import { flowProblems } from './flow.ts';
import { jumpInputFor, nextJumpChoice, seasonStarts } from './jump.ts';
import { choicePoints, isEnding, reachable, successors } from './graph.ts';
import { analyzeJourney } from './load.ts';
import type { Chapter, Journey, JourneyProblem } from './model.ts';
import { sortProblems } from './problems.ts';
import { shellcheckSteps } from './shellcheck.ts';
import { stepProblems } from './step-rules.ts';
import { nameLooksSecret } from '../state/progress.ts';
import { isVariableName, variableNameRefusal } from '../state/variables.ts';

export interface LintResult {
  /** The journey, when journey.yaml could be read (it may still have errors). */
  journey?: Journey;
  /** Every problem, errors and warnings, sorted by file and line. */
  problems: JourneyProblem[];
  /** What lint could not check, and why (ShellCheck missing): for `--json`, not worth a warning. */
  notes: string[];
}

export interface LintOptions {
  /** Run ShellCheck on the steps when it is installed (default true). */
  shellcheck?: boolean;
}

/** Lint the journey in `dir`. Throws UserError only when there is no journey (no folder, no journey.yaml). */
export async function lintJourney(dir: string, options: LintOptions = {}): Promise<LintResult> {
  const { journey, problems } = await analyzeJourney(dir);
  if (!journey) return { problems, notes: [] };
  const notes: string[] = [];
  // ShellCheck runs in other processes while the paths are walked here.
  const shellcheck = options.shellcheck === false ? undefined : shellcheckSteps(journey);
  const flow = walkPaths(journey);
  if (flow.truncated) {
    flow.problems.push({
      loc: { file: 'journey.yaml', line: 0 },
      message: `the journey has more paths than lint walks (${flow.paths} walked so far): later paths may hide gaps or unset variables`,
      severity: 'warning',
    });
  }
  const checked = await shellcheck;
  if (checked?.note) notes.push(checked.note);
  return {
    journey,
    problems: sortProblems([...problems, ...graphProblems(journey), ...stepProblems(journey.chapters.values()), ...flow.problems, ...jumpProblems(journey), ...(checked?.problems ?? [])]),
    notes,
  };
}

/**
 * The path walk, or a warning instead when a path is too long to walk (thousands of chapters in a
 * row: the walk goes one level deeper per chapter): the rest of lint still runs.
 */
function walkPaths(journey: Journey): ReturnType<typeof flowProblems> {
  try {
    return flowProblems(journey);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      problems: [{
        loc: { file: journey.chapters.get(journey.start)?.file ?? 'journey.yaml', line: 0 },
        message: `a path of this journey is too long to walk (${journey.chapters.size} chapters): lint did not check that every path ends and sets the variables it uses; split the journey into parts with their own start`,
        severity: 'warning',
      }],
      truncated: false,
      paths: 0,
      unset: [],
    };
  }
}

/** Problems of the journey as a graph. Pure. */
export function graphProblems(journey: Journey): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const add = (chapter: Chapter, severity: JourneyProblem['severity'], message: string, line = chapter.loc.line): void => {
    problems.push({ loc: { file: chapter.file, line }, message, severity });
  };
  const start = journey.chapters.get(journey.start);
  if (!start) return problems; // Reported by the loader; nothing is reachable without a start.

  const reached = reachable(journey);
  for (const chapter of journey.chapters.values()) {
    if (!reached.has(chapter.id)) {
      add(chapter, 'error', `chapter \`${chapter.id}\` cannot be reached from the start: no choice, \`next\` or \`skip-to\` leads to it`);
    }
  }

  if (![...reached].some((id) => isEnding(journey.chapters.get(id)!))) {
    add(start, 'error', 'the journey has no ending: every chapter reachable from the start goes on, or is a dead end; give the last chapter no `next`');
  }

  // A dead end sends the learner back to the last choice point; there must be one on every way to it.
  const withoutChoice = new Set<string>();
  const queue = [journey.start];
  while (queue.length > 0) {
    const chapter = journey.chapters.get(queue.shift()!);
    if (!chapter || withoutChoice.has(chapter.id)) continue;
    withoutChoice.add(chapter.id);
    if (chapter.choices.length === 0) queue.push(...successors(chapter));
  }
  for (const id of withoutChoice) {
    const chapter = journey.chapters.get(id)!;
    if (chapter.deadEnd) add(chapter, 'warning', 'this dead end can be reached without passing a choice point, so there is no choice to go back to');
  }

  for (const chapter of choicePoints(journey)) {
    if (chapter.choices.length > 1 && chapter.choices.every((choice) => choice.when)) {
      add(chapter, 'warning', 'every choice has a `when`: when none holds, the learner cannot go on; leave one choice without `when`', chapter.choices[0]!.loc.line);
    }
  }

  // Chapters that lead to each other unconditionally loop forever.
  const forced = (chapter: Chapter): string | undefined => {
    if (chapter.choices.length > 0 || chapter.deadEnd || chapter.when) return undefined;
    const first = chapter.next[0];
    return first && !first.when ? first.goto : undefined;
  };
  // Each chapter has at most one forced successor: one walk per chapter, each chapter walked once
  // (thousands of pages in a row stay linear). A loop is reported once, from its member that comes first.
  const order = new Map([...journey.chapters.keys()].map((id, index) => [id, index]));
  const walked = new Map<string, 'open' | 'done'>();
  for (const chapter of journey.chapters.values()) {
    const trail: string[] = [];
    let current: Chapter | undefined = chapter;
    while (current && !walked.has(current.id)) {
      walked.set(current.id, 'open');
      trail.push(current.id);
      const next = forced(current);
      current = next === undefined ? undefined : journey.chapters.get(next);
    }
    if (current && walked.get(current.id) === 'open') {
      const loop = trail.slice(trail.indexOf(current.id));
      const first = loop.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
      const at = loop.indexOf(first);
      const cycle = [...loop.slice(at), ...loop.slice(0, at)];
      add(journey.chapters.get(first)!, 'error', `these chapters lead to each other with no choice or condition, forever: ${[...cycle, first].join(' → ')}`);
    }
    for (const id of trail) walked.set(id, 'done');
  }

  // An input named like a credential but not marked secret would be shown and mirrored; play treats it as secret anyway.
  const inputs = [...journey.inputs.map((input) => ({ input, file: 'journey.yaml' })), ...[...journey.chapters.values()].flatMap((c) => c.inputs.map((input) => ({ input, file: c.file })))];
  for (const { input, file } of inputs) {
    if (!input.secret && nameLooksSecret(input.name)) {
      problems.push({
        loc: { file, line: input.loc.line },
        message: `input \`${input.name}\` is named like a credential but has no \`secret: true\`: add it, so the value is masked when typed and never shown, logged or mirrored (play already treats it so)`,
        severity: 'warning',
      });
    }
  }

  // PATH, KUBECONFIG, BASH_ENV and the like never reach steps from an input, and a step's export of one is not carried on.
  for (const { input, file } of inputs) {
    // A name that is no shell variable name at all is the loader's error already.
    const refusal = isVariableName(input.name) ? variableNameRefusal(input.name) : undefined;
    if (refusal) problems.push({ loc: { file, line: input.loc.line }, message: `input \`${input.name}\` is never passed to steps: ${refusal}; give it another name`, severity: 'error' });
  }
  for (const chapter of journey.chapters.values()) {
    for (const step of chapter.steps) {
      for (const name of step.exports.filter((n) => variableNameRefusal(n))) {
        add(chapter, 'warning', `the step exports ${name}, which later steps do not get (it changes how the shell or kubectl behave): set it in each step that needs it`, step.loc.line);
      }
    }
  }

  // The map groups chapters by phase: every chapter should be in exactly one.
  if (journey.phases.length > 0) {
    const phaseOf = new Map<string, string>();
    for (const phase of journey.phases) {
      for (const id of phase.chapters) {
        const chapter = journey.chapters.get(id);
        const earlier = phaseOf.get(id);
        if (chapter && earlier !== undefined && earlier !== phase.id) {
          problems.push({
            loc: { file: 'journey.yaml', line: 0 },
            message: `chapter \`${id}\` is in two phases, \`${earlier}\` and \`${phase.id}\`: keep it in one`,
            severity: 'warning',
          });
        }
        phaseOf.set(id, phase.id);
      }
    }
    for (const chapter of journey.chapters.values()) {
      if (!phaseOf.has(chapter.id) && reached.has(chapter.id)) {
        add(chapter, 'warning', `chapter \`${chapter.id}\` is in no phase of journey.yaml, so the map cannot place it`);
      }
    }
  }
  return problems;
}

/** At most this many sets of answers are tried per season start. */
const JUMP_ANSWER_LIMIT = 500;

/**
 * Proof that a learner can jump in at the start of every phase but the first (`play --from`):
 * for every set of answers to the choice points the jump asks, the paths from there have no gap,
 * and every variable they read before setting it can be asked (an input of the phase, of the
 * journey or of a chapter). Pure.
 */
export function jumpProblems(journey: Journey): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const seen = new Set<string>();
  for (const start of seasonStarts(journey)) {
    const phase = journey.phases.find((p) => p.chapters.includes(start))!;
    for (const answers of jumpAnswerSets(journey, start)) {
      const shown = Object.entries(answers).map(([point, choice]) => `--choose ${point}=${choice}`).join(' ');
      const unset = flowProblems(journey, { start, choices: answers }).unset;
      for (const name of unset) {
        if (jumpInputFor(journey, start, name) || seen.has(`var\u0000${start}\u0000${name}`)) continue;
        seen.add(`var\u0000${start}\u0000${name}`);
        problems.push({
          loc: { file: 'journey.yaml', line: 0 },
          message: `jumping in at \`${start}\` (play --from ${start}${shown ? ` ${shown}` : ''}) needs \`$${name}\`, which only steps before it set: add an input \`${name}\` to phase \`${phase.id}\` in journey.yaml, so the learner can be asked for it`,
          severity: 'error',
        });
      }
      for (const problem of flowProblems(journey, { start, choices: answers, defined: unset }).problems) {
        if (seen.has(`${problem.loc.file}:${problem.loc.line}:${problem.message}`)) continue;
        seen.add(`${problem.loc.file}:${problem.loc.line}:${problem.message}`);
        problems.push({ ...problem, message: `jumping in at \`${start}\`${shown ? ` with ${shown}` : ''}: ${problem.message}` });
      }
    }
  }
  return problems;
}

/** Every set of answers a learner jumping in at `start` can give (up to JUMP_ANSWER_LIMIT). */
function jumpAnswerSets(journey: Journey, start: string): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  const expand = (answers: Record<string, string>): void => {
    if (sets.length >= JUMP_ANSWER_LIMIT) return;
    const point = nextJumpChoice(journey, start, answers);
    if (!point) return void sets.push(answers);
    for (const choice of point.choices) {
      const open = choice.when ? evaluateCondition(choice.when, conditionContext(journey, answers, journey.vars)) : { value: true };
      if ('value' in open && !open.value) continue; // disabled by an earlier answer (a condition on a variable counts as open)
      expand({ ...answers, [point.id]: choice.id });
    }
  };
  expand({});
  return sets;
}
