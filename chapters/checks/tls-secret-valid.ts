// A TLS Secret holds a current certificate for the host, with its matching key. Never prints the
// Secret's data.
import { defineCheck } from 'hero-journey/check';

export default defineCheck<{ namespace?: string; secret?: string; host?: string }>({
  id: 'tls-secret-valid',
  title: 'The TLS Secret holds a current certificate for the host',
  reads: [{ apiVersion: 'v1', kind: 'Secret' }],
  async run({ kube, args, helpers }) {
    const namespace = String(args.namespace ?? '').trim() || kube.namespace;
    const name = String(args.secret ?? '').trim();
    const host = String(args.host ?? '').trim();
    if (!name) return helpers.fail('the argument `secret` is empty');
    if (!host) return helpers.fail('the argument `host` is empty: the app\'s host name is not known yet');
    const raw = await kube.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
    if (!raw) return helpers.fail(`Secret ${namespace}/${name} does not exist yet`);
    if (raw.type !== 'kubernetes.io/tls') return helpers.fail(`Secret ${namespace}/${name} is of type ${String(raw.type ?? 'Opaque')}, not kubernetes.io/tls`);
    const data = (raw.data ?? {}) as Record<string, string>;
    if (!data['tls.crt']) return helpers.fail(`Secret ${namespace}/${name} has no tls.crt`);
    if (!data['tls.key']) return helpers.fail(`Secret ${namespace}/${name} has no tls.key`);
    let tls;
    try {
      tls = await helpers.tlsSecret({ name, namespace });
    } catch (error) {
      return helpers.fail(`tls.crt of Secret ${namespace}/${name} is not a PEM certificate: ${(error as Error).message}`);
    }
    if (!tls) return helpers.fail(`Secret ${namespace}/${name} does not exist yet`);
    const now = new Date();
    const names = [...tls.dnsNames, ...tls.ipAddresses];
    const details = [
      `Issuer: ${tls.certificate.issuer.split('\n').join(', ')}`,
      `SANs: ${names.join(', ') || '(none)'}`,
      `Valid until: ${tls.notAfter.toISOString()} (${Math.floor((tls.notAfter.getTime() - now.getTime()) / 86_400_000)} days left)`,
    ].join('\n');
    if (!tls.coversHost(host)) return helpers.fail(`the certificate's SANs are [${names.join(', ')}], not ${host}`, { details });
    if (tls.notBefore.getTime() > now.getTime()) return helpers.fail(`the certificate is not valid before ${tls.notBefore.toISOString()}`, { details });
    if (tls.notAfter.getTime() <= now.getTime()) return helpers.fail(`the certificate expired on ${tls.notAfter.toISOString()}`, { details });
    if (!tls.keyMatches) return helpers.fail('tls.key is not the private key of the certificate in tls.crt', { details });
    return helpers.pass(`Secret ${namespace}/${name} holds a certificate for ${host}, valid until ${tls.notAfter.toISOString().slice(0, 10)}`, { details });
  },
});
