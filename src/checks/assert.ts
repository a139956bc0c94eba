// Declarative checks from front matter: `assert:` (an object like this must exist) and `error:`
// (none may). Pure: the objects found in the cluster come in, a verdict with expected/found lines
// comes out.
import { evaluateExpression } from '../journey/expressions.ts';
import type { Expression } from '../journey/model.ts';
import type { KubeObject } from '../kube/types.ts';
import { describeExpectations, formatMismatch, isPlainObject, matchObject } from './match.ts';

/** Where to look: kind, and name/namespace when given (namespace already defaulted for namespaced kinds). */
export interface AssertTarget {
  apiVersion: string;
  kind: string;
  name?: string;
  /** Undefined for cluster-scoped kinds. */
  namespace?: string;
}

/** A declarative check, with variables filled in. */
export interface AssertSpec {
  kind: 'assert' | 'error';
  object: Record<string, unknown>;
  expression?: Expression;
}

export interface AssertVerdict {
  ok: boolean;
  reason: string;
  /** What the check wants: a heading line, then one line per expectation. */
  expected: string[];
  /** What the cluster has: a heading line, then the differences (or the offending object). */
  found: string[];
}

const MAX_FOUND_LINES = 8;

/** The kind, name and namespace an assert object names. */
export function assertTarget(object: Record<string, unknown>): Omit<AssertTarget, 'namespace'> & { namespace?: string } {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? ''),
    ...(typeof metadata.name === 'string' && metadata.name ? { name: metadata.name } : {}),
    ...(typeof metadata.namespace === 'string' && metadata.namespace ? { namespace: metadata.namespace } : {}),
  };
}

/** "Deployment hero in namespace dev", "ClusterIssuer letsencrypt", "a Deployment in namespace dev". */
export function describeTarget(target: AssertTarget): string {
  const where = target.namespace ? ` in namespace ${target.namespace}` : '';
  return target.name ? `${target.kind} ${target.name}${where}` : `a ${target.kind}${where}`;
}

function objectLabel(object: KubeObject, target: AssertTarget): string {
  const name = object.metadata?.name ?? '?';
  return `${target.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${name}`;
}

/** Why one live object does not satisfy the spec: mismatch lines (empty when it does). */
function objectProblems(spec: AssertSpec, object: KubeObject, context: { vars: Record<string, string>; choices: Record<string, string> }, width: number): string[] {
  const { apiVersion: _a, kind: _k, ...fields } = spec.object;
  const secret = spec.object.kind === 'Secret';
  const lines = matchObject(fields, object).map((m) => formatMismatch(m, width, secret && /^(data|stringData)\b/.test(m.path)));
  if (lines.length > 0 || !spec.expression) return lines;
  const result = evaluateExpression(spec.expression, { object, vars: context.vars, choices: context.choices }, 'object');
  if ('error' in result) return [`\`${spec.expression.source}\` cannot be evaluated on it: ${result.error}`];
  if (result.value !== true) return [`\`${spec.expression.source}\` is ${result.value === false ? 'false' : `${String(result.value)}, not true`}`];
  return [];
}

/**
 * Judge a declarative check against the objects found where it looks (all objects of the kind in
 * the namespace, or the one named; none when it does not exist).
 */
export function judgeAssert(
  spec: AssertSpec,
  target: AssertTarget,
  objects: KubeObject[],
  context: { vars: Record<string, string>; choices: Record<string, string> },
  width = 100,
): AssertVerdict {
  const wanted = describeExpectations(spec.object, width, spec.object.kind === 'Secret');
  if (spec.expression) wanted.push(`\`${spec.expression.source}\``);
  const candidates = target.name ? objects.filter((o) => o.metadata?.name === target.name) : objects;
  const judged = candidates.map((object) => ({ object, problems: objectProblems(spec, object, context, width) }));
  const matching = judged.filter((j) => j.problems.length === 0);
  const subject = describeTarget(target);

  if (spec.kind === 'error') {
    const expected = [`no ${subject.replace(/^a /, '')}${wanted.length ? ' with' : ''}`, ...wanted.map((w) => `  ${w}`)];
    if (matching.length === 0) {
      return {
        ok: true,
        reason: candidates.length === 0 ? `${subject} does not exist, as it should not` : `no ${subject.replace(/^a /, '')} matches, as it should not`,
        expected,
        found: candidates.length === 0 ? ['none'] : candidates.map((c) => `${objectLabel(c, target)} (differs)`),
      };
    }
    const offender = matching[0]!.object;
    return {
      ok: false,
      reason: `${objectLabel(offender, target)} exists${wanted.length ? ' and matches' : ''}, but it must not`,
      expected,
      found: matching.slice(0, MAX_FOUND_LINES).map((m) => objectLabel(m.object, target)),
    };
  }

  const expected = [`${subject}${wanted.length ? ' with' : ''}`, ...wanted.map((w) => `  ${w}`)];
  if (matching.length > 0) {
    return { ok: true, reason: `${objectLabel(matching[0]!.object, target)} is as expected`, expected, found: [objectLabel(matching[0]!.object, target)] };
  }
  if (candidates.length === 0) {
    const missing = target.name ? `${subject} does not exist` : `there is no ${target.kind}${target.namespace ? ` in namespace ${target.namespace}` : ''}`;
    return { ok: false, reason: missing, expected, found: ['none'] };
  }
  const best = judged.reduce((a, b) => (b.problems.length < a.problems.length ? b : a));
  const label = objectLabel(best.object, target);
  const heading = candidates.length > 1 ? `${label} (the closest of ${candidates.length})` : label;
  const shown = best.problems.slice(0, MAX_FOUND_LINES).map((p) => `  ${p}`);
  if (best.problems.length > MAX_FOUND_LINES) shown.push(`  … and ${best.problems.length - MAX_FOUND_LINES} more`);
  return { ok: false, reason: `${label}: ${best.problems[0]}`, expected, found: [heading, ...shown] };
}

/** Fill `${VAR}` references in every string of a value (object keys stay as written). */
export function fillVariables<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole) as T;
  if (Array.isArray(value)) return value.map((item) => fillVariables(item, vars)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillVariables(v, vars)])) as T;
  return value;
}

/** Variable references left unfilled (`${NAME}` with no such variable), for a clear error. */
export function unfilledVariables(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) found.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isPlainObject(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found];
}
