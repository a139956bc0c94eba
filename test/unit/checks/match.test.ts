import { describe, expect, it } from 'vitest';
import { describeExpectations, formatMismatch, inlineValue, matchObject } from '../../../src/checks/match.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hero', namespace: 'dev', labels: { app: 'hero', 'app.kubernetes.io/name': 'hero' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'hero', image: 'hero:0.1.0', ports: [{ containerPort: 8080 }] }] } } },
  status: {
    readyReplicas: 1,
    conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    ],
  },
};

const lines = (expected: unknown, actual: unknown = deployment) => matchObject(expected, actual).map((m) => formatMismatch(m));

describe('matchObject', () => {
  it.each([
    ['fields not listed are ignored', { metadata: { name: 'hero' } }],
    ['nested scalars', { spec: { replicas: 2 } }],
    ['numbers by value', { spec: { replicas: 2.0 } }],
    ['a listed list element matches some live element, in any order', { status: { conditions: [{ type: 'Progressing', status: 'True' }] } }],
    ['several listed elements', { status: { conditions: [{ type: 'Available' }, { type: 'Progressing' }] } }],
    ['elements deep in lists', { spec: { template: { spec: { containers: [{ ports: [{ containerPort: 8080 }] }] } } } }],
    ['labels with dots and slashes', { metadata: { labels: { 'app.kubernetes.io/name': 'hero' } } }],
    ['null means absent', { spec: { paused: null } }],
    ['an empty object only asks the field to be there', { status: {} }],
    ['an empty list asks nothing of the elements', { status: { conditions: [] } }],
  ])('matches: %s', (_, expected) => {
    expect(matchObject(expected, deployment)).toEqual([]);
  });

  it('says which scalar differs, with the path', () => {
    expect(lines({ spec: { replicas: 3 } })).toEqual(['spec.replicas: expected 3, found 2']);
  });

  it('compares strictly: "2" is not 2, "true" is not true', () => {
    expect(lines({ spec: { replicas: '2' } })).toEqual(['spec.replicas: expected "2", found 2']);
    expect(lines({ spec: { paused: true } }, { spec: { paused: 'true' } })).toEqual(['spec.paused: expected true, found "true"']);
  });

  it('reports a missing field', () => {
    expect(lines({ status: { availableReplicas: 2 } })).toEqual(['status.availableReplicas: expected 2, but it is not set']);
  });

  it('reports a field that must be absent', () => {
    expect(lines({ status: { readyReplicas: null } })).toEqual(['status.readyReplicas: expected it not to be set, found 1']);
  });

  it('points into the list element with the same type, with its reason and message', () => {
    expect(lines({ status: { conditions: [{ type: 'Available', status: 'True' }] } })).toEqual([
      'status.conditions[type=Available].status: expected "True", found "False" (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
    ]);
  });

  it('shows a controller\'s long, multi-line condition message on one line, cut short', () => {
    const chain = `Failed to register ACME account:\n  ${'Get "https://acme.example/dir": dial tcp: lookup acme.example: no such host; '.repeat(20)}`;
    const [line] = lines({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ErrRegisterACMEAccount', message: chain }] } });
    expect(line).toMatch(/^status\.conditions\[type=Ready\]\.status: expected "True", found "False" \(ErrRegisterACMEAccount: Failed to register ACME account: Get "https:\/\/acme\.example\/dir"/);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/…\)$/);
    expect(line!.length).toBeLessThan(520);
  });

  it('names the live elements when no element is like the listed one', () => {
    expect(lines({ status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toEqual([
      'status.conditions: expected an element like {type: "Ready", status: "True"}; found 2 elements: type=Progressing True, type=Available False',
    ]);
  });

  it('says when the live list is empty or a list is not a list', () => {
    expect(lines({ status: { conditions: [{ type: 'Ready' }] } }, { status: { conditions: [] } })).toEqual([
      'status.conditions: expected an element like {type: "Ready"}; the list is empty',
    ]);
    expect(lines({ spec: { ports: [{ port: 80 }] } }, { spec: { ports: 'eighty' } })).toEqual(['spec.ports: expected a list, found "eighty"']);
  });

  it('uses brackets for keys that are not identifiers', () => {
    expect(lines({ metadata: { labels: { 'app.kubernetes.io/name': 'villain' } } })).toEqual([
      'metadata.labels["app.kubernetes.io/name"]: expected "villain", found "hero"',
    ]);
  });

  it('lists every difference', () => {
    expect(lines({ spec: { replicas: 3 }, metadata: { labels: { app: 'x' } } })).toHaveLength(2);
  });
});

describe('inlineValue', () => {
  it('writes values YAML-flow-like and cuts long ones', () => {
    expect(inlineValue({ type: 'Ready', status: 'True', n: 2, ok: true, list: [1, 'a'] })).toBe('{type: "Ready", status: "True", n: 2, ok: true, list: [1, "a"]}');
    expect(inlineValue('x'.repeat(50), 20)).toBe(`"${'x'.repeat(18)}…`);
    expect(inlineValue(undefined)).toBe('nothing');
  });
});

describe('describeExpectations', () => {
  it('lists leaf expectations, leaving out apiVersion, kind, name and namespace', () => {
    expect(
      describeExpectations({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'hero', namespace: 'dev', labels: { app: 'hero' } },
        spec: { dnsNames: ['hero.example.com'] },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ).toEqual(['metadata.labels.app: "hero"', 'spec.dnsNames has "hero.example.com"', 'status.conditions has {type: "Ready", status: "True"}']);
  });

  it('is empty when only the object is named', () => {
    expect(describeExpectations({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } })).toEqual([]);
  });
});
