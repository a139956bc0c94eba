// A Secret has every listed key, with a value. Never shows the values.
import { defineCheck } from 'hero-journey/check';

export default defineCheck<{ namespace?: string; secret?: string; keys?: unknown }>({
  id: 'secret-has-keys',
  title: 'The Secret has the keys the app needs',
  reads: [{ apiVersion: 'v1', kind: 'Secret' }],
  async run({ kube, args, helpers }) {
    const namespace = String(args.namespace ?? '').trim() || kube.namespace;
    const name = String(args.secret ?? '').trim();
    const keys = Array.isArray(args.keys) ? args.keys.map(String) : [];
    if (!name) return helpers.fail('the argument `secret` is empty');
    if (keys.length === 0) return helpers.fail('the argument `keys` must list the keys to look for');
    const secret = await kube.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
    if (!secret) return helpers.fail(`Secret ${namespace}/${name} does not exist yet`);
    const data = (secret.data ?? {}) as Record<string, string>;
    const missing = keys.filter((k) => data[k] === undefined);
    const empty = keys.filter((k) => data[k] !== undefined && Buffer.from(data[k]!, 'base64').length === 0);
    if (missing.length || empty.length) {
      const parts = [missing.length ? `missing: ${missing.join(', ')}` : '', empty.length ? `empty: ${empty.join(', ')}` : ''].filter(Boolean);
      return helpers.fail(`Secret ${namespace}/${name}: ${parts.join('; ')}`, { details: `It has: ${Object.keys(data).sort().join(', ') || '(no keys)'}` });
    }
    return helpers.pass(`Secret ${namespace}/${name} has ${keys.join(', ')}`);
  },
});
