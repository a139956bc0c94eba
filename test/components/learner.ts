// The learner's side of the HTTPS stack (https-stack.ts): a workspace from `hero-journey init`,
// the bundled chapters' steps run by the step runner `play` uses, and the built CLI's `check` with
// Hero's names resolving to the ingress address and pebble's root CA trusted, as a learner's
// machine would have them with a DNS record and a private CA. No vitest imports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadJourney } from '../../src/journey/load.ts';
import type { Journey } from '../../src/journey/model.ts';
import { runStep } from '../../src/steps/run.ts';
import { runCommand, type CliResult } from '../e2e/command.ts';
import { buildHeroApp, learnerCommand, type HttpsStack } from './https-stack.ts';

const chaptersDir = fileURLToPath(new URL('../../chapters', import.meta.url));
/** The built CLI (npm run build). */
const binPath = fileURLToPath(new URL('../../bin/hero-journey.js', import.meta.url));
/** The image Hero's definitions are given; the stack runs Hero's app, built from the workspace, for its pods. */
export const HERO_IMAGE = { repo: 'localhost/hero', tag: 'test' };

export interface CheckResult {
  id: string;
  status: string;
  reason: string;
  expected?: string;
  found?: string[];
  hint?: string;
  details?: string;
}

export interface Learner {
  home: string;
  workspace: string;
  journey: Journey;
  /** The journey's variables as play holds them: defaults, then what steps captured. */
  vars: Record<string, string>;
  /** Environment of the learner's shell: PATH with kubectl and helm, KUBECONFIG, a HOME of its own. */
  env: Record<string, string>;
  /** Runs a step of a bundled chapter, found by its title; `edit` changes its code first. Rejects when it fails. */
  playStep(chapterId: string, title: string, extra?: Record<string, string>, edit?: (code: string) => string): Promise<string>;
  /** `hero-journey check CHAPTER --json` with the built CLI. */
  check(chapterId: string, extra?: Record<string, string>): Promise<{ code: number | null; checks: CheckResult[] }>;
  /** `hero-journey check CHAPTER` as text, as the learner reads it. */
  checkText(chapterId: string): Promise<{ code: number | null; output: string }>;
  /** Sets up Hero's hosts file once the stack runs. */
  attach(stack: HttpsStack, hostNames: string[]): void;
  /** Removes the learner's HOME and workspace. */
  cleanup(): void;
}

/** A workspace from `hero-journey init` and Hero's app built from it (for the stack's localImages). */
export async function newLearner(): Promise<{ learner: Learner; heroApp: string }> {
  const home = mkdtempSync(join(tmpdir(), 'hero-journey-https-'));
  const workspace = join(home, 'hero');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  const init = await runCommand(process.execPath, [binPath, 'init', workspace], { cwd: home, env });
  if (init.exitCode !== 0) throw new Error(`hero-journey init failed:\n${init.stderr}`);
  const heroApp = await buildHeroApp(workspace, join(home, 'hero-app'));
  const journey = await loadJourney(chaptersDir);
  let hosts = '';
  let stack: HttpsStack | undefined;

  const runCli = (args: string[]): Promise<CliResult> => {
    if (!stack) throw new Error('attach the learner to the stack first');
    const [cmd, cmdArgs] = learnerCommand(hosts, process.execPath, [binPath, ...args]);
    return runCommand(cmd, cmdArgs, { cwd: workspace, env: { ...learner.env, NODE_EXTRA_CA_CERTS: stack.rootCaFile } });
  };
  const sets = (extra: Record<string, string>): string[] => Object.entries({ ...learner.vars, ...extra }).flatMap(([name, value]) => ['--set', `${name}=${value}`]);

  const learner: Learner = {
    home,
    workspace,
    journey,
    vars: { ...journey.vars, IMAGE_REPO: HERO_IMAGE.repo, IMAGE_TAG: HERO_IMAGE.tag, IMAGE: `${HERO_IMAGE.repo}:${HERO_IMAGE.tag}` },
    env,
    async playStep(chapterId, title, extra = {}, edit = (code) => code) {
      const step = journey.chapters.get(chapterId)?.steps.find((s) => s.title === title);
      if (!step) throw new Error(`chapter ${chapterId} has no step "${title}"`);
      let output = '';
      const result = await runStep({
        code: edit(step.code),
        cwd: workspace,
        env: { ...learner.env, ...learner.vars, ...extra },
        timeoutSeconds: 400,
        onOutput: (text) => (output += text),
      });
      if (result.exitCode !== 0) throw new Error(`step "${title}" of ${chapterId} failed (exit ${result.exitCode}):\n${output}`);
      learner.vars = { ...learner.vars, ...extra, ...result.captured };
      return output;
    },
    async check(chapterId, extra = {}) {
      const result = await runCli(['check', chapterId, '--json', ...sets(extra)]);
      try {
        return { code: result.exitCode, checks: (JSON.parse(result.stdout) as { checks: CheckResult[] }).checks };
      } catch {
        throw new Error(`hero-journey check ${chapterId} printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
      }
    },
    async checkText(chapterId) {
      const result = await runCli(['check', chapterId, ...sets({})]);
      return { code: result.exitCode, output: `${result.stdout}${result.stderr}` };
    },
    attach(s, hostNames) {
      stack = s;
      hosts = s.hostsFile(hostNames);
      learner.env = { ...learner.env, PATH: `${s.cluster.binDir}:${env.PATH}`, KUBECONFIG: s.cluster.kubeconfig };
      learner.vars = { ...learner.vars, INGRESS_HOST: s.ingressIp, INGRESS_IP: s.ingressIp };
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
  return { learner, heroApp };
}

/** The setup chapter's ClusterIssuer step with pebble's directory in place of Let's Encrypt's. */
export function atLocalCa(stack: HttpsStack): (code: string) => string {
  return atAcmeServer(stack.acmeDirectory);
}

/** The setup chapter's ClusterIssuer step with the ACME directory URL `url` in place of Let's Encrypt's. */
export function atAcmeServer(url: string): (code: string) => string {
  return (code) => {
    const edited = code.replace('https://acme-v02.api.letsencrypt.org/directory', url);
    if (edited === code) throw new Error('the ClusterIssuer step no longer names Let\'s Encrypt\'s directory URL');
    return edited;
  };
}
