/**
 * Lint along every path a learner can take: each path from the start must reach an ending or a
 * dead end (no gap where no `next` rule applies, no loop without a choice), and every variable a
 * step, expression, input default or check uses must be set earlier on every path that reaches it.
 * Pure: the journey in, problems out.
 *
 * The walk is a depth-first search over paths that shares their common beginnings. Conditions are
 * evaluated with the choices made so far on the path; a condition that depends on a variable a
 * learner or a step may set cannot be known in advance and is followed both ways (for a step or
 * input guarded by it: it may run, but what it sets is not counted on).
 */

import { conditionContext, evaluateCondition, expressionReferences } from './expressions.ts';
import { chapterExpressions } from './graph.ts';
import type { Chapter, Expression, Journey, JourneyProblem, SourceLocation } from './model.ts';
import { variableUses } from './shell-reader.ts';

export interface FlowOptions {
  /** Stop after walking this many complete paths (default 20 000). */
  limit?: number;
  /** Walk from this chapter instead of the journey's start (a learner jumping in with `play --from`). */
  start?: string;
  /** Choices already made when the walk starts (with `start`: the answers of the skipped part). */
  choices?: Record<string, string>;
  /** Variables already set when the walk starts, besides journey defaults and journey-wide inputs. */
  defined?: Iterable<string>;
}

export interface FlowResult {
  problems: JourneyProblem[];
  /** Complete paths (endings, dead ends and broken ones), including those of subtrees walked once for several paths. */
  paths: number;
  /** True when the walk stopped at the limit: later paths were not checked. */
  truncated: boolean;
  /** Variables read on some path before anything on it sets them (and that something in the journey sets). */
  unset: string[];
}

/** One place that reads a variable. */
interface VariableRead {
  name: string;
  /** Shell code (`$NAME`), an expression (`vars.NAME`) or a template string (`${NAME}`). */
  kind: 'code' | 'expression' | 'template';
  /** What reads it, for messages: `` step `greet` ``, `` the default of input `HOST` ``. */
  what: string;
  loc: SourceLocation;
}

/** A part of a chapter that runs only when its `when` holds. */
interface Guarded {
  when?: Expression;
  /** Reads of the `when` itself (made whether or not it holds). */
  whenReads: VariableRead[];
}

interface ChapterPlan {
  whenReads: VariableRead[];
  inputs: (Guarded & { name: string; defaultReads: VariableRead[] })[];
  steps: (Guarded & { codeReads: VariableRead[]; exports: string[] })[];
  checks: (Guarded & { reads: VariableRead[] })[];
  /** Choices' `when`s are all evaluated when the options are shown. */
  choices: (Guarded & { id: string; goto: string })[];
  next: (Guarded & { goto: string })[];
}

interface PathStep {
  chapter: string;
  choice?: string;
  skipped?: boolean;
}

type Tri = boolean | 'unknown';

const DEFAULT_LIMIT = 20_000;
const templatePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Problems found by walking every path of the journey. */
export function flowProblems(journey: Journey, options: FlowOptions = {}): FlowResult {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const problems: JourneyProblem[] = [];
  const reported = new Set<string>();
  const report = (key: string, loc: SourceLocation, message: string, severity: JourneyProblem['severity'] = 'error'): void => {
    if (reported.has(key)) return;
    reported.add(key);
    problems.push({ loc, message, severity });
  };

  // Where each variable can come from, for "set in" hints and to tell "set nowhere" apart.
  const setters = new Map<string, Set<string>>();
  const setBy = (name: string, where: string): void => {
    let places = setters.get(name);
    if (!places) setters.set(name, (places = new Set()));
    places.add(where);
  };
  for (const name of Object.keys(journey.vars)) setBy(name, 'journey.yaml `vars`');
  for (const input of journey.inputs) setBy(input.name, 'journey.yaml `inputs`');
  for (const chapter of journey.chapters.values()) {
    for (const input of chapter.inputs) setBy(input.name, chapter.id);
    for (const step of chapter.steps) for (const name of step.exports) setBy(name, chapter.id);
  }
  // Defaults of variables nothing reassigns are known in advance; conditions may use them.
  const reassigned = new Set([...setters].filter(([, places]) => [...places].some((p) => !p.startsWith('journey.yaml'))).map(([name]) => name));
  const knownVars = Object.fromEntries(Object.entries(journey.vars).filter(([name]) => !reassigned.has(name)));

  const plans = new Map<string, ChapterPlan>();
  for (const chapter of journey.chapters.values()) plans.set(chapter.id, planChapter(chapter));

  const evaluated = new Map<string, Tri>();
  // What each expression reads, once: undefined when it cannot be known in advance (a variable).
  const readsOf = new Map<string, string[] | undefined>();
  const evaluate = (when: Expression | undefined, choices: Record<string, string>): Tri => {
    if (!when) return true;
    let points = readsOf.get(when.source);
    if (!readsOf.has(when.source)) {
      const references = expressionReferences(when.source);
      points = references && references.vars.every((name) => name in knownVars) ? references.choices.map((c) => c.chapter) : undefined;
      readsOf.set(when.source, points);
    }
    if (!points) return 'unknown';
    let key = when.source;
    for (const point of points) key += `\u0000${choices[point] ?? ''}`;
    let value = evaluated.get(key);
    if (value === undefined) {
      const result = evaluateCondition(when, conditionContext(journey, choices, knownVars));
      value = 'error' in result ? 'unknown' : result.value;
      evaluated.set(key, value);
    }
    return value;
  };

  // Defined from the first chapter on: journey defaults and journey-wide inputs (asked before it).
  const names = new NameIndex();
  let initial = names.set([...Object.keys(journey.vars), ...(options.defined ?? [])]);
  for (const input of journey.inputs) if (evaluate(input.when, options.choices ?? {}) === true) initial = initial.with(input.name);
  const below = subtreeFootprints(journey, plans);

  const unset = new Set<string>();
  const checkReads = (reads: readonly VariableRead[], defined: NameSet, trail: Trail): void => {
    for (const read of reads) {
      if (defined.has(read.name)) continue;
      if (setters.has(read.name)) unset.add(read.name);
      const key = `var\u0000${read.loc.file}\u0000${read.loc.line}\u0000${read.name}`;
      if (reported.has(key)) continue;
      const places = setters.get(read.name);
      if (!places) {
        // Expressions and defaults naming unknown variables are reported by the loader already.
        if (read.kind === 'code') {
          report(key, read.loc, `${read.what} uses \`$${read.name}\`, which nothing in this journey sets: add an input, a \`vars\` default, or an \`export\` in an earlier step (or write \`\${${read.name}:-}\` if it may be unset)`);
        } else reported.add(key);
        continue;
      }
      const list = [...places];
      const shown = list.length > 4 ? `${list.slice(0, 4).join(', ')}, …` : list.join(', ');
      report(
        key,
        read.loc,
        `${read.what} uses \`${spelling(read)}\`, which is not set on every path that reaches it: on the path ${formatPath(steps(trail))}, nothing sets it before (it is set in ${shown})`,
      );
    }
  };

  let paths = 0;
  let walked = 0;
  let truncated = false;
  const finish = (): void => {
    paths++;
    walked++;
    if (walked >= limit) truncated = true;
  };

  // Paths that reach a chapter with the same choices and variables that matter below it go on the
  // same way: the subtree is walked once (its problems are reported once anyway) and counted again.
  // This keeps a journey of several seasons, whose paths multiply, quick to lint.
  const memo = new Map<string, number>();
  const walk = (id: string, trail: Trail, choices: Record<string, string>, defined: NameSet): void => {
    if (truncated) return;
    const footprint = below.get(id);
    // Only a chapter on a loop can lead back to one already on the path.
    if (!footprint || (footprint.onCycle && someStep(trail, (step) => footprint.chapters.has(step.chapter)))) return walkChapter(id, trail, choices, defined);
    let key = `${id}\u0000${defined.key}`;
    for (const point of footprint.choicePoints) key += `\u0001${choices[point] ?? ''}`;
    const known = memo.get(key);
    if (known !== undefined) {
      paths += known;
      return;
    }
    const before = paths;
    walkChapter(id, trail, choices, defined);
    if (!truncated) memo.set(key, paths - before);
  };

  const walkChapter = (id: string, trail: Trail, choices: Record<string, string>, defined: NameSet): void => {
    const chapter = journey.chapters.get(id);
    const plan = plans.get(id);
    if (!chapter || !plan) return finish(); // An unknown chapter: the loader reports the reference.
    const path = below.get(id)?.onCycle === false ? [] : steps(trail);
    const seenAt = path.findIndex((step) => step.chapter === id);
    if (seenAt !== -1) {
      finish();
      const loop = path.slice(seenAt);
      if (!loop.some((step) => step.choice !== undefined) && !isForcedLoop(journey, loop)) {
        const key = `cycle\u0000${loop.map((step) => step.chapter).sort().join('\u0000')}`;
        report(key, chapter.loc, `the path ${formatPath([...path, { chapter: id }])} comes back to \`${id}\` with no choice on the way: the learner would go round forever`);
      }
      return;
    }
    const here = extend(trail, { chapter: id });

    checkReads(plan.whenReads, defined, here);
    const active = evaluate(chapter.when, choices);
    if (active !== true) {
      const skipped = extend(trail, { chapter: id, skipped: true });
      if (chapter.skipTo !== undefined) walk(chapter.skipTo, skipped, choices, defined);
      else followNext(chapter, plan, skipped, choices, defined);
      if (active === false) return;
    }

    let defs = defined;
    const define = (name: string): void => {
      defs = defs.with(name);
    };
    for (const input of plan.inputs) {
      checkReads(input.whenReads, defs, here);
      const asked = evaluate(input.when, choices);
      if (asked === false) continue;
      checkReads(input.defaultReads, defs, here);
      if (asked === true) define(input.name);
    }
    for (const step of plan.steps) {
      checkReads(step.whenReads, defs, here);
      const runs = evaluate(step.when, choices);
      if (runs === false) continue;
      checkReads(step.codeReads, defs, here);
      if (runs === true) for (const name of step.exports) define(name);
    }
    for (const check of plan.checks) {
      checkReads(check.whenReads, defs, here);
      if (evaluate(check.when, choices) !== false) checkReads(check.reads, defs, here);
    }

    if (chapter.deadEnd) return finish();
    if (plan.choices.length > 0) {
      for (const choice of plan.choices) checkReads(choice.whenReads, defs, here);
      let open = 0;
      for (const choice of plan.choices) {
        if (evaluate(choice.when, choices) === false) continue;
        open++;
        walk(choice.goto, extend(trail, { chapter: id, choice: choice.id }), { ...choices, [id]: choice.id }, defs);
      }
      if (open === 0) {
        finish();
        report(
          `stuck\u0000${id}`,
          chapter.choices[0]!.loc,
          `on the path ${formatPath(steps(here))}, the \`when\` of every choice is false: the learner cannot pick any option; leave one choice without \`when\``,
        );
      }
      return;
    }
    followNext(chapter, plan, here, choices, defs);
  };

  const followNext = (chapter: Chapter, plan: ChapterPlan, trail: Trail, choices: Record<string, string>, defined: NameSet): void => {
    if (plan.next.length === 0) return finish(); // An ending.
    let open = false;
    for (const rule of plan.next) {
      checkReads(rule.whenReads, defined, trail);
      const applies = evaluate(rule.when, choices);
      if (applies === false) continue;
      walk(rule.goto, trail, choices, defined);
      if (applies === true) return;
      open = true;
    }
    // Rules that depend on variables may all be false while playing; the loader warns when no rule is unconditional.
    if (open) return;
    finish();
    report(
      `gap\u0000${chapter.id}`,
      chapter.next[0]!.loc,
      `no \`next\` rule applies on the path ${formatPath(steps(trail))}: the learner is stuck here; add a last rule without \`when\`, or one that covers these choices`,
    );
  };

  const start = options.start ?? journey.start;
  if (journey.chapters.has(start)) walk(start, undefined, { ...options.choices }, initial);
  return { problems, paths, truncated, unset: [...unset] };
}

/** What the walk below a chapter depends on: the chapters it can reach, the choice points and variables they read. */
interface Footprint {
  chapters: Set<string>;
  choicePoints: Set<string>;
  vars: Set<string>;
  /** The chapter can lead back to itself. */
  onCycle: boolean;
}

/** Numbers for variable names, so that sets of them are small bit arrays, cheap to copy and compare. */
class NameIndex {
  private readonly numbers = new Map<string, number>();

  number(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) this.numbers.set(name, (n = this.numbers.size));
    return n;
  }

  has(name: string): number | undefined {
    return this.numbers.get(name);
  }

  set(names: Iterable<string>): NameSet {
    let set = new NameSet(this, new Uint32Array(0));
    for (const name of names) set = set.with(name);
    return set;
  }
}

/** An immutable set of variable names. */
class NameSet {
  private readonly index: NameIndex;
  private readonly bits: Uint32Array;
  /** Equal for sets with the same names (a memo key). */
  readonly key: string;

  constructor(index: NameIndex, bits: Uint32Array) {
    this.index = index;
    this.bits = bits;
    let end = bits.length;
    while (end > 0 && bits[end - 1] === 0) end--;
    this.key = bits.subarray(0, end).join(',');
  }

  has(name: string): boolean {
    const n = this.index.has(name);
    return n !== undefined && ((this.bits[n >>> 5] ?? 0) & (1 << (n & 31))) !== 0;
  }

  with(name: string): NameSet {
    if (this.has(name)) return this;
    const n = this.index.number(name);
    const bits = new Uint32Array(Math.max(this.bits.length, (n >>> 5) + 1));
    bits.set(this.bits);
    bits[n >>> 5]! |= 1 << (n & 31);
    return new NameSet(this.index, bits);
  }
}

/** The path so far, newest step first: extending it copies nothing. */
type Trail = { step: PathStep; prev: Trail } | undefined;

function extend(trail: Trail, step: PathStep): Trail {
  return { step, prev: trail };
}

/** The path's steps, oldest first. */
function steps(trail: Trail): PathStep[] {
  const list: PathStep[] = [];
  for (let at = trail; at; at = at.prev) list.push(at.step);
  return list.reverse();
}

function someStep(trail: Trail, test: (step: PathStep) => boolean): boolean {
  for (let at = trail; at; at = at.prev) if (test(at.step)) return true;
  return false;
}

/** The footprint of every chapter (ignoring conditions: a superset is safe). */
function subtreeFootprints(journey: Journey, plans: ReadonlyMap<string, ChapterPlan>): Map<string, Footprint> {
  const own = new Map<string, { choicePoints: string[]; vars: string[] }>();
  for (const chapter of journey.chapters.values()) {
    const plan = plans.get(chapter.id)!;
    const expressions = chapterExpressions(chapter);
    const choicePoints = expressions.flatMap((expr) => expressionReferences(expr.source, 'object')?.choices.map((c) => c.chapter) ?? []);
    const reads = [
      ...plan.whenReads,
      ...plan.inputs.flatMap((input) => [...input.whenReads, ...input.defaultReads]),
      ...plan.steps.flatMap((step) => [...step.whenReads, ...step.codeReads]),
      ...plan.checks.flatMap((check) => [...check.whenReads, ...check.reads]),
      ...plan.choices.flatMap((choice) => choice.whenReads),
      ...plan.next.flatMap((rule) => rule.whenReads),
    ];
    // Expressions over variables are evaluated only when the variable has a known value.
    const vars = [...reads.map((read) => read.name), ...expressions.flatMap((expr) => expressionReferences(expr.source, 'object')?.vars ?? [])];
    own.set(chapter.id, { choicePoints, vars });
  }
  const result = new Map<string, Footprint>();
  for (const chapter of journey.chapters.values()) {
    const footprint: Footprint = { chapters: new Set(), choicePoints: new Set(), vars: new Set(), onCycle: false };
    const queue = [chapter.id];
    while (queue.length > 0) {
      const id = queue.pop()!;
      const here = journey.chapters.get(id);
      if (!here || footprint.chapters.has(id)) continue;
      footprint.chapters.add(id);
      const mine = own.get(id)!;
      for (const point of mine.choicePoints) footprint.choicePoints.add(point);
      for (const name of mine.vars) footprint.vars.add(name);
      queue.push(...here.choices.map((c) => c.goto), ...here.next.map((r) => r.goto), ...(here.skipTo !== undefined ? [here.skipTo] : []));
    }
    footprint.choicePoints = new Set([...footprint.choicePoints].sort());
    footprint.vars = new Set([...footprint.vars].sort());
    result.set(chapter.id, footprint);
  }
  for (const chapter of journey.chapters.values()) {
    const next = [...chapter.choices.map((c) => c.goto), ...chapter.next.map((r) => r.goto), ...(chapter.skipTo !== undefined ? [chapter.skipTo] : [])];
    result.get(chapter.id)!.onCycle = next.some((id) => result.get(id)?.chapters.has(chapter.id) ?? false);
  }
  return result;
}

/** How the variable is written where it is read. */
function spelling(read: VariableRead): string {
  return read.kind === 'code' ? `$${read.name}` : read.kind === 'expression' ? `vars.${read.name}` : `\${${read.name}}`;
}

/** `setup → setup/domain [nip] → https (skipped) → db`. */
export function formatPath(trail: readonly PathStep[]): string {
  return trail.map((step) => (step.choice !== undefined ? `${step.chapter} [${step.choice}]` : step.skipped ? `${step.chapter} (skipped)` : step.chapter)).join(' → ');
}

/** A loop of chapters that lead to each other unconditionally: `graphProblems` reports those already. */
function isForcedLoop(journey: Journey, loop: readonly PathStep[]): boolean {
  return loop.every((step) => {
    const chapter = journey.chapters.get(step.chapter);
    if (!chapter || chapter.choices.length > 0 || chapter.deadEnd || chapter.when) return false;
    const first = chapter.next[0];
    return first !== undefined && !first.when;
  });
}

/** What a chapter reads and sets, in the order the play loop does it. */
function planChapter(chapter: Chapter): ChapterPlan {
  const whenReads = (when: Expression | undefined, what: string): VariableRead[] => (when ? expressionReads(when, what) : []);
  return {
    whenReads: [...whenReads(chapter.when, 'the chapter `when`'), ...templateReads(chapter.kubeconfig, 'the chapter `kubeconfig`', chapter.loc)],
    inputs: chapter.inputs.map((input) => ({
      name: input.name,
      ...(input.when ? { when: input.when } : {}),
      whenReads: whenReads(input.when, `the \`when\` of input \`${input.name}\``),
      defaultReads: templateReads(input.default, `the default of input \`${input.name}\``, input.loc),
    })),
    steps: chapter.steps.map((step) => ({
      ...(step.when ? { when: step.when } : {}),
      whenReads: whenReads(step.when, `the \`when\` of step \`${step.id}\``),
      codeReads: variableUses(step.code).map((use) => ({
        name: use.name,
        kind: 'code' as const,
        what: `step \`${step.id}\``,
        loc: { file: step.loc.file, line: step.loc.line + use.line },
      })),
      exports: step.exports,
    })),
    checks: chapter.checks.map((check) => {
      const what = `check \`${check.id}\``;
      const reads =
        check.kind === 'use'
          ? templateReads(check.with, what, check.loc)
          : [...templateReads(check.object, what, check.loc), ...(check.expression ? expressionReads(check.expression, `the expression of ${what}`) : [])];
      return { ...(check.when ? { when: check.when } : {}), whenReads: whenReads(check.when, `the \`when\` of ${what}`), reads };
    }),
    choices: chapter.choices.map((choice) => ({
      id: choice.id,
      goto: choice.goto,
      ...(choice.when ? { when: choice.when } : {}),
      whenReads: whenReads(choice.when, `the \`when\` of choice \`${choice.id}\``),
    })),
    next: chapter.next.map((rule) => ({
      goto: rule.goto,
      ...(rule.when ? { when: rule.when } : {}),
      whenReads: whenReads(rule.when, 'the `when` of a `next` rule'),
    })),
  };
}

/** `vars.X` an expression reads, except where it only asks whether X is set (`has(vars.X)`, `vars.?X`, `"X" in vars`). */
function expressionReads(expr: Expression, what: string): VariableRead[] {
  const names = expressionReferences(expr.source, 'object')?.vars ?? [];
  return names
    .filter((name) => !new RegExp(`has\\(\\s*vars\\.${name}\\s*\\)|vars\\.\\?${name}\\b|vars\\[\\?\\s*["']${name}["']|["']${name}["']\\s+in\\s+vars\\b`).test(expr.source))
    .map((name) => ({ name, kind: 'expression' as const, what, loc: expr.loc }));
}

/** `${NAME}` references in the strings of a value (input defaults, check arguments and objects). */
function templateReads(value: unknown, what: string, loc: SourceLocation): VariableRead[] {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const match of v.matchAll(templatePattern)) names.add(match[1]!);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...names].map((name) => ({ name, kind: 'template' as const, what, loc }));
}
