// Where hero-journey's own modules are once built: `npm run build` bundles them into a few files
// (scripts/bundle-own.ts), which mark each module they hold with a `// src/<path>.ts` line; the
// libraries bundled on their own keep tsc's paths (dist/yaml.js is src/yaml.ts).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './pty.ts';

const dist = join(repoRoot, 'dist');

/** The source modules (`src/...ts`) a built file holds, given as a file: URL. */
export function sourcesOf(url: string): string[] {
  if (!url.startsWith('file:')) return [];
  const file = fileURLToPath(url);
  if (!file.startsWith(`${dist}/`) || relative(dist, file).startsWith('chapters/')) return [];
  const marked = [...readFileSync(file, 'utf8').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map((m) => m[1]!);
  // A chunk without modules of its own holds the bundler's helpers.
  if (marked.length > 0 || relative(dist, file).startsWith('chunks/')) return marked;
  return [`src/${relative(dist, file).replace(/\.js$/, '.ts')}`];
}
