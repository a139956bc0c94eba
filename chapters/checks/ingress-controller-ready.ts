// The ingress controller serves: its Service exists, has a ready endpoint, and has an address
// (the LoadBalancer's, or the one the learner gave, e.g. 127.0.0.1 with k3d port mappings).
import { defineCheck } from 'hero-journey/check';

interface Args extends Record<string, unknown> {
  namespace?: string;
  service?: string;
  address?: string;
}

export default defineCheck<Args>({
  id: 'ingress-controller-ready',
  title: 'The ingress controller is ready',
  reads: [
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  ],
  async run({ kube, args, helpers }) {
    const namespace = String(args.namespace ?? '').trim();
    const name = String(args.service ?? '').trim();
    const address = String(args.address ?? 'auto').trim() || 'auto';
    if (!namespace) return helpers.fail('the argument `namespace` is empty: it names the namespace of the ingress controller\'s Service');
    if (!name) return helpers.fail('the argument `service` is empty: it names the ingress controller\'s Service');
    const service = await kube.get({ apiVersion: 'v1', kind: 'Service', name, namespace });
    if (!service) {
      return helpers.fail(`Service ${namespace}/${name} not found`, {
        hint: `\`kubectl get services -A | grep -i ${name}\` shows where the ingress controller's Service is, if it is installed`,
      });
    }
    const slices = await kube.list({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace, labelSelector: `kubernetes.io/service-name=${name}` });
    const ready = slices.flatMap((slice) => (slice.endpoints as Array<{ addresses?: string[]; conditions?: { ready?: boolean } }> | undefined) ?? []).filter((e) => e.conditions?.ready !== false);
    if (ready.length === 0) {
      return helpers.fail(`Service ${namespace}/${name} has no ready endpoints: the controller's Pods do not serve yet`, {
        hint: `\`kubectl get pods -n ${namespace}\` shows whether the controller runs`,
      });
    }
    if (address !== 'auto') return helpers.pass(`Service ${namespace}/${name} is ready; you reach it at ${address}`);
    const ingress = ((service.status as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined)?.loadBalancer?.ingress ?? [])[0];
    const external = ingress?.ip ?? ingress?.hostname;
    if (!external) {
      return helpers.fail(`Service ${namespace}/${name}: the LoadBalancer has no address yet (pending)`, {
        hint: 'a local cluster needs a load balancer implementation (k3d and Docker Desktop have one; for kind, cloud-provider-kind); or type the address you reach the controller at when the chapter asks',
      });
    }
    return helpers.pass(`Service ${namespace}/${name} is ready at ${external}`);
  },
});
