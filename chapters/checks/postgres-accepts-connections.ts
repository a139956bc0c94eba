// Hero itself reaches its database: asks the app's /db endpoint, which answers
// {"configured": bool, "connected": bool, "server": "...", "tables": [...], "error": "..."}.
import { defineCheck, type CheckHelpers } from 'hero-journey/check';

export interface DbStatus {
  configured: boolean;
  connected: boolean;
  server?: string;
  tables: string[];
  error?: string;
}

/**
 * GETs Hero's /db at `url` and reads its answer, keeping only fields of the expected types (the
 * answer comes from whatever listens there); a string says why there is no status.
 */
export async function readDbStatus(helpers: CheckHelpers, url: string): Promise<DbStatus | string> {
  if (!url || url.startsWith('/')) return 'the argument `url` is empty: the app\'s address is not known yet';
  const response = await helpers.httpGet(url, { timeoutMs: 5000 });
  if (!response.ok) return `GET ${url}: ${response.error}`;
  if (response.status !== 200) return `GET ${url} → ${response.status} (expected 200 with Hero's database status)`;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `GET ${url} did not answer JSON: is this Hero?`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `GET ${url} did not answer a JSON object with Hero's database status: is this Hero?`;
  const fields = body as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    configured: fields.configured === true,
    connected: fields.connected === true,
    server: text(fields.server),
    tables: Array.isArray(fields.tables) ? fields.tables.filter((t): t is string => typeof t === 'string') : [],
    error: text(fields.error),
  };
}

export default defineCheck<{ url?: string }>({
  id: 'postgres-accepts-connections',
  title: 'Hero reaches its database',
  reads: [],
  async run({ args, helpers }) {
    const db = await readDbStatus(helpers, String(args.url ?? '').trim());
    if (typeof db === 'string') return helpers.fail(db);
    if (!db.configured) return helpers.fail('Hero has no database settings (configured: false)');
    if (!db.connected) return helpers.fail(`Hero cannot connect: ${db.error ?? 'no error given'}`);
    return helpers.pass(`Hero is connected to its database${db.server ? ` (${db.server})` : ''}`);
  },
});
