// kubectl apply of a Deployment: controllers, scheduler and kwok make it Available.
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FAKE_NODE_NAME } from '../cluster/cluster.ts';
import { getTestCluster } from '../cluster/testenv.ts';
import { fixturesDir, ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

it('kubectl apply makes a Deployment Available with Running pods on the fake node', async () => {
  const ns = uniqueName('kubectl');
  await ok(sandbox, 'kubectl', ['create', 'namespace', ns]);
  const applied = await ok(sandbox, 'kubectl', ['apply', '-n', ns, '-f', path.join(fixturesDir, 'manifests', 'deployment.yaml')]);
  expect(applied).toContain('deployment.apps/hero-web created');

  await ok(sandbox, 'kubectl', ['wait', '-n', ns, '--for=condition=Available', 'deployment/hero-web', '--timeout=60s']);
  const deploy = JSON.parse(await ok(sandbox, 'kubectl', ['get', '-n', ns, 'deployment/hero-web', '-o', 'json'])) as {
    status: { availableReplicas?: number; readyReplicas?: number };
  };
  expect(deploy.status.availableReplicas).toBe(3);
  expect(deploy.status.readyReplicas).toBe(3);

  const pods = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'pods', '-n', ns, '-l', 'app=hero-web', '-o', 'json'])) as {
    items: { spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }[];
  };
  expect(pods.items).toHaveLength(3);
  for (const pod of pods.items) {
    expect(pod.spec.nodeName).toBe(FAKE_NODE_NAME);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.podIP).toBeTruthy();
  }
});
