/**
 * `hero-journey convert DIR [--out DIR2]`: write a plain Markdown tutorial (or a Killercoda scenario) down as a journey, with
 * everything that was inferred made explicit, so its author can grow it (checks, phases, `when`).
 */

import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { convertPlainJourney, convertScenario } from '../journey/convert.ts';
import { listChapterFiles } from '../journey/files.ts';
import { readPlainTutorial } from '../journey/load.ts';
import { formatProblem } from '../journey/problems.ts';
import { plural } from '../journey/text.ts';
import { jsonText, sanitize } from '../render/sanitize.ts';
import { quoteForShell } from './init.ts';
import type { CommandIO } from './io.ts';

export interface ConvertOptions {
  /** The plain tutorial. */
  dir?: string;
  /** Where the journey is written (default: `dir` itself, with --force). */
  out?: string;
  force: boolean;
  json: boolean;
}

/** Convert the tutorial; returns the exit code. */
export async function run(options: ConvertOptions, io: Pick<CommandIO, 'cwd' | 'stdout'>): Promise<number> {
  if (!options.dir) {
    throw new UserError('hero-journey convert needs the folder of the plain tutorial', { hint: 'for example: hero-journey convert ./tutorial --out ./tutorial-journey', exitCode: ExitCode.usage });
  }
  const source = resolve(io.cwd, options.dir);
  const tutorial = await readPlainTutorial(options.dir);
  const errors = tutorial.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(`${options.dir} has ${plural(errors.length, 'problem')} to fix before it is converted:\n${errors.map((problem) => `  ${formatProblem(problem)}`).join('\n')}`, {
      hint: `hero-journey lint ${options.dir} lists them with what was inferred`,
    });
  }
  const conversion = tutorial.scenario
    ? convertScenario(tutorial.plain, tutorial.scenario, tutorial.pages, await listChapterFiles(source))
    : convertPlainJourney(tutorial.plain, tutorial.pages);
  const target = resolve(io.cwd, options.out ?? options.dir);
  const inPlace = target === source;

  if (inPlace && !options.force) {
    throw new UserError(`convert would rewrite ${plural(conversion.files.size - 1, 'page')} of ${options.dir} in place`, {
      hint: `write a converted copy with --out (hero-journey convert ${options.dir} --out ${options.dir.replace(/\/+$/, '')}-journey), or pass --force to rewrite the pages themselves`,
      exitCode: ExitCode.usage,
    });
  }
  if (!inPlace) {
    const inside = relative(source, target);
    if (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)) {
      throw new UserError(`--out ${options.out} is inside the tutorial ${options.dir}: the copy would copy itself`, { hint: 'write the journey next to the tutorial, not inside it', exitCode: ExitCode.usage });
    }
    const existing = await readdir(target).catch(() => undefined);
    if (existing && existing.length > 0 && !options.force) {
      throw new UserError(`${options.out} exists and is not empty: convert does not overwrite it`, { hint: 'pick a new folder for --out, or pass --force to write over the files it has', exitCode: ExitCode.usage });
    }
    // Everything else the tutorial uses (scripts, manifests, images) comes along; its Git history does not.
    await cp(source, target, { recursive: true, force: true, filter: (path) => !/(^|[\\/])(\.git|node_modules)$/.test(path) });
  }
  for (const [file, text] of conversion.files) {
    await mkdir(dirname(join(target, file)), { recursive: true });
    await writeFile(join(target, file), text);
  }
  if (conversion.renamed) await rm(join(target, conversion.renamed.from), { force: true });
  for (const file of conversion.removed ?? []) await rm(join(target, file), { force: true });

  const where = quoteForShell(relative(io.cwd, target) || '.');
  if (options.json) {
    io.stdout.write(`${jsonText({ out: target, written: [...conversion.files.keys()], ...(conversion.renamed ? { renamed: conversion.renamed } : {}), excluded: conversion.excluded, ...(conversion.removed ? { removed: conversion.removed } : {}) })}\n`);
    return ExitCode.ok;
  }
  const lines = [
    `Converted "${tutorial.journey.title}" into the journey ${where}: journey.yaml and ${plural(conversion.files.size - 1, 'chapter')} with front matter.`,
    ...(conversion.renamed ? [`  ${conversion.renamed.from} is now ${conversion.renamed.to}: a journey's root README documents it on GitHub and is never a chapter; links to it point at ${conversion.renamed.to}.`] : []),
    ...(conversion.removed ? [`  From the Killercoda scenario: each page is now the chapter named by its id (${[...conversion.files.keys()].filter((file) => file !== 'journey.yaml').join(', ')}), {{exec}} commands are sh steps, its scripts are steps you confirm; removed: ${conversion.removed.join(', ')}.`] : []),
    ...(conversion.excluded.length > 0 ? [`  Not chapters (listed under exclude: in journey.yaml): ${conversion.excluded.join(', ')}`] : []),
    '',
    'Next: check it, then grow it (checks, phases, conditions):',
    `  hero-journey lint ${where}`,
    `  hero-journey --journey ${where}`,
    '',
  ];
  io.stdout.write(sanitize(lines.join('\n')));
  return ExitCode.ok;
}
