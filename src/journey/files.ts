/** Which files of a journey folder are chapters and check modules. Light: no parsing, for the model cache too. */

import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative as relativePath, sep } from 'node:path';
import { UserError } from '../errors.ts';
import type { InferredFrom } from './model.ts';

/** Pages a plain tutorial (no journey.yaml) may start at, in order of preference. */
export const startPages: readonly string[] = ['README.md', 'readme.md', 'index.md'];

/** What an inferred journey was inferred from, and how to make it explicit: shown once at the start of play and lint. */
export function inferredNotice(from: InferredFrom = 'plain'): { title: string; text: string } {
  const explicit = 'To make it explicit, add a journey.yaml (id, title, start) and front matter (title, choices, next, inputs) to its pages, or let `hero-journey convert` write them; `hero-journey lint` lists what was inferred and where.';
  if (from === 'scenario') {
    return {
      title: "Inferred from a Killercoda scenario's index.json",
      text: "This journey was inferred from a Killercoda scenario's index.json (no journey.yaml): its steps are the chapters, in the order it lists them; blocks marked {{exec}} are the steps, and its background, foreground and verify scripts are steps you confirm, never checks. To make it explicit, `hero-journey convert` writes it down as a journey; `hero-journey lint` lists what was inferred and where.",
    };
  }
  if (from === 'docs-site') {
    return {
      title: 'Inferred from documentation-site pages',
      text: `This journey was inferred from the pages of a documentation site (plain Markdown whose front matter has a site's keys, such as sidebar_position, and no journey.yaml): the site's keys are ignored. ${explicit}`,
    };
  }
  return { title: 'Inferred from plain Markdown', text: `This journey was inferred from plain Markdown (no journey.yaml). ${explicit}` };
}

/**
 * Folders and files under a journey that are never chapters: names starting with `.` or `_`
 * (drafts, partials), `node_modules`, the root `checks/` folder, and the root README.md, which
 * documents the journey on GitHub. Every other `*.md` file is a chapter.
 */
function isIgnored(name: string, atRoot: boolean, isDirectory: boolean): boolean {
  if (name.startsWith('.') || name.startsWith('_') || name === 'node_modules') return true;
  if (atRoot && isDirectory && name === 'checks') return true;
  if (atRoot && !isDirectory && name.toLowerCase() === 'readme.md') return true;
  return false;
}

/**
 * Chapter files (`*.md`) under `root`, relative, with `/`, sorted by path. A symbolic link is
 * followed only while its real path stays inside the journey, and a linked folder that is already
 * being read (a loop) is refused: a journey uses its own files, and reading it always ends.
 */
export async function listChapterFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const realRoot = await realpath(root);
  const walk = async (relative: string, realDir: string, open: ReadonlySet<string>): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      let real = join(realDir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await stat(join(root, path)).catch(() => undefined);
        isDirectory = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
        if (isIgnored(entry.name, relative === '', isDirectory) || (!isDirectory && !(isFile && entry.name.toLowerCase().endsWith('.md')))) continue;
        real = await realpath(join(root, path));
        const inside = relativePath(realRoot, real);
        if (inside.startsWith(`..${sep}`) || inside === '..' || inside.startsWith(sep)) {
          throw new UserError(`${path} in the journey at ${root} is a symbolic link to ${real}, outside the journey folder`, {
            hint: 'a journey may only use its own files: copy what it needs into the journey folder',
          });
        }
        if (isDirectory && (open.has(real) || real === realRoot)) {
          throw new UserError(`${path} in the journey at ${root} is a symbolic link to a folder it is inside of (${inside || '.'}): reading the journey would never end`, {
            hint: 'remove the link, or point it at a folder that does not contain it',
          });
        }
      }
      if (isIgnored(entry.name, relative === '', isDirectory)) continue;
      if (isDirectory) await walk(path, real, new Set([...open, real]));
      else if (isFile && entry.name.toLowerCase().endsWith('.md')) files.push(path);
    }
  };
  await walk('', realRoot, new Set([realRoot]));
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Ids of check modules in a `checks/` folder: `checks/https/ready.ts` → `https/ready`. */
export async function listCheckModules(checksDir: string): Promise<Set<string>> {
  const modules = new Set<string>();
  const entries = await readdir(checksDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.endsWith('.d.ts')) continue;
    const match = /^(.*)\.(ts|js)$/.exec(entry.name);
    if (!match) continue;
    const folder = entry.parentPath.slice(checksDir.length).replace(/\\/g, '/').replace(/^\/+/, '');
    modules.add(folder ? `${folder}/${match[1]}` : match[1]!);
  }
  return modules;
}

