/** Chapter ids: derived from file paths, and resolved from what authors write in `goto`, `next`, `skip-to`. */

import { posix } from 'node:path';

/** `https/cert-manager.md` → `https/cert-manager`; `x/README.md` → `x`. Paths use `/`. */
export function chapterIdFromPath(relativePath: string): string {
  const withoutExtension = relativePath.replace(/\.md$/i, '');
  return withoutExtension.replace(/(^|\/)README$/i, '').replace(/\/$/, '');
}

/**
 * The absolute chapter id that `ref`, written in the file `fromFile`, points at.
 * `./x` and `../x` are relative to the folder of `fromFile`; anything else is relative to the
 * journey folder (a leading `/` is allowed). A trailing `.md` or `/README.md` is accepted, so a
 * reference may also be written as a file path that works as a link on GitHub.
 */
export function resolveChapterRef(ref: string, fromFile: string): { id: string } | { error: string } {
  const text = ref.trim();
  if (!text) return { error: 'the chapter id is empty' };
  if (/[\\?#*]/.test(text) || /\s/.test(text)) return { error: `\`${text}\` is not a chapter id: use the chapter's path without \`.md\`, like \`https/cert-manager\`` };
  const relative = text === '.' || text === '..' || text.startsWith('./') || text.startsWith('../');
  const joined = relative ? posix.join(posix.dirname(fromFile), text) : posix.normalize(text.replace(/^\/+/, ''));
  if (joined === '..' || joined.startsWith('../')) return { error: `\`${text}\` points outside the journey folder` };
  const trimmed = joined.replace(/\/+$/, '');
  const id = chapterIdFromPath(trimmed === '.' ? '' : trimmed);
  if (!id) return { error: `\`${text}\` points at the journey folder itself, not at a chapter` };
  return { id };
}
