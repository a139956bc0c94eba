// A CRD with a status subresource: create an object, patch its status, read it back
// through @kubernetes/client-node.
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { fixturesDir, ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

const group = 'hero-journey.test';
const version = 'v1';
const plural = 'quests';
const ns = uniqueName('crd');
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

interface Quest {
  metadata: { name: string; generation?: number };
  spec: { title: string; level?: number };
  status?: { phase?: string; progress?: number };
}

let api: k8s.CustomObjectsApi;

beforeAll(async () => {
  await ok(sandbox, 'kubectl', ['apply', '-f', path.join(fixturesDir, 'manifests', 'quest-crd.yaml')]);
  await ok(sandbox, 'kubectl', ['wait', '--for=condition=Established', `crd/${plural}.${group}`, '--timeout=30s']);
  await ok(sandbox, 'kubectl', ['create', 'namespace', ns]);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  api = kc.makeApiClient(k8s.CustomObjectsApi);
});

it('kubectl applies a custom object that client-node reads back', async () => {
  await ok(sandbox, 'kubectl', ['apply', '-n', ns, '-f', path.join(fixturesDir, 'manifests', 'quest.yaml')]);
  const quest = (await api.getNamespacedCustomObject({ group, version, namespace: ns, plural, name: 'first-quest' })) as Quest;
  expect(quest.spec).toEqual({ title: 'Deploy the first app', level: 1 });
  expect(quest.status).toBeUndefined();
});

it('patches status through the status subresource and reads it back', async () => {
  const name = 'second-quest';
  await api.createNamespacedCustomObject({
    group,
    version,
    namespace: ns,
    plural,
    body: { apiVersion: `${group}/${version}`, kind: 'Quest', metadata: { name }, spec: { title: 'Scale it', level: 2 } },
  });

  // Writing status through the main resource is ignored when the status subresource is on.
  await api.patchNamespacedCustomObject(
    { group, version, namespace: ns, plural, name, body: { status: { phase: 'Done' } } },
    mergePatch,
  );
  let quest = (await api.getNamespacedCustomObject({ group, version, namespace: ns, plural, name })) as Quest;
  expect(quest.status?.phase).toBeUndefined();

  const patched = (await api.patchNamespacedCustomObjectStatus(
    { group, version, namespace: ns, plural, name, body: { status: { phase: 'Started', progress: 40 } } },
    mergePatch,
  )) as Quest;
  expect(patched.status).toEqual({ phase: 'Started', progress: 40 });

  quest = (await api.getNamespacedCustomObjectStatus({ group, version, namespace: ns, plural, name })) as Quest;
  expect(quest.status).toEqual({ phase: 'Started', progress: 40 });
  expect(quest.metadata.generation).toBe(1); // status writes do not bump the generation

  const phase = await ok(sandbox, 'kubectl', ['get', '-n', ns, 'quest', name, '-o', 'jsonpath={.status.phase}']);
  expect(phase).toBe('Started');

  // The schema is enforced on the status too.
  await expect(
    api.patchNamespacedCustomObjectStatus(
      { group, version, namespace: ns, plural, name, body: { status: { phase: 'Lost' } } },
      mergePatch,
    ),
  ).rejects.toMatchObject({ code: 422 });
});
