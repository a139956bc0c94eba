// Hero's database has the table the schema chapter creates (asked through Hero's /db endpoint).
import { defineCheck } from 'hero-journey/check';

export default defineCheck<{ url?: string; table?: string }>({
  id: 'schema-applied',
  title: 'The table exists in Hero\'s database',
  reads: [],
  async run({ args, helpers }) {
    const url = String(args.url ?? '').trim();
    const table = String(args.table ?? '').trim();
    if (!url || url.startsWith('/')) return helpers.fail('the argument `url` is empty: the app\'s address is not known yet');
    if (!table) return helpers.fail('the argument `table` is empty');
    const response = await helpers.httpGet(url, { timeoutMs: 5000 });
    if (!response.ok) return helpers.fail(`GET ${url}: ${response.error}`);
    if (response.status !== 200) return helpers.fail(`GET ${url} → ${response.status} (expected 200 with Hero's database status)`);
    let db: { connected?: boolean; tables?: unknown; error?: string };
    try {
      db = JSON.parse(response.body) as typeof db;
    } catch {
      return helpers.fail(`GET ${url} did not answer JSON: is this Hero?`);
    }
    if (!db.connected) return helpers.fail(`Hero cannot connect to its database: ${db.error ?? 'no error given'}`);
    const tables = Array.isArray(db.tables) ? db.tables.map(String) : [];
    if (!tables.includes(table)) return helpers.fail(`connected, but no table ${table} (tables: [${tables.join(', ')}])`);
    return helpers.pass(`the table ${table} exists`);
  },
});
