import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { convertPlainJourney } from '../../../src/journey/convert.ts';
import { enumeratePaths } from '../../../src/journey/graph.ts';
import { lintJourney } from '../../../src/journey/lint.ts';
import { analyzeJourney, parseJourneyFile, readPlainTutorial } from '../../../src/journey/load.ts';
import type { Journey } from '../../../src/journey/model.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'plain');
const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Convert a plain tutorial and write the result to a temporary folder; the converted folder. */
async function convert(dir: string): Promise<{ plain: Journey; out: string; renamed?: { from: string; to: string } }> {
  const tutorial = await readPlainTutorial(dir);
  const conversion = convertPlainJourney(tutorial.plain, tutorial.pages);
  const out = await mkdtemp(join(tmpdir(), 'hero-convert-'));
  temps.push(out);
  for (const [file, text] of tutorial.pages) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), text);
  }
  if (conversion.renamed) await rm(join(out, conversion.renamed.from));
  for (const [file, text] of conversion.files) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), text);
  }
  return { plain: tutorial.journey, out, ...(conversion.renamed ? { renamed: conversion.renamed } : {}) };
}

/** Every path as chapter ids with choices, the start page's id written as `START`. */
function paths(journey: Journey): string[] {
  return enumeratePaths(journey).map((path) => path.steps.map((step) => `${step.chapter === journey.start ? 'START' : step.chapter}${step.choice ? `=${step.choice}` : ''}`).join(' > ') + ` (${path.end})`);
}

/** What each chapter runs, and when: the same in both forms. */
function stepsOf(journey: Journey): Record<string, { code: string; when?: string; exports: string[] }[]> {
  return Object.fromEntries(
    [...journey.chapters.values()].map((chapter) => [
      chapter.id === journey.start ? 'START' : chapter.id,
      chapter.steps.map((step) => ({ code: step.code, ...(step.when ? { when: step.when.source } : {}), exports: [...step.exports].sort() })),
    ]),
  );
}

describe('convert: a plain tutorial written down as a journey', () => {
  test.each(['getting-started', 'choose-tool', 'cli-readme', 'cloud-setup', 'docs-site'])('%s: the converted journey lints clean and has the same paths, inputs and steps', async (name) => {
    const { plain, out, renamed } = await convert(join(fixtures, name));
    expect(renamed).toEqual({ from: 'README.md', to: 'index.md' });
    const { journey: converted, problems } = await lintJourney(out, { shellcheck: false });
    expect(problems).toEqual([]);
    expect(converted!.inferred).toBeUndefined();
    expect(converted!.oneTerminal).toBe(true);
    expect(paths(converted!)).toEqual(paths(plain));
    expect(paths(plain).length).toBeGreaterThan(0);
    expect(stepsOf(converted!)).toEqual(stepsOf(plain));
    const inputs = (journey: Journey) =>
      Object.fromEntries([...journey.chapters.values()].map((chapter) => [chapter.id === journey.start ? 'START' : chapter.id, chapter.inputs.map(({ name, prompt, validate, secret }) => ({ name, prompt, validate, secret }))]));
    expect(inputs(converted!)).toEqual(inputs(plain));
  });

  test('choices keep their labels and summaries; transcripts become their commands and a text block of output; links to the start follow it', async () => {
    const { out } = await convert(join(fixtures, 'choose-tool'));
    const { journey } = await analyzeJourney(out);
    expect(journey!.chapters.get('index')?.choices.map(({ id, label, goto, summary }) => ({ id, label, goto, summary }))).toEqual([
      { id: 'kubectl', label: 'kubectl', goto: 'kubectl', summary: 'plain manifests, nothing else to install' },
      { id: 'helm', label: 'Helm', goto: 'helm', summary: 'a chart whose values you can change' },
      { id: 'kustomize', label: 'Kustomize', goto: 'kustomize', summary: 'one base, an overlay per environment' },
    ]);
    const verify = journey!.chapters.get('verify')!;
    expect(verify.steps.map((step) => [step.lang, step.code])).toEqual([['sh', 'kubectl -n hero rollout status deployment/hero --timeout=2m']]);
    expect(verify.segments.some((segment) => segment.kind === 'markdown' && segment.text.includes('```text\ndeployment "hero" successfully rolled out\n```'))).toBe(true);
  });

  test('a documentation site\'s pages: their keys are dropped, their blocks read as a reader means them, Runme names kept', async () => {
    const { plain, out } = await convert(join(fixtures, 'docs-site'));
    expect(plain.title).toBe('Hero on your cluster');
    expect(plain.chapters.get('docs/install')?.steps.map(({ id, optional, code }) => ({ id, optional, code }))).toEqual([
      { id: 'step-1', optional: false, code: 'echo "${DOMAIN}" > domain.txt\ncat domain.txt' },
      { id: 'check-domain', optional: true, code: 'test -s domain.txt' },
    ]);
    const { journey } = await analyzeJourney(out);
    expect(journey!.chapters.get('docs/install')?.steps.map((step) => step.id)).toEqual(['step-1', 'check-domain']);
    expect(journey!.chapters.get('index')?.title).toBe('Hero on your cluster');
  });

  test('journey.yaml: one-terminal and exclude are read, and a bad exclude entry is an error', () => {
    expect(parseJourneyFile('id: a\ntitle: A\nstart: x\none-terminal: true\nexclude:\n  - docs/faq.md\n  - notes/\n').journey).toMatchObject({ oneTerminal: true, exclude: ['docs/faq.md', 'notes/'] });
    const bad = parseJourneyFile('id: a\ntitle: A\nstart: x\nexclude:\n  - ../secret.md\n');
    expect(bad.problems.map((problem) => [problem.loc.line, problem.severity])).toEqual([[5, 'error']]);
  });
});
