import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigFiles, mergeKubeconfigs, readKubeconfigFile, resolveKubeconfig, selectContext } from '../../../src/kube/kubeconfig.ts';
import { isKubeError } from '../../../src/kube/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hj-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const one = file(
  'one.yaml',
  `apiVersion: v1
kind: Config
current-context: kind-hero
clusters:
  - name: kind-hero
    cluster: { server: https://127.0.0.1:6443, certificate-authority: pki/ca.crt }
users:
  - name: hero-admin
    user: { client-certificate: pki/admin.crt, client-key: /abs/admin.key, exec: { command: ./bin/login, apiVersion: client.authentication.k8s.io/v1 } }
contexts:
  - name: kind-hero
    context: { cluster: kind-hero, user: hero-admin, namespace: dev }
`,
);
const two = file(
  'sub/two.yaml',
  `apiVersion: v1
kind: Config
current-context: other
clusters:
  - name: kind-hero
    cluster: { server: https://shadowed:1 }
  - name: other
    cluster: { server: https://other.example.com }
users:
  - name: other-user
    user: { token: abc }
contexts:
  - name: other
    context: { cluster: other, user: other-user }
`,
);
const overlay = file('overlay.yaml', 'apiVersion: v1\nkind: Config\ncurrent-context: "other"\n');

describe('kubeconfigFiles', () => {
  it('follows kubectl: --kubeconfig, else $KUBECONFIG (a list), else ~/.kube/config', () => {
    expect(kubeconfigFiles({ kubeconfig: 'k.yaml', env: { KUBECONFIG: 'x' }, cwd: '/w' })).toEqual({ files: ['/w/k.yaml'], explicit: true });
    expect(kubeconfigFiles({ env: { KUBECONFIG: `/a${delimiter}${delimiter}/b` }, cwd: '/w' }).files).toEqual(['/a', '/b']);
    expect(kubeconfigFiles({ env: { HOME: '/home/hero' }, cwd: '/w' }).files).toEqual(['/home/hero/.kube/config']);
  });
});

describe('mergeKubeconfigs', () => {
  it('lets the first file win for current-context and for names, and makes paths absolute per file', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const merged = mergeKubeconfigs([one, two].map((f) => ({ file: f, data: parse(readFileSync(f, 'utf8')) })));
    expect(merged['current-context']).toBe('kind-hero');
    expect(merged.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
      ['kind-hero', 'https://127.0.0.1:6443'],
      ['other', 'https://other.example.com'],
    ]);
    expect(merged.clusters[0]!.cluster['certificate-authority']).toBe(join(dir, 'pki/ca.crt'));
    expect(merged.users[0]!.user['client-certificate']).toBe(join(dir, 'pki/admin.crt'));
    expect(merged.users[0]!.user['client-key']).toBe('/abs/admin.key');
    expect((merged.users[0]!.user.exec as { command: string }).command).toBe(join(dir, 'bin/login'));
  });
});

describe('resolveKubeconfig', () => {
  it('reads a KUBECONFIG list, skipping missing files', async () => {
    const resolved = await resolveKubeconfig({ env: { KUBECONFIG: [join(dir, 'missing.yaml'), one, two].join(delimiter) }, cwd: dir });
    expect(resolved).toMatchObject({ context: 'kind-hero', cluster: 'kind-hero', user: 'hero-admin', server: 'https://127.0.0.1:6443', namespace: 'dev' });
    expect(resolved.files).toEqual([one, two]);
  });

  it('applies --context, and an overlay that only sets current-context (as steps get for --context)', async () => {
    expect((await resolveKubeconfig({ context: 'other', env: { KUBECONFIG: [one, two].join(delimiter) }, cwd: dir })).server).toBe('https://other.example.com');
    const viaOverlay = await resolveKubeconfig({ env: { KUBECONFIG: [overlay, one, two].join(delimiter) }, cwd: dir });
    expect(viaOverlay).toMatchObject({ context: 'other', namespace: 'default' });
  });

  it('explains a missing kubeconfig, a missing --kubeconfig file and an unknown context', async () => {
    const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const none = await error(resolveKubeconfig({ env: { HOME: join(dir, 'nohome') }, cwd: dir }));
    expect(isKubeError(none) && none.code).toBe('config');
    expect((none as Error).message).toMatch(/^no kubeconfig found: .*nohome\/\.kube\/config does not exist$/);
    expect((none as { hint: string }).hint).toContain('kind create cluster');
    const explicit = await error(resolveKubeconfig({ kubeconfig: 'nope.yaml', env: {}, cwd: dir }));
    expect((explicit as Error).message).toMatch(/nope\.yaml: the file does not exist/);
    const context = await error(resolveKubeconfig({ context: 'prod', env: { KUBECONFIG: one }, cwd: dir }));
    expect((context as Error).message).toBe(`context "prod" is not in your kubeconfig (${one}); its contexts are: kind-hero`);
    expect((context as { hint: string }).hint).toContain('--context kind-hero');
  });

  it('explains a context whose cluster is missing and a config without current context', () => {
    const config = { apiVersion: 'v1' as const, kind: 'Config' as const, clusters: [], users: [], contexts: [{ name: 'a', context: { cluster: 'gone' } }] };
    expect(() => selectContext(config, ['f'], 'a')).toThrow('context "a" points at cluster "gone", which your kubeconfig does not define');
    expect(() => selectContext(config, ['f'])).toThrow('your kubeconfig (f) names no current context');
  });
});

describe('readKubeconfigFile', () => {
  it('parses a file once while it is unchanged, and again as soon as it changes', async () => {
    const path = file('memo.yaml', 'current-context: a\ncontexts: []\n');
    const first = await readKubeconfigFile(path);
    expect(first).toEqual({ data: { 'current-context': 'a', contexts: [] } });
    expect(await readKubeconfigFile(path)).toBe(first);
    writeFileSync(path, 'current-context: bb\ncontexts: []\n');
    expect(await readKubeconfigFile(path)).toEqual({ data: { 'current-context': 'bb', contexts: [] } });
    // Same size, later modification time: read again too.
    writeFileSync(path, 'current-context: cc\ncontexts: []\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(await readKubeconfigFile(path)).toEqual({ data: { 'current-context': 'cc', contexts: [] } });
  });

  it('says why a file cannot be used: missing, or not YAML (first line of the parser\'s message only)', async () => {
    expect(await readKubeconfigFile(join(dir, 'nope.yaml'))).toMatchObject({ code: 'ENOENT' });
    const broken = await readKubeconfigFile(file('broken.yaml', 'clusters: [\n  - a: b\n'));
    expect(broken).toHaveProperty('yamlError');
    expect((broken as { yamlError: string }).yamlError).not.toContain('\n');
  });
});
