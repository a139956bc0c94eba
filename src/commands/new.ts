/**
 * `hero-journey new DIR`: start writing a journey of your own from `templates/journey/` in the
 * package: journey.yaml, chapters with a step, an input, a choice point, a dead end, a
 * declarative check and a check module. It lints clean and plays against any cluster.
 */

import { basename, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError } from '../errors.ts';
import { plural } from '../journey/text.ts';
import { copyTemplate, quoteForShell, summarize } from './init.ts';
import type { CommandIO } from './io.ts';

export interface NewOptions {
  /** The folder to create the journey in. */
  dir?: string;
  force: boolean;
}

/** The journey template that ships with the package. */
export function journeyTemplateDir(): string {
  return fileURLToPath(new URL('../../templates/journey', import.meta.url));
}

/** `my-k8s-journey` from a folder name such as `My K8s Journey`: what journey ids look like. */
export function journeyId(folder: string): string {
  const id = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(id) ? id : `journey-${id || 'new'}`;
}

/** Create the journey folder; returns the exit code. */
export async function run(options: NewOptions, io: Pick<CommandIO, 'cwd' | 'stdout'>): Promise<number> {
  if (!options.dir) {
    throw new UserError('hero-journey new needs the folder to create the journey in', { hint: 'for example: hero-journey new my-journey', exitCode: ExitCode.usage });
  }
  const target = resolve(io.cwd, options.dir);
  const id = journeyId(basename(target));
  const title = basename(target).replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  const { written } = await copyTemplate({
    template: journeyTemplateDir(),
    target,
    force: options.force,
    what: 'the journey',
    elsewhere: 'hero-journey new ./another-journey',
    // Quotes in the title would end its YAML string early.
    transform: (text) => text.replaceAll('__ID__', id).replaceAll('__TITLE__', title.replace(/["\\]/g, '')),
  });
  const where = quoteForShell(relative(io.cwd, target) || '.');
  io.stdout.write(
    [
      `Created journey "${id}" in ${where}: ${plural(written.length, 'file')}`,
      ...summarize(written),
      '',
      'Next: lint it after every change, watch a chapter as learners will see it, then play it:',
      `  hero-journey lint ${where}`,
      `  hero-journey show welcome --journey ${where} --watch`,
      `  hero-journey --journey ${where}`,
      '',
    ].join('\n'),
  );
  return ExitCode.ok;
}
