import { describe, expect, it } from 'vitest';
import { assertTarget, fillVariables, judgeAssert, unfilledVariables, type AssertSpec } from '../../../src/checks/assert.ts';

const context = { vars: { MIN: '2' }, choices: {} };
const loc = { file: 'x.md', line: 3 };

function deployment(name: string, readyReplicas: number, available: 'True' | 'False') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'dev' },
    status: { readyReplicas, conditions: [{ type: 'Available', status: available }] },
  };
}

const available: AssertSpec = {
  kind: 'assert',
  object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hero', namespace: 'dev' }, status: { conditions: [{ type: 'Available', status: 'True' }] } },
};
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hero', namespace: 'dev' };

describe('judgeAssert', () => {
  it('passes when the named object matches', () => {
    const verdict = judgeAssert(available, target, [deployment('hero', 2, 'True')], context);
    expect(verdict).toMatchObject({ ok: true, reason: 'Deployment dev/hero is as expected' });
  });

  it('fails with expected, then found as a short diff', () => {
    const verdict = judgeAssert(available, target, [deployment('hero', 0, 'False')], context);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toBe('Deployment dev/hero: status.conditions[type=Available].status: expected "True", found "False"');
    expect(verdict.expected).toEqual(['Deployment hero in namespace dev with', '  status.conditions has {type: "Available", status: "True"}']);
    expect(verdict.found).toEqual(['Deployment dev/hero', '  status.conditions[type=Available].status: expected "True", found "False"']);
  });

  it('says when the object does not exist', () => {
    expect(judgeAssert(available, target, [], context)).toMatchObject({ ok: false, reason: 'Deployment hero in namespace dev does not exist', found: ['none'] });
  });

  it('without a name, passes when some object of the kind matches', () => {
    const spec: AssertSpec = { ...available, object: { ...available.object, metadata: { namespace: 'dev' } } };
    const anyTarget = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dev' };
    expect(judgeAssert(spec, anyTarget, [deployment('db', 0, 'False'), deployment('web', 1, 'True')], context)).toMatchObject({
      ok: true,
      reason: 'Deployment dev/web is as expected',
    });
    const none = judgeAssert(spec, anyTarget, [deployment('db', 0, 'False'), deployment('web', 1, 'False')], context);
    expect(none.ok).toBe(false);
    expect(none.found?.[0]).toBe('Deployment dev/db (the closest of 2)');
    expect(judgeAssert(spec, anyTarget, [], context).reason).toBe('there is no Deployment in namespace dev');
  });

  it('checks a CEL expression over the object, with the variables', () => {
    const spec: AssertSpec = { ...available, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hero' } }, expression: { source: 'object.status.readyReplicas >= int(vars.MIN)', loc } };
    expect(judgeAssert(spec, target, [deployment('hero', 2, 'True')], context).ok).toBe(true);
    const low = judgeAssert(spec, target, [deployment('hero', 1, 'True')], context);
    expect(low).toMatchObject({ ok: false, reason: 'Deployment dev/hero: `object.status.readyReplicas >= int(vars.MIN)` is false' });
    expect(low.expected).toEqual(['Deployment hero in namespace dev with', '  `object.status.readyReplicas >= int(vars.MIN)`']);
  });

  it('reports an expression that cannot be evaluated on the live object', () => {
    const spec: AssertSpec = { ...available, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hero' } }, expression: { source: 'object.status.availableReplicas >= 2', loc } };
    expect(judgeAssert(spec, target, [deployment('hero', 1, 'True')], context).reason).toMatch(/^Deployment dev\/hero: `object.status.availableReplicas >= 2` cannot be evaluated on it: /);
  });

  it('error: passes when nothing matches, fails naming what matches', () => {
    const spec: AssertSpec = { kind: 'error', object: { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'dev' }, status: { phase: 'Failed' } } };
    const pods = { apiVersion: 'v1', kind: 'Pod', namespace: 'dev' };
    const pod = (name: string, phase: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'dev' }, status: { phase } });
    expect(judgeAssert(spec, pods, [], context)).toMatchObject({ ok: true, reason: 'a Pod in namespace dev does not exist, as it should not' });
    expect(judgeAssert(spec, pods, [pod('a', 'Running')], context)).toMatchObject({ ok: true, found: ['Pod dev/a (differs)'] });
    const failing = judgeAssert(spec, pods, [pod('a', 'Running'), pod('b', 'Failed')], context);
    expect(failing).toMatchObject({ ok: false, reason: 'Pod dev/b exists and matches, but it must not', found: ['Pod dev/b'] });
    expect(failing.expected).toEqual(['no Pod in namespace dev with', '  status.phase: "Failed"']);
  });

  it('error: a named object that must not exist', () => {
    const spec: AssertSpec = { kind: 'error', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old' } } };
    const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'old' };
    expect(judgeAssert(spec, ns, [], context).ok).toBe(true);
    expect(judgeAssert(spec, ns, [{ metadata: { name: 'old' } }], context)).toMatchObject({ ok: false, reason: 'Namespace old exists, but it must not' });
  });

  it('shows at most 8 differences', () => {
    const status = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i]));
    const spec: AssertSpec = { kind: 'assert', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, status } };
    const verdict = judgeAssert(spec, { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }, [{ metadata: { name: 'c' }, status: {} }], context);
    expect(verdict.found).toHaveLength(10);
    expect(verdict.found?.at(-1)).toBe('  … and 4 more');
  });
});

describe('Secrets', () => {
  it('never show the values of a Secret in expected or found', () => {
    const spec: AssertSpec = { kind: 'assert', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque', data: { password: 'c2VjcmV0', user: 'aGVybw==' } } };
    const verdict = judgeAssert(spec, { apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'dev' }, [{ metadata: { name: 'db', namespace: 'dev' }, type: 'Opaque', data: { password: 'd3Jvbmc=' } }], context);
    const text = JSON.stringify(verdict);
    for (const value of ['c2VjcmV0', 'aGVybw==', 'd3Jvbmc=']) expect(text).not.toContain(value);
    expect(verdict.expected).toEqual(['Secret db in namespace dev with', '  type: "Opaque"', '  data.password is set (value not shown)', '  data.user is set (value not shown)']);
    expect(verdict.found).toEqual([
      'Secret dev/db',
      '  data.password: differs from what the check expects (values of Secrets are not shown)',
      '  data.user: expected a value, but it is not set (values of Secrets are not shown)',
    ]);
  });
});

describe('assertTarget', () => {
  it('reads kind, name and namespace', () => {
    expect(assertTarget(available.object)).toEqual(target);
    expect(assertTarget({ apiVersion: 'v1', kind: 'Namespace' })).toEqual({ apiVersion: 'v1', kind: 'Namespace' });
  });
});

describe('fillVariables', () => {
  it('fills ${VAR} in every string, leaves unknown ones, keeps other values', () => {
    expect(fillVariables({ a: 'https://${HOST}/', b: ['${HOST}', 2, true], c: { d: '${NOPE}' } }, { HOST: 'hero.example.com' })).toEqual({
      a: 'https://hero.example.com/',
      b: ['hero.example.com', 2, true],
      c: { d: '${NOPE}' },
    });
    expect(unfilledVariables({ a: '${X} and ${Y}', b: ['${X}'] })).toEqual(['X', 'Y']);
  });
});
