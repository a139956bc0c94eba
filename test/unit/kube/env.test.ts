import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { kubeEnvironment } from '../../../src/kube/env.ts';

// A kubeconfig with two contexts, current-context "first".
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: https://127.0.0.1:1 }
- name: b
  cluster: { server: https://127.0.0.1:2 }
users:
- name: u
  user: {}
contexts:
- name: first
  context: { cluster: a, user: u }
- name: second
  context: { cluster: b, user: u }
current-context: first
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hj-kubeenv-'));
  await writeFile(join(dir, 'config'), kubeconfig);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What the real kubectl makes of an environment. */
function kubectlContext(env: Record<string, string>): string {
  return execFileSync('kubectl', ['config', 'current-context'], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, encoding: 'utf8' }).trim();
}

describe('kubeEnvironment', () => {
  test('without flags, steps keep the environment kubectl already reads', async () => {
    expect(await kubeEnvironment({ cwd: dir, env: { KUBECONFIG: join(dir, 'config') }, scratchDir: join(dir, 's') })).toEqual({});
  });

  test('--kubeconfig replaces $KUBECONFIG, resolved from the current folder', async () => {
    const env = await kubeEnvironment({ kubeconfig: 'config', cwd: dir, env: { KUBECONFIG: '/elsewhere' }, scratchDir: join(dir, 's') });
    expect(env).toEqual({ KUBECONFIG: join(dir, 'config') });
    expect(kubectlContext(env)).toBe('first');
  });

  test('--context switches kubectl to that context without editing the learner\'s file', async () => {
    const before = await readFile(join(dir, 'config'), 'utf8');
    const env = await kubeEnvironment({ context: 'second', cwd: dir, env: { KUBECONFIG: join(dir, 'config') }, scratchDir: join(dir, 's') });
    expect(env.KUBECONFIG?.split(delimiter)).toEqual([join(dir, 's', 'context-overlay.kubeconfig'), join(dir, 'config')]);
    expect(kubectlContext(env)).toBe('second');
    expect(await readFile(join(dir, 'config'), 'utf8')).toBe(before);
  });

  test('--context with no KUBECONFIG uses ~/.kube/config, as kubectl does', async () => {
    const env = await kubeEnvironment({ context: 'second', cwd: dir, env: { HOME: '/home/learner' }, scratchDir: join(dir, 's') });
    expect(env.KUBECONFIG?.split(delimiter)[1]).toBe('/home/learner/.kube/config');
  });
});
