// The local control plane is a real Kubernetes: its own version, a fake node kwok keeps Ready.
import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_NODE_NAME } from '../cluster/cluster.ts';
import { getTestCluster } from '../cluster/testenv.ts';
import { ok } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

describe('local control plane', () => {
  it('serves /version stamped with the built Kubernetes release', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(version.gitTreeState).toBe('clean');

    const kubectl = JSON.parse(await ok(sandbox, 'kubectl', ['version', '-o', 'json'])) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(kubectl.serverVersion.gitVersion).toBe(version.gitVersion);
    expect(kubectl.clientVersion.gitVersion).toBe(version.gitVersion);
  });

  it('runs kubectl and helm from the cache, not from the developer machine', async () => {
    expect((await ok(sandbox, 'sh', ['-c', 'command -v kubectl'])).trim()).toBe(`${cluster.binDir}/kubectl`);
    expect(await ok(sandbox, 'helm', ['version', '--short'])).toMatch(/^v3\.\d+\.\d+/);
    expect(sandbox.env.HOME).not.toBe(process.env.HOME);
  });

  it('has one fake node, Ready, untainted, with allocatable resources', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const node = await kc.makeApiClient(k8s.CoreV1Api).readNode({ name: FAKE_NODE_NAME });
    expect(node.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
    expect(node.spec?.taints ?? []).toEqual([]);
    expect(node.status?.allocatable).toMatchObject({ cpu: '32', pods: '110' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });
});
