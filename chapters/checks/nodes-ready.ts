// The cluster has nodes, and every one of them is Ready: the production cluster exists and
// the kubeconfig the chapter names reaches it.
import { defineCheck } from 'hero-journey/check';

interface Args extends Record<string, unknown> {
  /** The fewest nodes that must be Ready (default 1). */
  min?: number;
}

export default defineCheck<Args>({
  id: 'nodes-ready',
  title: "The cluster's nodes are Ready",
  reads: [{ apiVersion: 'v1', kind: 'Node' }],
  async run({ kube, args, helpers }) {
    const min = Number(args.min ?? 1);
    const nodes = await kube.list({ apiVersion: 'v1', kind: 'Node' });
    const notReady = nodes.filter((node) => helpers.condition(node, 'Ready')?.status !== 'True').map((node) => String((node.metadata as { name?: string } | undefined)?.name ?? '?'));
    const ready = nodes.length - notReady.length;
    if (ready < min || notReady.length > 0) {
      return helpers.fail(
        `expected at least ${min} node${min === 1 ? '' : 's'}, all Ready; found ${nodes.length}${notReady.length > 0 ? `, not Ready: ${notReady.slice(0, 5).join(', ')}${notReady.length > 5 ? ', …' : ''}` : ''}`,
        { hint: '`kubectl get nodes` on that cluster; a new cluster may need a few more minutes before its nodes join' },
      );
    }
    return helpers.pass(`${ready} node${ready === 1 ? '' : 's'} Ready`);
  },
});
