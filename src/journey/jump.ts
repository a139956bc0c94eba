/**
 * Jumping in at a chapter (`hero-journey play --from CHAPTER`): which answers the skipped part of
 * the journey would have given that the chapters from there on use. Choice points come first
 * (they decide which chapters follow, and so which variables are read), then the variables read
 * on some path from the chapter before anything on it sets them. Pure.
 */

import { conditionContext, evaluateCondition, expressionReferences } from './expressions.ts';
import { flowProblems } from './flow.ts';
import { reachable } from './graph.ts';
import type { Chapter, Expression, InputSpec, Journey } from './model.ts';

/**
 * Choice points outside what `target` reaches whose answer decides the way on from `target`: read
 * by a chapter's `when`, an option's `when` or a `next` rule (variants, skipped chapters, disabled
 * options), nearest the start first. Steps and checks that depend on an answer not given are
 * skipped, as for any choice point not chosen.
 */
export function upstreamChoicesUsed(journey: Journey, target: string): string[] {
  const below = reachable(journey, target);
  const used = new Set<string>();
  for (const id of below) {
    const chapter = journey.chapters.get(id)!;
    const route = [chapter.when, ...chapter.choices.map((c) => c.when), ...chapter.next.map((r) => r.when)].filter((e): e is Expression => e !== undefined);
    for (const expr of route) {
      for (const entry of expressionReferences(expr.source, 'object')?.choices ?? []) {
        if (!below.has(entry.chapter) && journey.chapters.get(entry.chapter)?.choices.length) used.add(entry.chapter);
      }
    }
  }
  const order = startOrder(journey);
  return [...used].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
}

/**
 * The next choice point to ask a learner jumping in at `target`, given the answers so far: the
 * first one `upstreamChoicesUsed` names that a path from the start to `target` can still pass
 * (`db/crossplane-cloud` is not asked once `db` is answered `helm`). Undefined when none is left.
 */
export function nextJumpChoice(journey: Journey, target: string, answered: Record<string, string>): Chapter | undefined {
  const passable = passableChapters(journey, target, answered);
  for (const id of upstreamChoicesUsed(journey, target)) {
    if (answered[id] === undefined && passable.has(id)) return journey.chapters.get(id);
  }
  return undefined;
}

/** Variables read from `target` on, on some path, before anything on that path sets them. */
export function jumpVariables(journey: Journey, target: string, choices: Record<string, string>, defined: Iterable<string> = []): string[] {
  return flowProblems(journey, { start: target, choices, defined }).unset.sort();
}

/**
 * How to ask for a variable when jumping in: the `inputs` of the phase the target is in (or a
 * phase before it), else the first chapter input of that name. Undefined when only a step sets
 * it: lint reports that, and play asks with a plain prompt.
 */
export function jumpInputFor(journey: Journey, target: string, name: string): InputSpec | undefined {
  const phaseIndex = journey.phases.findIndex((phase) => phase.chapters.includes(target));
  const phases = phaseIndex === -1 ? journey.phases : journey.phases.slice(0, phaseIndex + 1).reverse();
  for (const phase of phases) {
    const input = phase.inputs?.find((i) => i.name === name);
    if (input) return input;
  }
  for (const input of journey.inputs) if (input.name === name) return input;
  for (const chapter of journey.chapters.values()) {
    const input = chapter.inputs.find((i) => i.name === name);
    if (input) return input;
  }
  return undefined;
}

/** Where learners are meant to jump in: the first chapter of every phase that has `inputs`, unless the journey starts there. */
export function seasonStarts(journey: Journey): string[] {
  return journey.phases
    .filter((phase) => phase.inputs !== undefined)
    .map((phase) => phase.chapters[0])
    .filter((id): id is string => id !== undefined && id !== journey.start && journey.chapters.has(id));
}

/** Breadth-first distance of each chapter from the start. */
function startOrder(journey: Journey): Map<string, number> {
  const order = new Map<string, number>();
  const queue = [journey.start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const chapter = journey.chapters.get(id);
    if (!chapter || order.has(id)) continue;
    order.set(id, order.size);
    queue.push(...chapter.choices.map((c) => c.goto), ...chapter.next.map((r) => r.goto), ...(chapter.skipTo !== undefined ? [chapter.skipTo] : []));
  }
  return order;
}

/**
 * Chapters before `target` that some path from the start can pass, given the answers so far:
 * an answered choice point leads only to its answer; a `next` rule or `when` that the answers
 * decide is followed as they decide, anything else both ways.
 */
function passableChapters(journey: Journey, target: string, answered: Record<string, string>): Set<string> {
  const decided = (when: Expression | undefined): boolean | 'unknown' => {
    if (!when) return true;
    const references = expressionReferences(when.source);
    if (!references || references.vars.length > 0 || references.choices.some((c) => answered[c.chapter] === undefined)) return 'unknown';
    const result = evaluateCondition(when, conditionContext(journey, answered, journey.vars));
    return 'error' in result ? 'unknown' : result.value;
  };
  const seen = new Set<string>();
  const queue = [journey.start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const chapter = journey.chapters.get(id);
    if (!chapter || seen.has(id) || id === target) continue;
    seen.add(id);
    const active = decided(chapter.when);
    if (active !== true) {
      if (chapter.skipTo !== undefined) queue.push(chapter.skipTo);
      else queue.push(...followed(chapter.next, decided));
      if (active === false) continue;
    }
    if (chapter.choices.length > 0) {
      const answer = answered[id];
      queue.push(...chapter.choices.filter((c) => (answer === undefined ? decided(c.when) !== false : c.id === answer)).map((c) => c.goto));
    } else queue.push(...followed(chapter.next, decided));
  }
  return seen;
}

/** Targets of `next` rules up to the first that surely holds. */
function followed(rules: Chapter['next'], decided: (when: Expression | undefined) => boolean | 'unknown'): string[] {
  const targets: string[] = [];
  for (const rule of rules) {
    const holds = decided(rule.when);
    if (holds === false) continue;
    targets.push(rule.goto);
    if (holds === true) break;
  }
  return targets;
}
