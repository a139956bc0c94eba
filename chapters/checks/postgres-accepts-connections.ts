// Hero itself reaches its database: asks the app's /db endpoint, which answers
// {"configured": bool, "connected": bool, "server": "...", "tables": [...], "error": "..."}.
import { defineCheck } from 'hero-journey/check';

export interface DbStatus {
  configured?: boolean;
  connected?: boolean;
  server?: string;
  tables?: string[];
  error?: string;
}

export default defineCheck<{ url?: string }>({
  id: 'postgres-accepts-connections',
  title: 'Hero reaches its database',
  reads: [],
  async run({ args, helpers }) {
    const url = String(args.url ?? '').trim();
    if (!url || url.startsWith('/')) return helpers.fail('the argument `url` is empty: the app\'s address is not known yet');
    const response = await helpers.httpGet(url, { timeoutMs: 5000 });
    if (!response.ok) return helpers.fail(`GET ${url}: ${response.error}`);
    if (response.status !== 200) return helpers.fail(`GET ${url} → ${response.status} (expected 200 with Hero's database status)`);
    let db: DbStatus;
    try {
      db = JSON.parse(response.body) as DbStatus;
    } catch {
      return helpers.fail(`GET ${url} did not answer JSON: is this Hero?`);
    }
    if (!db.configured) return helpers.fail('Hero has no database settings (configured: false)');
    if (!db.connected) return helpers.fail(`Hero cannot connect: ${db.error ?? 'no error given'}`);
    return helpers.pass(`Hero is connected to its database${db.server ? ` (${db.server})` : ''}`);
  },
});
