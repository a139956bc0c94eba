/**
 * Regular expressions that come from a journey (an input's `validate: regex:`, CEL's
 * `matches()`) run on RE2, as CEL and Kubernetes validation rules define them: matching takes
 * time linear in the text, so a pattern such as `(a+)+$` cannot hold a learner in a prompt or a
 * check for minutes. JavaScript's own RegExp backtracks and is kept for the project's patterns.
 *
 * re2js is loaded on first use: most journeys never match a pattern.
 */

import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

/** Longest pattern accepted: a validation rule is a line, never a program. */
export const MAX_PATTERN_LENGTH = 1024;
/** Longest text a pattern is matched against; longer text does not match. */
export const MAX_MATCHED_LENGTH = 1 << 20;

type Compiled = { regex: InstanceType<typeof RE2JSClass> } | { error: string };

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 256;
let engine: typeof RE2JSClass | undefined;

function re2(): typeof RE2JSClass {
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
  return engine;
}

function compile(pattern: string, whole: boolean): Compiled {
  const key = `${whole ? 'w' : 'p'}\u0000${pattern}`;
  let compiled = cache.get(key);
  if (compiled) return compiled;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    compiled = { error: `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed` };
  } else {
    try {
      compiled = { regex: re2().compile(whole ? `^(?:${pattern})$` : pattern) };
    } catch (error) {
      compiled = { error: `${(error as Error).message.replace(/^error parsing regexp: /i, '')} (patterns use RE2 syntax, as in CEL and Kubernetes: no lookaround or backreferences)` };
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** Why `pattern` cannot be used, or undefined when it compiles as RE2. */
export function patternProblem(pattern: string): string | undefined {
  const compiled = compile(pattern, false);
  return 'error' in compiled ? compiled.error : undefined;
}

/**
 * Whether `pattern` matches `text`: anywhere in it (CEL's `matches()`), or with `whole` the
 * whole of it (an input's `validate: regex:`). Throws when the pattern does not compile.
 */
export function patternMatches(pattern: string, text: string, whole = false): boolean {
  const compiled = compile(pattern, whole);
  if ('error' in compiled) throw new Error(`invalid pattern /${pattern}/: ${compiled.error}`);
  if (text.length > MAX_MATCHED_LENGTH) return false;
  return compiled.regex.matcher(text).find();
}
