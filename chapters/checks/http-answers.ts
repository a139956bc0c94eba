// Hero answers over HTTP (or HTTPS, verified): the status is the expected one and, when asked,
// the page contains a text. Redirects are not followed: a redirect is an answer to report.
import { defineCheck } from 'hero-journey/check';

export default defineCheck<{ url?: string; status?: number; contains?: string }>({
  id: 'http-answers',
  title: 'Hero answers',
  reads: [],
  async run({ args, helpers }) {
    const url = String(args.url ?? '').trim();
    const status = Number(args.status ?? 200);
    const contains = args.contains === undefined || args.contains === null ? '' : String(args.contains);
    if (!url || url === '/' || url.startsWith('/')) return helpers.fail('the argument `url` is empty: the app\'s address is not known yet');
    const response = await helpers.httpGet(url, { timeoutMs: 5000 });
    if (!response.ok) return helpers.fail(`GET ${url}: ${response.error}`);
    const location = response.headers.location ? ` (redirects to ${String(response.headers.location)})` : '';
    if (response.status !== status) {
      return helpers.fail(`GET ${url} → ${response.status}${location} (expected ${status})`, { details: excerpt(response.body) });
    }
    if (contains && !response.body.includes(contains)) {
      return helpers.fail(`GET ${url} → ${response.status}, but the page does not contain "${contains}"`, { details: excerpt(response.body) });
    }
    return helpers.pass(`GET ${url} → ${response.status}${contains ? `, the page says "${contains}"` : ''}`);
  },
});

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return `The page starts with: ${text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty)'}`;
}
