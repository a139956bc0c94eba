// Hero's database has the table the schema chapter creates (asked through Hero's /db endpoint).
import { defineCheck } from 'hero-journey/check';
import { readDbStatus } from './postgres-accepts-connections.ts';

export default defineCheck<{ url?: string; table?: string }>({
  id: 'schema-applied',
  title: 'The table exists in Hero\'s database',
  reads: [],
  async run({ args, helpers }) {
    const url = String(args.url ?? '').trim();
    const table = String(args.table ?? '').trim();
    if (!url || url.startsWith('/')) return helpers.fail('the argument `url` is empty: the app\'s address is not known yet');
    if (!table) return helpers.fail('the argument `table` is empty');
    const db = await readDbStatus(helpers, url);
    if (typeof db === 'string') return helpers.fail(db);
    if (!db.connected) return helpers.fail(`Hero cannot connect to its database: ${db.error ?? 'no error given'}`);
    if (!db.tables.includes(table)) return helpers.fail(`connected, but no table ${table} (tables: [${db.tables.join(', ')}])`);
    return helpers.pass(`the table ${table} exists`);
  },
});
