// A watch through @kubernetes/client-node sees every change, in order (how fast: `npm run bench:checks`).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
const ns = uniqueName('watch');
const kc = new k8s.KubeConfig();
let core: k8s.CoreV1Api;

beforeAll(async () => {
  kc.loadFromFile(cluster.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  await ok(sandbox, 'kubectl', ['create', 'namespace', ns]);
});
afterAll(() => sandbox.cleanup());

it('sees every change, in order (7 writes)', async () => {
  const name = 'beacon';
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { n: '0' } } });
  const list = await core.listNamespacedConfigMap({ namespace: ns });

  const waiters = new Map<string, () => void>();
  const seen: string[] = [];
  const watch = new k8s.Watch(kc);
  let watchError: unknown;
  const controller = await watch.watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    { resourceVersion: list.metadata?.resourceVersion, fieldSelector: `metadata.name=${name}` },
    (type: string, obj: k8s.V1ConfigMap) => {
      const n = obj.data?.n ?? '';
      seen.push(`${type}:${n}`);
      waiters.get(n)?.();
    },
    (err: unknown) => {
      watchError = err;
    },
  );
  try {
    for (let i = 1; i <= 7; i++) {
      const n = String(i);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arrived = new Promise<void>((resolve, reject) => {
        waiters.set(n, resolve);
        // Generous, for a loaded machine: this is about the event arriving at all.
        timer = setTimeout(() => reject(new Error(`no watch event for n=${n} within 60 s (seen: ${seen.join(', ')})`)), 60_000);
      });
      await core.patchNamespacedConfigMap(
        { namespace: ns, name, body: { data: { n } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await arrived.finally(() => clearTimeout(timer));
    }
    expect(watchError).toBeUndefined();
    expect(seen).toEqual(['1', '2', '3', '4', '5', '6', '7'].map((n) => `MODIFIED:${n}`));
  } finally {
    controller.abort();
  }
});
