// The bundled chapters as a learner plays them, for the tests that run them against the local
// control plane: one chapter's step run by the step runner `play` uses, and `hero-journey check`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadJourney } from '../../src/journey/load.ts';
import type { Journey } from '../../src/journey/model.ts';
import type { Sandbox } from '../cluster/testenv.ts';
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

/**
 * `hero-journey check CHAPTER --json` with the built CLI, in the workspace, with the journey's
 * variables set and, with `choose`, the path's earlier choices (`--choose POINT=OPTION`).
 */
export async function checkChapter(
  chapterId: string,
  options: { cwd: string; env: Record<string, string>; vars: Record<string, string>; choose?: Record<string, string> },
): Promise<{ code: number | null; checks: CheckJson[] }> {
  const sets = Object.entries(options.vars).flatMap(([name, value]) => ['--set', `${name}=${value}`]);
  const chosen = Object.entries(options.choose ?? {}).flatMap(([point, option]) => ['--choose', `${point}=${option}`]);
  const result = await runBin(['check', chapterId, '--json', ...sets, ...chosen], { cwd: options.cwd, env: options.env });
  try {
    return { code: result.exitCode, checks: (JSON.parse(result.stdout) as { checks: CheckJson[] }).checks };
  } catch {
    throw new Error(`hero-journey check ${chapterId} printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * The kustomize CLI is not built here: a stand-in in DIR/kustomize-bin (returned, for PATH) runs
 * kubectl's built-in Kustomize for `build`, and writes what `kustomize edit set image` would.
 */
export function kustomizeStandIn(dir: string): string {
  return writeStandIn(join(dir, 'kustomize-bin'), 'kustomize', [
    '  "build "*) exec kubectl kustomize "$2" ;;',
    '  "edit set") ref=${4#*=}; name=${4%%=*}; sed -i "s|^  - name: ${name}\$|  - name: ${name}\\n    newName: ${ref%:*}\\n    newTag: \"${ref##*:}\"|" kustomization.yaml ;;',
  ]);
}

/**
 * Writes `bin/name`, a bash stand-in for a tool a chapter calls: `cases` are the arms of a `case` on
 * its first two words ("$1 ${2:-}"), after the `before` lines; anything else is refused with exit 2.
 * Returns `bin`, for PATH.
 */
export function writeStandIn(bin: string, name: string, cases: string[], before: string[] = []): string {
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, name),
    ['#!/usr/bin/env bash', 'set -euo pipefail', ...before, 'case "$1 ${2:-}" in', ...cases, `  *) echo "${name} stand-in: $* is not supported" >&2; exit 2 ;;`, 'esac', ''].join('\n'),
    { mode: 0o755 },
  );
  return bin;
}

/**
 * A learner's workspace made by the built CLI's `hero-journey init` in the sandbox, the bundled
 * journey, the sandbox's environment, and a kubeconfig whose server does not answer (the
 * learner's own, while chapters that name the production kubeconfig are checked).
 */
export async function bundledWorkspace(sandbox: Sandbox): Promise<{ journey: Journey; env: Record<string, string>; workspace: string; deadKubeconfig: string }> {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli', import.meta.url)))) throw new Error('run `npm run build` first: this test runs the built CLI');
  const env = Object.fromEntries(Object.entries(sandbox.env).filter((e): e is [string, string] => e[1] !== undefined));
  const journey = await loadJourney(fileURLToPath(new URL('../../chapters', import.meta.url)));
  const workspace = join(sandbox.home, 'hero');
  const init = await runBin(['init', workspace], { cwd: sandbox.home, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const deadKubeconfig = join(sandbox.home, 'unreachable.kubeconfig');
  writeFileSync(
    deadKubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: gone, context: {cluster: gone, user: u}}]\ncurrent-context: gone\n',
  );
  return { journey, env, workspace, deadKubeconfig };
}
