// Preparing a chapter's checks (variables filled in, `when` decided) without the engine that runs
// them: a chapter's page lists what its checks prove, and play's first page must not wait for the
// engine, the Kubernetes errors and the exec sandbox to load.
import { evaluateCondition } from '../journey/expressions.ts';
import type { CheckSpec } from '../journey/model.ts';
import { assertTarget, describeTarget, fillVariables, unfilledVariables, type AssertSpec, type AssertTarget } from './assert.ts';
import type { CheckOutcome, EngineOptions } from './engine.ts';

/** A check ready to run: variables filled in, `when` decided. */
export type PreparedCheck = {
  spec: CheckSpec;
  id: string;
  title: string;
  hint?: string;
  timeoutSeconds?: number;
} & (
  | { type: 'assert' | 'error'; assert: AssertSpec; target: Omit<AssertTarget, 'namespace'> & { namespace?: string } }
  | { type: 'use'; moduleId: string; args: Record<string, unknown> }
) & { settled?: Omit<CheckOutcome, 'attempts' | 'durationMs'> };

/** Fill variables and decide `when` for each check; checks whose `when` is false come back settled as not applicable. */
export function prepareChecks(specs: CheckSpec[], options: Pick<EngineOptions, 'vars' | 'choices'>): PreparedCheck[] {
  return specs.map((spec): PreparedCheck => {
    const common = {
      spec,
      id: spec.id,
      ...(spec.hint ? { hint: fillVariables(spec.hint, options.vars) } : {}),
      ...(spec.timeout !== undefined ? { timeoutSeconds: spec.timeout } : {}),
    };
    let prepared: PreparedCheck;
    if (spec.kind === 'use') {
      prepared = { ...common, type: 'use', title: fillVariables(spec.title, options.vars) ?? spec.use, moduleId: spec.use, args: fillVariables(spec.with, options.vars) };
    } else {
      const object = fillVariables(spec.object, options.vars);
      const target = assertTarget(object);
      prepared = {
        ...common,
        type: spec.kind,
        title: fillVariables(spec.title, options.vars) ?? `${spec.kind === 'error' ? 'no ' : ''}${describeTarget(target).replace(/^a /, spec.kind === 'error' ? '' : 'a ')}`,
        assert: { kind: spec.kind, object, ...(spec.expression ? { expression: spec.expression } : {}) },
        target,
      };
    }
    const base = { id: prepared.id, title: prepared.title, type: prepared.type, loc: spec.loc };
    if (spec.when) {
      const verdict = evaluateCondition(spec.when, { vars: options.vars, choices: options.choices });
      if ('error' in verdict) {
        prepared.settled = { ...base, status: 'broken', reason: `its \`when\` cannot be evaluated: ${verdict.error}`, hint: 'this is a mistake in the journey: tell its author' };
      } else if (!verdict.value) {
        prepared.settled = { ...base, status: 'not-applicable', reason: `applies only when ${spec.when.source}` };
      }
    }
    if (!prepared.settled) {
      const missing = unfilledVariables(prepared.type === 'use' ? prepared.args : prepared.assert.object);
      if (missing.length > 0) {
        prepared.settled = {
          ...base,
          status: 'failed',
          reason: `variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set, so the check cannot know what to look for`,
          hint: `set ${missing.length > 1 ? 'them' : 'it'} with --set NAME=value, or play the chapter whose step sets ${missing.length > 1 ? 'them' : 'it'}`,
        };
      }
    }
    return prepared;
  });
}

