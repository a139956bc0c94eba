// cert-manager is installed and ready to issue: its CRDs exist, its three Deployments are
// available, and its webhook Service has a ready endpoint (without one, creating an Issuer fails).
import { defineCheck } from 'hero-journey/check';

const DEPLOYMENTS = ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook'];
const CRDS = ['certificates.cert-manager.io', 'clusterissuers.cert-manager.io'];

export default defineCheck<{ namespace?: string }>({
  id: 'cert-manager-ready',
  title: "cert-manager's controller, webhook and CA injector are available",
  reads: [
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  ],
  async run({ kube, args, helpers }) {
    const namespace = args.namespace || 'cert-manager';
    for (const name of CRDS) {
      const crd = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
      if (!crd) {
        return helpers.fail(`the CustomResourceDefinition ${name} does not exist: cert-manager's CRDs are not installed`, {
          hint: 'install cert-manager with its CRDs (the Helm value crds.enabled=true)',
        });
      }
    }
    const lines: string[] = [];
    for (const name of DEPLOYMENTS) {
      const verdict = await helpers.deploymentAvailable({ name, namespace });
      if (!verdict.ok) return verdict;
      lines.push(verdict.reason);
    }
    const slices = await kube.list({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      namespace,
      labelSelector: 'kubernetes.io/service-name=cert-manager-webhook',
    });
    const ready = slices.some((slice) =>
      ((slice.endpoints as Array<{ conditions?: { ready?: boolean } }> | undefined) ?? []).some((e) => e.conditions?.ready !== false),
    );
    if (!ready) {
      return helpers.fail(`the Service ${namespace}/cert-manager-webhook has no ready endpoint yet`, {
        hint: `\`kubectl get pods -n ${namespace}\` shows whether the webhook Pod runs; it becomes ready a few seconds after it starts`,
      });
    }
    return helpers.pass('cert-manager is installed and its webhook answers', { details: lines.join('\n') });
  },
});
