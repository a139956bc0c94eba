import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { convertPlainJourney, convertScenario } from '../../../src/journey/convert.ts';
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

describe('a Killercoda scenario, converted', () => {
  test('a chapter per page named by its id, {{exec}} as sh steps, {{copy}} dropped, scripts as steps, index.json and the old pages removed', async () => {
    const tutorial = await readPlainTutorial(join(fixtures, 'killercoda-scenario'));
    expect(tutorial.scenario?.pages.map((page) => page.id)).toEqual(['intro', 'step1', 'step2', 'finish']);
    const conversion = convertScenario(tutorial.plain, tutorial.scenario!, tutorial.pages, ['finish.md', 'intro.md', 'notes/extra.md', 'step1/text.md', 'step2/text.md']);
    expect([...conversion.files.keys()]).toEqual(['journey.yaml', 'intro.md', 'step1.md', 'step2.md', 'finish.md']);
    expect(conversion.removed).toEqual(['index.json', 'step1/text.md', 'step2/text.md']);
    expect(conversion.excluded).toEqual(['notes/extra.md']);
    const manifest = parseJourneyFile(conversion.files.get('journey.yaml')!);
    expect(manifest.problems).toEqual([]);
    expect(manifest.journey).toMatchObject({ id: 'killercoda-scenario', title: "Hero's first deployment", description: "Write Hero's manifest and check it", start: 'intro', oneTerminal: true, exclude: ['notes/extra.md'] });
    const step1 = conversion.files.get('step1.md')!;
    expect(step1).not.toMatch(/\{\{(exec|execute|copy)\}\}/);
    expect(step1.startsWith('---\ntitle: Write the manifest\nnext: step2\n---\n')).toBe(true);
    expect(step1).toContain('Create a folder for Hero: `mkdir -p scenario/hero`\n\n```sh\nmkdir -p scenario/hero\n```');
    expect(step1).toContain("```sh\ncat > scenario/hero/deployment.yaml <<'YAML'");
    expect(step1).toContain('```\nname: hero\n```');
    expect(step1).toContain('```bash norun\nrm -rf scenario\n```');
    expect(step1).toContain('```sh title="Verify: step1/verify.sh"\n#!/bin/bash\ngrep -q \'name: hero\' scenario/hero/deployment.yaml\n```');
    expect(conversion.files.get('intro.md')).toContain('```sh title="Prepare: setup.sh"\nmkdir -p scenario && echo ready > scenario/prepared.txt\n```');
    expect(conversion.files.get('step2.md')).toContain('```sh\ncat scenario/hero/deployment.yaml > scenario/seen.txt\n```');
    expect(conversion.files.get('finish.md')).toBe('---\ntitle: Done\n---\n\n# Done\n\nHero has a manifest.\n');
  });
});
