import { describe, expect, test } from 'vitest';
import { parseClassroomConfig } from '../../../src/classroom/config.ts';
import type { Journey } from '../../../src/journey/model.ts';
import { adoptionPlan, adoptMirror, mirrorConfigMap, mirrorName, mirrorOf, parseMirror, valueLooksSecret } from '../../../src/classroom/mirror.ts';
import { nameLooksSecret } from '../../../src/state/progress.ts';
import { newProgress, type Progress } from '../../../src/state/progress.ts';

const at = '2026-01-02T03:04:05.000Z';

function played(): Progress {
  const progress = newProgress('hero-development', '/home/learner/hero', new Date(at));
  progress.current = 'https';
  progress.choices = { 'build-image': { choice: 'kbld', at } };
  progress.steps = { 'setup#step-1': { status: 'done', at, exitCode: 0 }, 'setup#step-2': { status: 'skipped', at } };
  progress.checks = { setup: { status: 'passed', at }, registry: { status: 'skipped', at, reason: '1 check: 1 failed' } };
  progress.history = [
    { chapter: 'setup', at, outcome: 'completed' },
    { chapter: 'build-image', at, outcome: 'completed' },
    { chapter: 'https', at },
  ];
  const v = (value: string, extra: Partial<Progress['vars'][string]> = {}) => ({ value, source: 'capture' as const, secret: false, at, ...extra });
  progress.vars = {
    DOMAIN: v('hero.127.0.0.1.nip.io', { source: 'input' }),
    NAMESPACE: v('dev'),
    IMAGE: v('registry.example.com/hero@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'),
    DB_PASSWORD: v('hunter2'),
    EMAIL: v('hero@example.com', { source: 'input' }),
    REGISTRY_PASS: v('s3cr3t-typed', { source: 'input', secret: true }),
    KUBE_TOKEN: v('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ'),
    LICENSE: v('AbCdEfGh1234567890XyZqWe'),
    GITHUB: v('ghp_abcdefghijklmnopqrstuvwxyz0123456789'),
    DB_URL: v('postgres://hero:pa55word@db:5432/hero'),
    CA: v('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'),
  };
  return progress;
}

describe('mirrorOf', () => {
  const mirror = mirrorOf(played(), { attendee: 'Alice' });
  const text = JSON.stringify(mirrorConfigMap(mirror));

  test('keeps position, choices, steps, checks and history with their times', () => {
    expect(mirror).toMatchObject({
      schemaVersion: 1,
      journeyId: 'hero-development',
      attendee: 'Alice',
      current: 'https',
      finished: false,
      choices: { 'build-image': { choice: 'kbld', at } },
      steps: { 'setup#step-1': { status: 'done', at }, 'setup#step-2': { status: 'skipped', at } },
      checks: { setup: { status: 'passed', at }, registry: { status: 'skipped', at, reason: '1 check: 1 failed' } },
      history: [{ chapter: 'setup', outcome: 'completed' }, { chapter: 'build-image' }, { chapter: 'https' }],
    });
  });

  test('shares plain settings and withholds secret inputs and anything that looks like a credential', () => {
    expect(mirror.vars).toEqual({
      DOMAIN: 'hero.127.0.0.1.nip.io',
      NAMESPACE: 'dev',
      IMAGE: 'registry.example.com/hero@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      EMAIL: 'hero@example.com',
    });
    expect(mirror.withheld).toEqual(['CA', 'DB_PASSWORD', 'DB_URL', 'GITHUB', 'KUBE_TOKEN', 'LICENSE', 'REGISTRY_PASS']);
    for (const secret of ['hunter2', 's3cr3t-typed', 'eyJhbGci', 'AbCdEfGh1234567890XyZqWe', 'ghp_', 'pa55word', 'BEGIN CERTIFICATE']) {
      expect(text).not.toContain(secret);
    }
  });

  test('never carries the workspace path of the learner\'s machine', () => {
    expect(text).not.toContain('/home/learner');
  });
});

describe('the ConfigMap', () => {
  test('is named after the journey, labelled, and holds the mirror as JSON', () => {
    const cm = mirrorConfigMap(mirrorOf(played()), 'team-7');
    expect(cm.metadata).toMatchObject({
      name: 'hero-journey-progress-hero-development',
      namespace: 'team-7',
      labels: { 'app.kubernetes.io/managed-by': 'hero-journey', 'hero-journey.dev/journey': 'hero-development' },
    });
    expect(parseMirror(cm)).toEqual({ mirror: mirrorOf(played()) });
  });

  test.each([
    ['Hero Development!', 'hero-journey-progress-hero-development'],
    ['__x__', 'hero-journey-progress-x'],
    ['', 'hero-journey-progress-journey'],
  ])('name for journey id %j is %s', (id, name) => {
    expect(mirrorName(id)).toBe(name);
  });

  test.each([
    [undefined, /no progress\.json/],
    [{ data: { 'progress.json': '{nope' } }, /not valid JSON/],
    [{ data: { 'progress.json': '[]' } }, /not a JSON object/],
    [{ data: { 'progress.json': '{"schemaVersion":99,"journeyId":"x"}' } }, /schema 99/],
    [{ data: { 'progress.json': '{"schemaVersion":1}' } }, /names no journey/],
  ])('a damaged mirror is a problem, not a crash: %j', (configMap, problem) => {
    const parsed = parseMirror(configMap);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  test('parsing drops entries of the wrong shape (the cluster is not trusted)', () => {
    const parsed = parseMirror({
      data: {
        'progress.json': JSON.stringify({
          schemaVersion: 1,
          journeyId: 'j',
          choices: { a: { choice: 'x', at }, b: { choice: 3 }, c: 'nope' },
          steps: { 's#1': { status: 'done', at }, 's#2': { status: 'exploded' } },
          history: [{ chapter: 'a', at, outcome: 'completed' }, { chapter: 7 }, 'x', { chapter: 'b', outcome: 'weird' }],
          vars: { A: 'a', B: 2 },
          withheld: ['X', 5],
        }),
      },
    });
    expect('mirror' in parsed && parsed.mirror).toMatchObject({
      choices: { a: { choice: 'x' } },
      steps: { 's#1': { status: 'done' } },
      history: [{ chapter: 'a', outcome: 'completed' }, { chapter: 'b' }],
      vars: { A: 'a' },
      withheld: ['X'],
    });
  });
});

test('adopting a mirror on a fresh machine restores the position and shared variables, not secrets', () => {
  const mirror = mirrorOf(played());
  const fresh = newProgress('hero-development', '/elsewhere');
  // Just what adoption reads of a journey: its chapters, choices, inputs and steps' exports.
  const chapter = (choices: string[], exports: string[] = []) => ({ choices: choices.map((id) => ({ id })), inputs: [], steps: [{ exports }] });
  const journey = {
    inputs: [{ name: 'DOMAIN' }, { name: 'EMAIL' }],
    chapters: new Map([['setup', chapter([], ['NAMESPACE', 'IMAGE'])], ['build-image', chapter(['kbld'])], ['https', chapter([])]]),
  } as unknown as Journey;
  adoptMirror(fresh, mirror, journey, adoptionPlan(journey, mirror), new Date(at));
  expect(fresh).toMatchObject({ current: 'https', finished: false, workspace: '/elsewhere', choices: { 'build-image': { choice: 'kbld' } } });
  expect(fresh.history).toHaveLength(3);
  expect(Object.keys(fresh.vars).sort()).toEqual(['DOMAIN', 'EMAIL', 'IMAGE', 'NAMESPACE']);
  expect(fresh.steps['setup#step-1']).toEqual({ status: 'done', at });
});

describe('what looks like a credential', () => {
  test.each(['API_TOKEN', 'db_password', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'GPG_PASSPHRASE', 'SESSION_COOKIE', 'X_API_KEY'])('name %s', (name) => {
    expect(nameLooksSecret(name)).toBe(true);
  });
  test.each(['DOMAIN', 'NAMESPACE', 'AUTHOR', 'IMAGE_TAG', 'GCP_CREDENTIALS_FILE', 'TOKEN_PATH'])('name %s is a plain setting', (name) => {
    expect(nameLooksSecret(name)).toBe(false);
  });
  test.each([
    ['hero.127.0.0.1.nip.io', false],
    ['https://github.com/hero/hero', false],
    ['0.1.0', false],
    ['ghcr.io/hero/app:0.1.0', false],
    ['sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', false],
    ['kind-hero', false],
    ['a sentence with Mixed Case words and 123 numbers', false],
    ['AKIAIOSFODNN7EXAMPLE', true],
    ['https://user:pass@example.com/x', true],
    ['Zq8fXw2LmP4rT9vB1nK7sD3hJ6', true],
    ['x'.repeat(600), true],
    ['dGhpcyBpcyBhIGxvbmcgYmFzZTY0IGJsb2Igb2YgYnl0ZXMgdGhhdCBnb2VzIG9u', true],
  ])('value %j: %s', (value, expected) => {
    expect(valueLooksSecret(value)).toBe(expected);
  });
});

describe('config.yaml', () => {
  test('defaults, and the classroom keys', async () => {
    await expect(parseClassroomConfig('', 'c.yaml')).resolves.toEqual({ sync: true, namespace: 'hero-journey' });
    await expect(parseClassroomConfig('sync: false\nattendee: " Alice "\nsyncNamespace: team-7\nother: kept-for-others\n', 'c.yaml')).resolves.toEqual({
      sync: false,
      attendee: 'Alice',
      namespace: 'team-7',
    });
  });
  test('reports every problem at once, with the file', async () => {
    await expect(parseClassroomConfig('sync: maybe\nsyncNamespace: Not_Valid\nattendee: 3\n', '/x/config.yaml')).rejects.toThrow(
      /\/x\/config\.yaml has 3 problems:\n {2}"sync" must be true or false, not "maybe"\n {2}"attendee" must be a name.*\n {2}"syncNamespace" must be a Kubernetes namespace name/,
    );
    await expect(parseClassroomConfig('- a list\n', 'c.yaml')).rejects.toThrow(/must be a YAML map/);
    await expect(parseClassroomConfig('a: [\n', 'c.yaml')).rejects.toThrow(/not valid YAML/);
  });
});
