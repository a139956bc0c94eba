// Every workload in a namespace is ready: Deployments available and rolled out, StatefulSets and
// DaemonSets with all their Pods ready.
import { defineCheck, type KubeObject } from 'hero-journey/check';

type Status = Record<string, number | undefined>;

function notReady(kind: string, object: KubeObject): string | undefined {
  const name = `${kind.toLowerCase()}/${object.metadata?.name}`;
  const spec = (object.spec ?? {}) as { replicas?: number };
  const status = (object.status ?? {}) as Status & { conditions?: Array<{ type: string; status: string }> };
  if (kind === 'Deployment') {
    const wanted = spec.replicas ?? 1;
    const available = status.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    if (!available || (status.updatedReplicas ?? 0) < wanted) return `${name} ${status.availableReplicas ?? 0}/${wanted} available`;
  } else if (kind === 'StatefulSet') {
    const wanted = spec.replicas ?? 1;
    if ((status.readyReplicas ?? 0) < wanted) return `${name} ${status.readyReplicas ?? 0}/${wanted} ready`;
  } else {
    const wanted = status.desiredNumberScheduled ?? 0;
    if (wanted === 0 || (status.numberReady ?? 0) < wanted) return `${name} ${status.numberReady ?? 0}/${wanted} ready`;
  }
  return undefined;
}

export default defineCheck<{ namespace?: string }>({
  id: 'workloads-ready',
  title: 'The workloads of a namespace are ready',
  reads: [
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  ],
  async run({ kube, args, helpers }) {
    const namespace = String(args.namespace ?? '').trim();
    if (!namespace) return helpers.fail('the argument `namespace` is empty');
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
    const lists = await Promise.all(kinds.map((kind) => kube.list({ apiVersion: 'apps/v1', kind, namespace })));
    const all = kinds.flatMap((kind, i) => lists[i]!.map((object) => ({ kind, object })));
    if (all.length === 0) return helpers.fail(`namespace ${namespace} has no Deployments, StatefulSets or DaemonSets yet`);
    const waiting = all.map(({ kind, object }) => notReady(kind, object)).filter((w): w is string => w !== undefined);
    if (waiting.length > 0) {
      return helpers.fail(`${waiting.length} of ${all.length} workloads in ${namespace} are not ready: ${waiting.join(', ')}`, {
        hint: `\`kubectl get pods -n ${namespace}\` shows which Pods are not ready; \`kubectl describe pod\` tells why`,
      });
    }
    return helpers.pass(`all ${all.length} workloads in ${namespace} are ready`);
  },
});
