// A host name resolves to the ingress address (with the system resolver, as a browser would).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { defineCheck } from 'hero-journey/check';

async function addresses(host: string): Promise<string[] | { error: string; offline?: boolean }> {
  try {
    return (await lookup(host, { all: true, family: 4 })).map((a) => a.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { error: `${host} does not resolve` };
    // EAI_AGAIN and the like: the resolver itself could not be asked (no network).
    return { error: `${host}: ${(error as Error).message}`, offline: true };
  }
}

export default defineCheck<{ host?: string; target?: string }>({
  id: 'dns-resolves',
  title: 'The host name points at your ingress',
  reads: [],
  async run({ args, helpers }) {
    const host = String(args.host ?? '').trim();
    const target = String(args.target ?? '').trim();
    if (!host) return helpers.fail('the argument `host` is empty: there is no host name to resolve');
    if (!target) return helpers.fail('the argument `target` is empty: the ingress address is not known (did its host name resolve?)');
    const found = await addresses(host);
    if (!Array.isArray(found) && found.offline) {
      return helpers.fail(`cannot ask DNS about ${host}: no network or DNS (${found.error})`, {
        hint: 'check that this machine is online (Wi-Fi, VPN, proxy); `nslookup ' + host + '` shows whether your resolver answers at all',
      });
    }
    if (!Array.isArray(found)) {
      return helpers.fail(found.error, { hint: 'DNS changes can take a few minutes to spread; `dig +short ' + host + '` shows what your resolver answers' });
    }
    const wanted = isIP(target) ? [target] : await addresses(target);
    if (!Array.isArray(wanted)) return helpers.fail(`the ingress address ${wanted.error}`);
    const match = found.find((a) => wanted.includes(a));
    if (match) return helpers.pass(`${host} resolves to ${match}`);
    return helpers.fail(`${host} resolves to ${found.join(', ')}, expected ${wanted.join(', ')}${isIP(target) ? '' : ` (the addresses of ${target})`}`);
  },
});
