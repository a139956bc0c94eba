// Every path of every plain tutorial fixture, played by the built CLI (--dry-run: the chapters a
// learner goes through and the steps shown, without a cluster), and the same paths of the journey
// `convert` writes from it: the two play the same chapters, choice by choice.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { enumeratePaths } from '../../src/journey/graph.ts';
import { analyzeJourney } from '../../src/journey/load.ts';
import type { Journey } from '../../src/journey/model.ts';
import type { PlayEvent } from '../../src/play/loop.ts';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot } from './pty.ts';

const fixtures = ['getting-started', 'choose-tool', 'cli-readme', 'cloud-setup', 'docs-site', 'killercoda-scenario', 'workshop-parts'];
const sandbox = await makeSandbox();
const converted = await mkdtemp(join(tmpdir(), 'hero-plain-paths-'));
afterAll(async () => {
  await sandbox.cleanup();
  await rm(converted, { recursive: true, force: true });
});

/** Answers for every input: the conditional sections' questions say yes, placeholders get a word. */
function answers(journey: Journey): string[] {
  const names = new Set([...journey.inputs, ...[...journey.chapters.values()].flatMap((chapter) => chapter.inputs)].map((input) => input.name));
  return [...names].flatMap((name) => ['--set', `${name}=${name.startsWith('USING_') ? 'yes' : 'word'}`]);
}

async function playedChapters(dir: string, choices: Record<string, string>, journey: Journey, name: string): Promise<string[]> {
  await mkdir(join(sandbox.root, name), { recursive: true });
  const choose = Object.entries(choices).flatMap(([point, choice]) => ['--choose', `${point}=${choice}`]);
  const run = await runBin(['--journey', dir, '--dry-run', '--json', '--no-color', '--workspace', join(sandbox.root, name), ...choose, ...answers(journey)], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
  expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
  const events = run.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as PlayEvent);
  expect(events.at(-1)).toMatchObject({ event: 'end' });
  return events.flatMap((event) => (event.event === 'chapter' ? [event.chapter === journey.start ? 'START' : event.chapter] : []));
}

/** Every chapter's steps (the start chapter as START): what runs, when, and whether it may be skipped. */
function stepsOf(journey: Journey): Record<string, { code: string; when?: string; optional?: boolean }[]> {
  return Object.fromEntries(
    [...journey.chapters.values()].map((chapter) => [
      chapter.id === journey.start ? 'START' : chapter.id,
      chapter.steps.map((step) => ({ code: step.code.trim(), ...(step.when ? { when: step.when.source } : {}), ...(step.optional ? { optional: true } : {}) })),
    ]),
  );
}

describe.each(fixtures)('%s', (fixture) => {
  test('every path plays, as the plain tutorial and as the journey convert writes', async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'plain', fixture);
    const { journey } = await analyzeJourney(dir);
    const paths = enumeratePaths(journey!);
    expect(paths.length).toBeGreaterThan(fixture === 'workshop-parts' ? 1 : 0);
    const out = join(converted, fixture);
    const conversion = await runBin(['convert', dir, '--out', out], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(conversion.exitCode, conversion.stderr).toBe(0);
    const lint = await runBin(['lint', out, '--json'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 60_000 });
    expect(JSON.parse(lint.stdout), lint.stdout).toMatchObject({ ok: true, problems: [] });
    const explicit = (await analyzeJourney(out)).journey!;
    expect(explicit.inferred).toBeUndefined();
    // The same steps, chapter by chapter: the same code, under the same conditions.
    expect(stepsOf(explicit)).toEqual(stepsOf(journey!));
    for (const [index, path] of paths.entries()) {
      const expected = path.steps.filter((step) => !step.skipped).map((step) => (step.chapter === journey!.start ? 'START' : step.chapter));
      expect(await playedChapters(dir, path.choices, journey!, `${fixture}-${index}`)).toEqual(expected);
      const choices = Object.fromEntries(Object.entries(path.choices).map(([point, choice]) => [point === journey!.start ? explicit.start : point, choice]));
      expect(await playedChapters(out, choices, explicit, `${fixture}-${index}-converted`)).toEqual(expected);
    }
  }, 300_000);
});
