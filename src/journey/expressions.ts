/**
 * CEL expressions of a journey (`when`, check `expression`), via @marcbachmann/cel-js.
 * Never JavaScript eval. Compiled expressions are cached by source text.
 *
 * Conditions see two maps of strings:
 * - `choices`: chapter id of every choice point → id of the choice made there, `""` until chosen;
 * - `vars`: the journey's variables (defaults, inputs, captured exports).
 * Check expressions additionally see `object`, the Kubernetes object being checked.
 */

import type { ASTNode, Environment, ParseResult } from '../cel.ts';
import { requireOwn } from '../require-own.ts';
import type { Expression, Journey } from './model.ts';
import { dict } from '../dict.ts';
import { patternMatches, patternProblem } from './regex.ts';

/**
 * Which names an expression may use: `condition` (choices, vars), `object` (also the checked
 * object), or `outcome` (text that depends on how things went: also `step`, `steps` and `checks`).
 */
export type ExpressionScope = 'condition' | 'object' | 'outcome';

/** What conditions are evaluated against. */
export interface ConditionContext {
  choices: Record<string, string>;
  vars: Record<string, string>;
}

export type ConditionResult = { value: boolean } | { error: string };

let environments: Record<ExpressionScope, Environment> | undefined;

/**
 * CEL's `matches()` on RE2, as the CEL spec defines it: cel-js's own uses JavaScript's
 * backtracking RegExp, where `"aaaa…!".matches("^(a+)+$")` takes minutes. Every `matches` call
 * of a parsed expression is renamed to this function (see `linearMatches`).
 */
const LINEAR_MATCHES = 'matchesLinear';

function celEnvironment(): Environment {
  // Loaded at the first expression: play's first page, from a cached journey model, often has none to evaluate.
  const { Environment } = requireOwn<typeof import('../cel.ts')>(import.meta.url, '../cel');
  return new Environment()
    .registerFunction(`string.${LINEAR_MATCHES}(string): bool`, (text: string, pattern: string) => patternMatches(pattern, text))
    .registerFunction(`${LINEAR_MATCHES}(string, string): bool`, (text: string, pattern: string) => patternMatches(pattern, text))
    .registerVariable('choices', 'map<string, string>')
    .registerVariable('vars', 'map<string, string>');
}

function environment(scope: ExpressionScope): Environment {
  environments ??= {
    condition: celEnvironment(),
    object: celEnvironment().registerVariable('object', 'map<string, dyn>'),
    outcome: celEnvironment()
      .registerVariable('step', 'string')
      .registerVariable('steps', 'map<string, string>')
      .registerVariable('checks', 'string'),
  };
  return environments[scope];
}

type Compiled = { program: ParseResult } | { error: string };
const cache = new Map<string, Compiled>();

/** Longest expression accepted: a condition or an assert is a line or two, never a program. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Most evaluation steps an expression may take in the worst case: the per-call limit of Kubernetes validation rules. */
export const MAX_EXPRESSION_COST = 1_000_000;
/** Items assumed in a list or map whose size is not written in the expression (a variable, a field of the object). */
const ASSUMED_SIZE = 1000;
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'transformMapEntry', 'sortBy']);

function compile(source: string, scope: ExpressionScope): Compiled {
  const key = `${scope}\u0000${source}`;
  let compiled = cache.get(key);
  if (!compiled) {
    if (source.length > MAX_EXPRESSION_LENGTH) {
      compiled = { error: `the expression is ${source.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed` };
    } else {
      try {
        const program = environment(scope).parse(source);
        const cost = estimateCost(program.ast).cost;
        const pattern = linearMatches(program.ast);
        compiled = pattern
          ? { error: `matches(): ${pattern}` }
          : cost > MAX_EXPRESSION_COST
            ? {
                error:
                  `the expression may take up to ${cost.toExponential(1)} steps to evaluate, more than the ${MAX_EXPRESSION_COST.toLocaleString('en')} allowed ` +
                  `(as for Kubernetes validation rules; a list whose size is not written out counts as ${ASSUMED_SIZE} items): nest fewer comprehensions such as all() and exists()`,
              }
            : { program };
      } catch (error) {
        compiled = { error: describeCelError(error) };
      }
    }
    cache.set(key, compiled);
  }
  return compiled;
}

/**
 * Worst-case steps to evaluate `node`, and how many items its value has when it is a list or map,
 * estimated from the expression alone (as Kubernetes does for validation rules): a comprehension
 * costs its body once per item of its range.
 */
function estimateCost(node: ASTNode): { cost: number; size: number } {
  if (node.op === 'rcall' && Array.isArray(node.args)) {
    const [name, receiver, args] = node.args as [unknown, unknown, unknown];
    if (typeof name === 'string' && COMPREHENSIONS.has(name) && isNode(receiver) && Array.isArray(args)) {
      const range = estimateCost(receiver);
      const body = args.filter(isNode).filter((arg) => arg.op !== 'id' || arg !== args[0]);
      const bodyCost = body.reduce((sum, arg) => sum + estimateCost(arg).cost, 0);
      return { cost: range.cost + range.size * (bodyCost + 1), size: range.size };
    }
  }
  const children = childNodes(node).map(estimateCost);
  const cost = 1 + children.reduce((sum, child) => sum + child.cost, 0);
  if (node.op === 'list' || node.op === 'map') return { cost, size: Array.isArray(node.args) ? node.args.length : ASSUMED_SIZE };
  return { cost, size: ASSUMED_SIZE };
}

/**
 * Why `source` is not a valid boolean expression (syntax, unknown names, type errors), or undefined
 * when it is. Static only: nothing is evaluated.
 */
export function checkExpression(source: string, scope: ExpressionScope = 'condition'): string | undefined {
  if (!source.trim()) return 'the expression is empty';
  const compiled = compile(source, scope);
  if ('error' in compiled) return compiled.error;
  const checked = compiled.program.check();
  if (!checked.valid) return describeCelError(checked.error);
  if (checked.type !== undefined && checked.type !== 'bool' && !checked.type.startsWith('dyn')) {
    return `the expression gives a ${checked.type}, not true or false`;
  }
  return undefined;
}

/** Evaluate an expression to any value; errors (missing variable, bad types) come back as text. */
export function evaluateExpression(
  expr: Expression,
  context: Record<string, unknown>,
  scope: ExpressionScope = 'condition',
): { value: unknown } | { error: string } {
  const compiled = compile(expr.source, scope);
  if ('error' in compiled) return { error: compiled.error };
  // `choices` and `vars` as Maps: their keys are user-named (`constructor`, `__proto__`) and only what is there is read.
  const asMap = (value: unknown) => (value && typeof value === 'object' && !(value instanceof Map) ? new Map(Object.entries(value)) : value);
  const input = { ...context, ...('choices' in context ? { choices: asMap(context.choices) } : {}), ...('vars' in context ? { vars: asMap(context.vars) } : {}) };
  try {
    return { value: compiled.program(input) };
  } catch (error) {
    return { error: describeEvaluationError(error) };
  }
}

/** Evaluate a `when` condition; anything but a boolean result is an error. */
export function evaluateCondition(expr: Expression, ctx: ConditionContext): ConditionResult {
  const result = evaluateExpression(expr, { choices: ctx.choices, vars: ctx.vars });
  if ('error' in result) return result;
  if (typeof result.value !== 'boolean') {
    return { error: `\`${expr.source}\` gives ${formatValue(result.value)}, not true or false` };
  }
  return { value: result.value };
}

/**
 * The context conditions see: every choice point of the journey is present in `choices`
 * (`""` when not chosen yet), and `vars` are the journey's defaults overlaid with `vars`.
 */
export function conditionContext(
  journey: Pick<Journey, 'chapters' | 'vars'>,
  choices: Readonly<Record<string, string>>,
  vars: Readonly<Record<string, string>> = {},
): ConditionContext {
  const allChoices = dict<string>();
  for (const chapter of journey.chapters.values()) {
    if (chapter.choices.length > 0) allChoices[chapter.id] = (Object.hasOwn(choices, chapter.id) ? choices[chapter.id] : undefined) ?? '';
  }
  return { choices: allChoices, vars: dict(journey.vars, vars) };
}

/** What an expression refers to, for lint: `choices[...]` chapters with compared values, and `vars` names. */
export interface ExpressionReferences {
  /** Chapter ids used as `choices["id"]` / `choices.id`, with the literal choice ids compared against. */
  choices: { chapter: string; values: string[] }[];
  /** Variable names used as `vars.NAME` / `vars["NAME"]`. */
  vars: string[];
}

/** Names an expression refers to with literal keys; undefined when it does not parse. */
export function expressionReferences(source: string, scope: ExpressionScope = 'condition'): ExpressionReferences | undefined {
  const compiled = compile(source, scope);
  if ('error' in compiled) return undefined;
  const references: ExpressionReferences = { choices: [], vars: [] };
  const choiceEntry = (chapter: string): { chapter: string; values: string[] } => {
    let entry = references.choices.find((c) => c.chapter === chapter);
    if (!entry) {
      entry = { chapter, values: [] };
      references.choices.push(entry);
    }
    return entry;
  };
  const visit = (node: ASTNode): void => {
    const member = memberKey(node);
    if (member?.root === 'choices') choiceEntry(member.key);
    if (member?.root === 'vars' && !references.vars.includes(member.key)) references.vars.push(member.key);
    if (node.op === '==' || node.op === '!=') {
      const [left, right] = node.args;
      for (const [a, b] of [
        [left, right],
        [right, left],
      ] as const) {
        const key = memberKey(a);
        if (key?.root === 'choices' && b.op === 'value' && typeof b.args === 'string') choiceEntry(key.key).values.push(b.args);
      }
    }
    if (node.op === 'in') {
      const [left, right] = node.args;
      const key = memberKey(left);
      if (key?.root === 'choices' && right.op === 'list') {
        for (const item of right.args) if (item.op === 'value' && typeof item.args === 'string') choiceEntry(key.key).values.push(item.args);
      }
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(compiled.program.ast);
  return references;
}

/** `choices.x` / `choices["x"]` / `vars.X` → root and literal key. */
function memberKey(node: ASTNode): { root: string; key: string } | undefined {
  if (node.op === '.' || node.op === '.?') {
    const [target, key] = node.args;
    if (target.op === 'id') return { root: target.args, key };
  }
  if (node.op === '[]' || node.op === '[?]') {
    const [target, key] = node.args;
    if (target.op === 'id' && key.op === 'value' && typeof key.args === 'string') return { root: target.args, key: key.args };
  }
  return undefined;
}

/**
 * Route every `matches()` call of `node` to the RE2 one, and say why a pattern written in the
 * expression cannot be used (a pattern from a variable is judged when it is evaluated).
 */
function linearMatches(node: ASTNode): string | undefined {
  let problem: string | undefined;
  const args = node.args as unknown[];
  if ((node.op === 'rcall' || node.op === 'call') && Array.isArray(args) && args[0] === 'matches') {
    args[0] = LINEAR_MATCHES;
    const callArgs = (node.op === 'rcall' ? args[2] : args[1]) as unknown[];
    const pattern = Array.isArray(callArgs) ? callArgs.at(-1) : undefined;
    if (isNode(pattern) && pattern.op === 'value' && typeof pattern.args === 'string') problem = patternProblem(pattern.args);
  }
  for (const child of childNodes(node)) problem ??= linearMatches(child);
  return problem;
}

function childNodes(node: ASTNode): ASTNode[] {
  const children: ASTNode[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) collect(item);
    else if (isNode(value)) children.push(value);
  };
  collect(node.args);
  return children;
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** The first line of a cel-js error (the rest is a source excerpt with a caret). */
function describeCelError(error: unknown): string {
  if (error instanceof Error) {
    const summary = (error as { summary?: unknown }).summary;
    const text = typeof summary === 'string' && summary ? summary : (error.message.split('\n')[0] ?? error.message);
    const position = (error as { node?: { start?: unknown } }).node?.start;
    return typeof position === 'number' ? `${text} (at character ${position + 1})` : text;
  }
  return String(error);
}

/** Evaluation errors in the journey's terms: which variable is missing, which choice point is unknown. */
function describeEvaluationError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const node = (error as { node?: unknown }).node;
  if (code === 'no_such_key' && isNode(node)) {
    const member = memberKey(node);
    if (member?.root === 'vars') return `variable ${member.key} is not set`;
    if (member?.root === 'choices') return `\`${member.key}\` is not a choice point of this journey`;
  }
  return describeCelError(error);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'bigint' || typeof value === 'number') return `the number ${value}`;
  if (value === null) return 'null';
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}
