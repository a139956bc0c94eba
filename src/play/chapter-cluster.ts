import { isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { Chapter } from '../journey/model.ts';
import { interpolate, templateNames } from './inputs.ts';

/**
 * The environment for a chapter whose front matter names its cluster's kubeconfig (a file in the
 * workspace, `${NAME}` filled in from `vars`): KUBECONFIG set to that file alone, so neither the
 * learner's KUBECONFIG nor --context applies. Empty for other chapters.
 */
export function chapterKubeEnvironment(chapter: Pick<Chapter, 'kubeconfig'>, vars: Record<string, string>, workspace: string): Record<string, string> {
  if (chapter.kubeconfig === undefined) return {};
  const written = interpolate(chapter.kubeconfig, vars);
  const file = resolve(workspace, written);
  const inside = relative(workspace, file);
  const unset = templateNames(written);
  if (unset.length > 0 || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new UserError(
      `the chapter's kubeconfig "${chapter.kubeconfig}" ${unset.length > 0 ? `uses ${unset.map((n) => `\${${n}}`).join(', ')}, which is not set` : 'is not a file in the workspace'}`,
      { hint: 'this is a mistake in the journey: tell its author ("hero-journey lint" finds it)' },
    );
  }
  return { KUBECONFIG: file };
}

/**
 * What to do when the kubeconfig a chapter names is not in the workspace yet: it is written by the
 * chapter that made that cluster, which the learner has not played (or played elsewhere).
 */
export function missingChapterKubeconfig(chapter: Pick<Chapter, 'kubeconfig' | 'title'>): string {
  const named = templateNames(chapter.kubeconfig ?? '');
  return (
    `"${chapter.title}" works on the cluster whose kubeconfig (${chapter.kubeconfig}) the chapter that creates that cluster writes into your workspace: ` +
    `play that chapter first ("hero-journey map" shows where it is)${named.length > 0 ? `, or give the file with ${named.map((n) => `--set ${n}=FILE`).join(' ')}` : ''}`
  );
}
