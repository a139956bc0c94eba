import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * hero-journey's own module `path` (relative to the module at `from`, given without extension),
 * loaded synchronously at first need: `.js` as built, `.ts` run from source. For synchronous code
 * that should not load a large library (CEL, highlight.js) at startup when it may never use it.
 */
export function requireOwn<T>(from: string, path: string): T {
  return createRequire(from)(`${path}${extname(fileURLToPath(from))}`) as T;
}
