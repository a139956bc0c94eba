// A check module: it reads the cluster (never writes) and says, in one line, what it found.
import { defineCheck } from 'hero-journey/check';

export default defineCheck<{ namespace: string; name: string }>({
  id: 'greeting-stored',
  title: 'the greeting is stored',
  reads: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
  async run({ kube, args, helpers }) {
    const map = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: args.namespace, name: args.name });
    if (!map) return helpers.fail(`ConfigMap ${args.namespace}/${args.name} does not exist`, { hint: 'run the step of this chapter again' });
    const greeting = (map.data as Record<string, string> | undefined)?.greeting;
    if (!greeting) return helpers.fail(`ConfigMap ${args.namespace}/${args.name} has no greeting`, { hint: 'the step stores it under the key "greeting"' });
    return helpers.pass(`ConfigMap ${args.namespace}/${args.name} says "${greeting}"`);
  },
});
