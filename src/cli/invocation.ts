import { realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';

/*
 * Messages tell the learner what to type next ("run hero-journey again", "hero-journey map").
 * That has to work where they are: from a clone it is `npm start -- map`, through npx it is
 * `npx hero-journey map`, and `hero-journey` alone only when it is on PATH.
 */

/** How hero-journey was started: the words to type before a command. */
export function detectInvocation(env: NodeJS.ProcessEnv, script: string | undefined, cwd: string): string {
  if (env['npm_lifecycle_event'] === 'start' && env['npm_package_name'] === 'hero-journey') return 'npm start --';
  if (env['npm_command'] === 'exec') return 'npx hero-journey';
  if (!script) return 'hero-journey';
  if (onPath(env['PATH'] ?? '', script)) return 'hero-journey';
  const path = relative(cwd, script);
  const shown = !path || path.startsWith('..') || isAbsolute(path) ? script : `./${path}`;
  return `node ${/\s/.test(shown) ? `'${shown}'` : shown}`;
}

/** True when `hero-journey` on PATH is this very script. */
function onPath(path: string, script: string): boolean {
  let self: string;
  try {
    self = realpathSync(script);
  } catch {
    return false;
  }
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      if (realpathSync(join(dir, 'hero-journey')) === self) return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

let current: (() => string) | undefined;
let cached: string | undefined;

/** Remember how this process was started (the CLI entry calls this; worked out on first use). */
export function rememberInvocation(env: NodeJS.ProcessEnv, script: string | undefined, cwd: string): void {
  current = () => detectInvocation(env, script, cwd);
  cached = undefined;
}

/** The command line to suggest for `args` ("status", "map --journey ./x"): `npm start -- status` from a clone. */
export function commandLine(args = ''): string {
  cached ??= current?.() ?? 'hero-journey';
  if (!args) return cached === 'npm start --' ? 'npm start' : cached;
  return `${cached} ${args}`;
}

/** True when started with `npm start` in a clone, where the working folder is the clone itself. */
export function startedFromClone(): boolean {
  return commandLine() === 'npm start';
}
