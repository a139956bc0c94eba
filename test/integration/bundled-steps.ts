// The bundled chapters as a learner plays them, for the tests that run them against the local
// control plane: one chapter's step run by the step runner `play` uses, and `hero-journey check`.
import { expect } from 'vitest';
import type { Journey } from '../../src/journey/model.ts';
import { chapterKubeEnvironment } from '../../src/play/chapter-cluster.ts';
import { runStep } from '../../src/steps/run.ts';
import { runBin } from '../e2e/cli.ts';

export interface CheckJson {
  id: string;
  status: string;
  reason: string;
}

/**
 * Runs one step of a chapter, found by its title, in the workspace as `play` runs it: the
 * journey's variables in its environment, and the chapter's kubeconfig when it names one.
 * Expects it to succeed; returns its output and the variables it exported.
 */
export async function playChapterStep(
  journey: Journey,
  chapterId: string,
  title: string,
  options: { cwd: string; env: Record<string, string>; vars: Record<string, string>; timeoutSeconds: number },
): Promise<{ output: string; captured: Record<string, string> }> {
  const chapter = journey.chapters.get(chapterId);
  const step = chapter?.steps.find((s) => s.title === title);
  if (!chapter || !step) throw new Error(`chapter ${chapterId} has no step "${title}"`);
  let output = '';
  const result = await runStep({
    code: step.code,
    cwd: options.cwd,
    env: { ...options.env, ...options.vars, ...chapterKubeEnvironment(chapter, options.vars, options.cwd) },
    timeoutSeconds: options.timeoutSeconds,
    onOutput: (text) => (output += text),
  });
  expect(result.exitCode, `step "${title}" of ${chapterId} failed:\n${output}`).toBe(0);
  return { output, captured: result.captured };
}

/** `hero-journey check CHAPTER --json` with the built CLI, in the workspace, with the journey's variables set. */
export async function checkChapter(
  chapterId: string,
  options: { cwd: string; env: Record<string, string>; vars: Record<string, string> },
): Promise<{ code: number | null; checks: CheckJson[] }> {
  const sets = Object.entries(options.vars).flatMap(([name, value]) => ['--set', `${name}=${value}`]);
  const result = await runBin(['check', chapterId, '--json', ...sets], { cwd: options.cwd, env: options.env });
  try {
    return { code: result.exitCode, checks: (JSON.parse(result.stdout) as { checks: CheckJson[] }).checks };
  } catch {
    throw new Error(`hero-journey check ${chapterId} printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}
