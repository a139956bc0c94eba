// The image can be pulled anonymously, as the cluster will pull it: speaks the OCI distribution
// API (bearer token challenge without credentials, then HEAD on the manifest). Only reads.
import { defineCheck } from 'hero-journey/check';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** `someone/hero:0.1.0` → registry-1.docker.io, someone/hero, 0.1.0. */
export function parseImage(image: string): { registry: string; host: string; repository: string; reference: string } {
  let rest = image.trim();
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let registry = 'docker.io';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  if (at < 0 && colon > rest.lastIndexOf('/')) {
    reference = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, host: registry === 'docker.io' ? 'registry-1.docker.io' : registry, repository: rest, reference };
}

function challenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return params.realm ? params : undefined;
}

export default defineCheck<{ image?: string }>({
  id: 'image-in-registry',
  title: "Hero's image can be pulled without logging in",
  reads: [],
  async run({ args, helpers }) {
    const image = String(args.image ?? '').trim();
    if (!image) return helpers.fail('the argument `image` is empty: there is no image name to look for');
    const { registry, host, repository, reference } = parseImage(image);
    const url = `https://${host}/v2/${repository}/manifests/${reference}`;
    const head = (authorization?: string) =>
      fetch(url, { method: 'HEAD', headers: { Accept: ACCEPT, ...(authorization ? { Authorization: authorization } : {}) }, signal: AbortSignal.timeout(8000) });
    try {
      let response = await head();
      if (response.status === 401) {
        const params = challenge(response.headers.get('www-authenticate'));
        if (params) {
          const tokenUrl = new URL(params.realm!);
          if (params.service) tokenUrl.searchParams.set('service', params.service);
          tokenUrl.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
          const tokenResponse = await fetch(tokenUrl, { signal: AbortSignal.timeout(8000) });
          if (tokenResponse.ok) {
            const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
            const token = body.token ?? body.access_token;
            if (token) response = await head(`Bearer ${token}`);
          }
        }
      }
      if (response.ok) {
        const digest = response.headers.get('docker-content-digest');
        return helpers.pass(`${registry}/${repository}:${reference} can be pulled anonymously`, { ...(digest ? { details: `digest ${digest}` } : {}) });
      }
      if (response.status === 401 || response.status === 403) {
        return helpers.fail(`${response.status}: the repository ${repository} on ${registry} is private or does not exist`);
      }
      if (response.status === 404) return helpers.fail(`404: no tag ${reference} in ${repository} on ${registry}`);
      return helpers.fail(`${registry} answered ${response.status} for ${repository}:${reference}`);
    } catch (error) {
      // No network, no DNS, nothing listening: say so, not that the repository may be private.
      const offline = helpers.unreachable(error, host);
      if (offline) return offline;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return helpers.fail(`cannot reach the registry ${host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  },
});
