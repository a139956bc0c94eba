// Hero answers over HTTPS with a certificate the system trusts, valid for the URL's host.
// No "insecure" mode: a certificate that does not verify is the failure this check is for.
import { rootCertificates } from 'node:tls';
import { defineCheck, type HttpsResult } from 'hero-journey/check';

interface Args extends Record<string, unknown> {
  url?: string;
  status?: number;
  contains?: string;
  /** PEM of one more CA to trust (a private CA), besides the system's. */
  ca?: string;
}

export default defineCheck<Args>({
  id: 'https-answers',
  title: 'Hero answers over trusted HTTPS',
  reads: [],
  async run({ args, helpers }) {
    const url = String(args.url ?? '').trim();
    const status = Number(args.status ?? 200);
    const contains = args.contains === undefined || args.contains === null ? '' : String(args.contains);
    if (!url.startsWith('https://') || url === 'https:///') return helpers.fail(`the argument \`url\` must be an https:// URL with a host, not "${url}"`);
    const host = new URL(url).hostname;
    const ca = args.ca ? [...rootCertificates, String(args.ca)] : undefined;
    // Ask without verifying first, so a failure can say which certificate was served.
    const response: HttpsResult = await helpers.httpGet(url, { timeoutMs: 5000, verify: false, ...(ca ? { ca } : {}) });
    if (!response.ok) return helpers.fail(`GET ${url}: ${response.error}`);
    const cert = response.certificate;
    const served = cert
      ? `issued by ${oneLine(cert.issuer)} for ${cert.subjectAltName ?? oneLine(cert.subject)}, valid until ${new Date(cert.validTo).toISOString().slice(0, 10)}`
      : 'no certificate';
    if (!response.authorized) {
      const subject = cert ? oneLine(cert.subject) : '';
      const defaultCert = /TRAEFIK DEFAULT CERT|Kubernetes Ingress Controller Fake Certificate/i.test(subject);
      const why = cert && cert.checkHost(host) === undefined
        ? `the certificate is for ${cert.subjectAltName ?? subject}, not ${host}`
        : `the certificate is not trusted: ${response.authorizationError ?? 'unknown reason'} (${served})`;
      return helpers.fail(why, {
        details: `Served: ${served}`,
        ...(defaultCert ? { hint: "that is the ingress controller's fallback certificate: the Ingress has no tls section, or its Secret does not exist yet" } : {}),
      });
    }
    if (response.status !== status) return helpers.fail(`GET ${url} → ${response.status} (expected ${status})`, { details: `Certificate: ${served}` });
    if (contains && !response.body.includes(contains)) {
      return helpers.fail(`GET ${url} → ${response.status}, but the page does not contain "${contains}"`, { details: `Certificate: ${served}` });
    }
    return helpers.pass(`GET ${url} → ${response.status} over trusted HTTPS`, { details: `Certificate: ${served}` });
  },
});

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
