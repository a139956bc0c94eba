/**
 * The journey as a graph of chapters: where each chapter leads, what is reachable, and every
 * path a learner can take (for the map and for scripted tests). Pure.
 */

import { UserError } from '../errors.ts';
import { conditionContext, evaluateCondition, type ConditionContext } from './expressions.ts';
import type { Chapter, Choice, Expression, Journey, NextRule } from './model.ts';
import { formatLocation } from './problems.ts';
import { dict } from '../dict.ts';
import { describeCondition, skipReason } from './reasons.ts';

/** A condition that could not be evaluated while playing (a variable not set, a type error). */
export class ConditionError extends UserError {
  readonly expression: Expression;

  constructor(expression: Expression, reason: string) {
    super(`cannot evaluate \`${expression.source}\` (${formatLocation(expression.loc)}): ${reason}`, {
      hint: /variable \S+ is not set/.test(reason)
        ? 'set it with --set NAME=value, or go back to the chapter whose step or input sets it'
        : "this is a mistake in the journey: tell its author (hero-journey lint finds most of these)",
    });
    this.expression = expression;
  }
}

/** Evaluate a condition that must work while playing; absent means true. Throws ConditionError. */
export function holds(when: Expression | undefined, ctx: ConditionContext): boolean {
  if (!when) return true;
  const result = evaluateCondition(when, ctx);
  if ('error' in result) throw new ConditionError(when, result.error);
  return result.value;
}

/** Chapter ids a chapter can lead to: choice targets, `next` targets and `skip-to`, without duplicates. */
export function successors(chapter: Chapter): string[] {
  const ids = [...chapter.choices.map((choice) => choice.goto), ...chapter.next.map((rule) => rule.goto)];
  if (chapter.skipTo !== undefined) ids.push(chapter.skipTo);
  return [...new Set(ids.filter((id) => id !== ''))];
}

/** Where a non-choice chapter continues. */
export type NextResult =
  /** `reason` says why this rule was picked, for the learner. */
  | { kind: 'goto'; goto: string; rule: NextRule; reason: string }
  /** The chapter has no `next`: the journey ends here. */
  | { kind: 'end' }
  /** Rules exist but none holds: a gap in the journey. */
  | { kind: 'blocked'; reason: string };

/**
 * The first `next` rule whose `when` holds. `ctx.choices` may be partial: choice points not in it
 * count as not chosen yet. Throws ConditionError when a `when` cannot be evaluated.
 */
export function resolveNext(journey: Journey, chapter: Chapter, ctx: ConditionContext): NextResult {
  if (chapter.next.length === 0) return { kind: 'end' };
  const full = completeContext(journey, ctx);
  for (const rule of chapter.next) {
    if (!holds(rule.when, full)) continue;
    const reason =
      rule.when === undefined
        ? chapter.next.length === 1
          ? 'the way on'
          : 'no earlier rule applied'
        : `because ${rule.when.source}`;
    return { kind: 'goto', goto: rule.goto, rule, reason };
  }
  return {
    kind: 'blocked',
    reason: `none of the ${chapter.next.length} \`next\` rules of ${chapter.file} applies: ${chapter.next.map((r) => r.when?.source ?? '').join('; ')}`,
  };
}

/** Why the chapter is skipped (its `when` is false), or undefined when it is played. Throws ConditionError. */
export function chapterSkipReason(journey: Journey, chapter: Chapter, ctx: ConditionContext): string | undefined {
  if (!chapter.when || holds(chapter.when, completeContext(journey, ctx))) return undefined;
  return `skipped: ${skipReason(journey, chapter.when)}`;
}

/** Whether the chapter is played rather than skipped. Throws ConditionError. */
export function isChapterActive(journey: Journey, chapter: Chapter, ctx: ConditionContext): boolean {
  return chapterSkipReason(journey, chapter, ctx) === undefined;
}

/** Where a skipped chapter goes: its `skip-to`, else where its `next` leads. */
export function skipTarget(journey: Journey, chapter: Chapter, ctx: ConditionContext): NextResult {
  if (chapter.skipTo !== undefined) {
    return { kind: 'goto', goto: chapter.skipTo, rule: { goto: chapter.skipTo, loc: chapter.when?.loc ?? chapter.loc }, reason: 'skip-to' };
  }
  return resolveNext(journey, chapter, ctx);
}

/** Whether a choice can be picked, and if not, why. Throws ConditionError. */
export function choiceState(
  journey: Journey,
  choice: Choice,
  ctx: ConditionContext,
): { enabled: true } | { enabled: false; because: string } {
  if (holds(choice.when, completeContext(journey, ctx))) return { enabled: true };
  return { enabled: false, because: choice.because ?? (choice.when ? `only when ${describeCondition(journey, choice.when)}` : 'not available') };
}

/** Every choice point present in `choices`, journey `vars` under the given ones. */
function completeContext(journey: Journey, ctx: ConditionContext): ConditionContext {
  return conditionContext(journey, ctx.choices, ctx.vars);
}

/** Every expression of a chapter: its `when`, its inputs', steps', checks', choices' and `next` rules'. */
export function chapterExpressions(chapter: Chapter): Expression[] {
  return [
    chapter.when,
    ...chapter.inputs.map((input) => input.when),
    ...chapter.steps.map((step) => step.when),
    ...chapter.checks.flatMap((check) => [check.when, check.kind === 'use' ? undefined : check.expression]),
    ...chapter.choices.map((choice) => choice.when),
    ...chapter.next.map((rule) => rule.when),
  ].filter((expr): expr is Expression => expr !== undefined);
}

/** Chapters that have `choices`, in file order. */
export function choicePoints(journey: Journey): Chapter[] {
  return [...journey.chapters.values()].filter((chapter) => chapter.choices.length > 0);
}

/** Whether a chapter ends the journey: no choices, no `next`, not a dead end. */
export function isEnding(chapter: Chapter): boolean {
  return chapter.choices.length === 0 && chapter.next.length === 0 && !chapter.deadEnd;
}

/** Ids of the chapters reachable from `start` (including it), ignoring conditions. */
export function reachable(journey: Journey, from: string = journey.start): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const chapter = journey.chapters.get(id);
    if (!chapter || seen.has(id)) continue;
    seen.add(id);
    queue.push(...successors(chapter));
  }
  return seen;
}

/** One chapter on a path. */
export interface PathStep {
  chapter: string;
  /** Set when the chapter was skipped by its `when`. */
  skipped?: boolean;
  /** The choice taken, at a choice point. */
  choice?: string;
}

/** How a path ends; `until` when it reached the chapter `EnumerateOptions.until` names. */
export type PathEnd = 'ending' | 'dead-end' | 'blocked' | 'cycle' | 'missing' | 'until';

export interface JourneyPath {
  steps: PathStep[];
  /** Choice point id → choice id: exactly what `--choose` needs to replay the path. */
  choices: Record<string, string>;
  end: PathEnd;
}

export interface EnumerateOptions {
  /** Variables known in advance (journey `vars` are always included). */
  vars?: Record<string, string>;
  /** Stop after this many paths (default 10 000). */
  limit?: number;
  /** Start here instead of the journey's start (a learner who jumped in). */
  start?: string;
  /** Choices made before `start`. */
  choices?: Record<string, string>;
  /** End each path where it reaches this chapter (a season's first), without entering it. */
  until?: string;
}

type Tri = boolean | 'unknown';

/**
 * Every distinct path from `start` to an ending, a dead end, or a gap. Conditions are evaluated
 * with the choices made so far on the path; a condition that needs a variable not known in advance
 * is followed both ways. A path that comes back to a chapter it already visited ends as `cycle`.
 */
export function enumeratePaths(journey: Journey, options: EnumerateOptions = {}): JourneyPath[] {
  const limit = options.limit ?? 10_000;
  const paths: JourneyPath[] = [];
  const vars = dict(journey.vars, options.vars);

  const evaluate = (when: Expression | undefined, choices: Record<string, string>): Tri => {
    if (!when) return true;
    const result = evaluateCondition(when, conditionContext(journey, choices, vars));
    return 'error' in result ? 'unknown' : result.value;
  };

  const walk = (id: string, steps: PathStep[], choices: Record<string, string>): void => {
    if (paths.length >= limit) return;
    const finish = (end: PathEnd, extra: PathStep[] = []): void => {
      paths.push({ steps: [...steps, ...extra], choices: { ...choices }, end });
    };
    if (id === options.until && steps.length > 0) return finish('until');
    const chapter = journey.chapters.get(id);
    if (!chapter) return finish('missing', [{ chapter: id }]);
    if (steps.some((step) => step.chapter === id)) return finish('cycle', [{ chapter: id }]);

    const active = evaluate(chapter.when, choices);
    if (active === false || active === 'unknown') {
      const skipped = [...steps, { chapter: id, skipped: true }];
      if (chapter.skipTo !== undefined) walk(chapter.skipTo, skipped, choices);
      else followNext(chapter, skipped, choices);
      if (active === false) return;
    }

    const here = [...steps, { chapter: id }];
    if (chapter.deadEnd) return void paths.push({ steps: here, choices: { ...choices }, end: 'dead-end' });
    if (chapter.choices.length > 0) {
      for (const choice of chapter.choices) {
        if (evaluate(choice.when, choices) === false) continue;
        const step: PathStep = { chapter: id, choice: choice.id };
        walk(choice.goto, [...steps, step], { ...choices, [id]: choice.id });
      }
      return;
    }
    followNext(chapter, here, choices);
  };

  const followNext = (chapter: Chapter, steps: PathStep[], choices: Record<string, string>): void => {
    if (chapter.next.length === 0) return void paths.push({ steps, choices: { ...choices }, end: 'ending' });
    for (const rule of chapter.next) {
      const applies = evaluate(rule.when, choices);
      if (applies === false) continue;
      walk(rule.goto, steps, choices);
      if (applies === true) return;
    }
    paths.push({ steps, choices: { ...choices }, end: 'blocked' });
  };

  walk(options.start ?? journey.start, [], { ...options.choices });
  return paths;
}
