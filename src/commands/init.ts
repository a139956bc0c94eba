/**
 * `hero-journey init [DIR]`: create the learner's workspace, the folder the bundled journey's
 * steps run in, from `templates/workspace/` in the package (Hero's source and its definitions for
 * every app-definition option). Never overwrites a file unless told to with --force.
 */

import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { plural } from '../journey/text.ts';
import type { CommandIO } from './io.ts';

export interface InitOptions {
  /** Where to create the workspace (default: the current folder). */
  dir?: string;
  /** Overwrite files that exist already. */
  force: boolean;
  /** The template to copy (default: the package's `templates/workspace/`). */
  template?: string;
  /** Say what to run next (default); play, which creates the workspace itself, does not. */
  next?: boolean;
}

/** The workspace template that ships with the package. */
export function workspaceTemplateDir(): string {
  return fileURLToPath(new URL('../../templates/workspace', import.meta.url));
}

/**
 * npm never packs files named `.gitignore`, so the template keeps them as `_gitignore`; they are
 * renamed on the way into the workspace.
 */
function workspaceName(templatePath: string): string {
  return templatePath
    .split('/')
    .map((part) => (part === '_gitignore' ? '.gitignore' : part))
    .join('/');
}

/** Copy the workspace template into the folder; returns the exit code. */
export async function run(options: InitOptions, io: Pick<CommandIO, 'cwd' | 'env' | 'stdout'>): Promise<number> {
  const target = resolve(io.cwd, options.dir ?? '.');
  const { written, overwritten } = await copyTemplate({
    template: options.template ?? workspaceTemplateDir(),
    target,
    force: options.force,
    what: 'the Hero workspace',
    elsewhere: 'hero-journey init ./hero',
    rename: workspaceName,
  });
  const where = relative(io.cwd, target) || '.';
  const lines = [`Created Hero's workspace in ${where === '.' ? 'this folder' : where}: ${plural(written.length, 'file')}${overwritten ? ` (${plural(overwritten, 'file')} overwritten)` : ''}`, ...summarize(written)];
  // Run through npx, the next command needs npx too.
  const command = io.env.npm_command === 'exec' ? 'npx hero-journey' : 'hero-journey';
  if (options.next !== false) lines.push('', 'Next:', where === '.' ? `  ${command}` : `  cd ${quoteForShell(where)} && ${command}`);
  lines.push('');
  io.stdout.write(lines.join('\n'));
  return 0;
}

/**
 * Copy a template folder into `target`, creating folders as needed. Writes nothing when a file
 * it would write exists already, unless `force`: then the error lists them (what and where to
 * go instead). `rename` maps template paths to the names written; `transform` rewrites text.
 */
export async function copyTemplate(options: {
  template: string;
  target: string;
  force: boolean;
  /** What is being created, for messages: `the Hero workspace`. */
  what: string;
  /** The command that creates it elsewhere, for the hint. */
  elsewhere: string;
  rename?: (templatePath: string) => string;
  transform?: (text: string, name: string) => string;
}): Promise<{ written: string[]; overwritten: number }> {
  const { template, target } = options;
  const files = await templateFiles(template);
  if (files.length === 0) {
    throw new UserError(`the template at ${template} is empty or missing`, {
      hint: 'reinstall hero-journey (npx hero-journey@latest); from a clone, check templates/',
    });
  }
  const targetStat = await stat(target).catch(() => undefined);
  if (targetStat && !targetStat.isDirectory()) {
    throw new UserError(`${target} is a file, not a folder`, { hint: `pass a folder to create ${options.what} in: ${options.elsewhere}` });
  }

  const plan = files.map((file) => ({ from: join(template, file), name: options.rename?.(file) ?? file }));
  const existing: string[] = [];
  for (const { name } of plan) {
    if (await stat(join(target, name)).catch(() => undefined)) existing.push(name);
  }
  if (existing.length > 0 && !options.force) {
    const shown = existing.slice(0, 20).map((name) => `  ${name}`);
    if (existing.length > 20) shown.push(`  … and ${existing.length - 20} more`);
    const verb = existing.length === 1 ? 'exists' : 'exist';
    throw new UserError(`${plural(existing.length, 'file')} of ${options.what} ${verb} already in ${target}, so nothing was written:\n${shown.join('\n')}`, {
      hint: `pass --force to overwrite them with the template (your changes to them are lost), or create it in another folder: ${options.elsewhere}`,
    });
  }

  for (const { from, name } of plan) {
    const to = join(target, name);
    try {
      await mkdir(dirname(to), { recursive: true });
      if (options.transform) await writeFile(to, options.transform(await readFile(from, 'utf8'), name));
      else await copyFile(from, to);
    } catch (error) {
      throw new UserError(`cannot write ${to}: ${(error as Error).message}`, {
        hint: `a folder where the template has a file (or the other way round), or no permission: move it aside and run ${options.elsewhere.split(' ').slice(0, 2).join(' ')} again`,
        cause: error,
      });
    }
  }
  return { written: plan.map((p) => p.name), overwritten: options.force ? existing.length : 0 };
}

/** Top-level entries with how many files each holds: `  app/        7 files`. */
export function summarize(names: string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const slash = name.indexOf('/');
    const top = slash === -1 ? name : `${name.slice(0, slash)}/`;
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  const entries = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, count]) => (name.endsWith('/') ? `  ${name.padEnd(width)}  ${plural(count, 'file')}` : `  ${name}`));
}

/** Files under `dir`, relative, with `/`, sorted; empty when the folder does not exist. */
async function templateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function quoteForShell(path: string): string {
  return /^[\w./~-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
