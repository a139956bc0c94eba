// helm install of the local fixture chart: release deployed, its Deployment Available.
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { fixturesDir, ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

it('helm install deploys the local chart and its Deployment becomes Available', async () => {
  const ns = uniqueName('helm');
  const chart = path.join(fixturesDir, 'chart');
  await ok(sandbox, 'helm', ['install', 'hero', chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '90s'], {
    timeoutMs: 120_000,
  });

  const status = JSON.parse(await ok(sandbox, 'helm', ['status', 'hero', '-n', ns, '-o', 'json'])) as {
    info: { status: string };
    version: number;
  };
  expect(status.info.status).toBe('deployed');
  expect(status.version).toBe(1);

  const releases = JSON.parse(await ok(sandbox, 'helm', ['list', '-n', ns, '-o', 'json'])) as {
    name: string;
    status: string;
    chart: string;
  }[];
  expect(releases).toEqual([expect.objectContaining({ name: 'hero', status: 'deployed', chart: 'hero-hello-0.1.0' })]);

  await ok(sandbox, 'kubectl', ['wait', '-n', ns, '--for=condition=Available', 'deployment/hero-hero-hello', '--timeout=60s']);
  const replicas = await ok(sandbox, 'kubectl', ['get', '-n', ns, 'deployment/hero-hero-hello', '-o', 'jsonpath={.status.availableReplicas}']);
  expect(replicas).toBe('2');
  const message = await ok(sandbox, 'kubectl', ['get', '-n', ns, 'configmap/hero-hero-hello', '-o', 'jsonpath={.data.message}']);
  expect(message).toBe('hello from hero-journey');
});
