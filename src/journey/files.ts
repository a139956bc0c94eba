/** Which files of a journey folder are chapters and check modules. Light: no parsing, for the model cache too. */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

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

/** Chapter files (`*.md`) under `root`, relative, with `/`, sorted by path. */
export async function listChapterFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(join(root, path)).catch(() => undefined);
        isDirectory = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isIgnored(entry.name, relative === '', isDirectory)) continue;
      if (isDirectory) await walk(path);
      else if (isFile && entry.name.toLowerCase().endsWith('.md')) files.push(path);
    }
  };
  await walk('');
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

