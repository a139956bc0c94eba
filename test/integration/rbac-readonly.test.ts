// A minted read-only user (ClusterRole with get/list/watch) can read but not create.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getTestCluster, type Sandbox } from '../cluster/testenv.ts';
import { eventually, ok, run, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const admin = cluster.sandbox();
const ns = uniqueName('rbac');
const role = uniqueName('hero-reader');
const user = uniqueName('reader');
let reader: Sandbox;

beforeAll(async () => {
  await ok(admin, 'kubectl', ['create', 'namespace', ns]);
  await ok(admin, 'kubectl', ['create', 'configmap', 'greeting', '-n', ns, '--from-literal=hello=world']);
  await ok(admin, 'kubectl', ['create', 'clusterrole', role, '--verb=get,list,watch',
    '--resource=pods,configmaps,services,namespaces,deployments.apps']);
  await ok(admin, 'kubectl', ['create', 'clusterrolebinding', role, `--clusterrole=${role}`, '--group=hero:readers']);
  reader = cluster.sandbox(cluster.mintUser(user, ['hero:readers']));
  // RBAC is read through an informer: wait until the binding is in effect.
  await eventually('the binding to take effect', async () =>
    (await run(reader, 'kubectl', ['auth', 'can-i', 'list', 'configmaps', '-n', ns])).stdout.trim() === 'yes');
});
afterAll(() => {
  admin.cleanup();
  reader?.cleanup();
});

it('the minted user is who the API server thinks it is', async () => {
  const whoami = JSON.parse(await ok(reader, 'kubectl', ['auth', 'whoami', '-o', 'json'])) as {
    status: { userInfo: { username: string; groups: string[] } };
  };
  expect(whoami.status.userInfo.username).toBe(user);
  expect(whoami.status.userInfo.groups).toContain('hero:readers');
});

it('can get, list and watch', async () => {
  expect(await ok(reader, 'kubectl', ['get', 'configmap', 'greeting', '-n', ns, '-o', 'jsonpath={.data.hello}'])).toBe('world');
  expect(await ok(reader, 'kubectl', ['get', 'pods', '-A', '-o', 'name'])).toBeDefined();
  expect((await run(reader, 'kubectl', ['auth', 'can-i', 'watch', 'deployments.apps', '-n', ns])).stdout.trim()).toBe('yes');
});

it('gets 403 Forbidden on create, from kubectl and from client-node', async () => {
  const res = await run(reader, 'kubectl', ['create', 'configmap', 'nope', '-n', ns, '--from-literal=a=b']);
  expect(res.code).not.toBe(0);
  expect(res.stderr).toMatch(/forbidden/i);
  expect(res.stderr).toContain(`User "${user}" cannot create resource "configmaps"`);

  const kc = new k8s.KubeConfig();
  kc.loadFromFile(reader.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedConfigMap({ namespace: ns });
  expect(list.items.map((cm) => cm.metadata?.name)).toContain('greeting');
  await expect(
    core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'nope' }, data: { a: 'b' } } }),
  ).rejects.toMatchObject({ code: 403 });
  expect((await run(reader, 'kubectl', ['auth', 'can-i', 'create', 'configmaps', '-n', ns])).stdout.trim()).toBe('no');
});
