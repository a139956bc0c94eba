import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** hero-journey's version, from its package.json. */
export function version(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
