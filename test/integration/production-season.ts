// Season 2 on the laptop path (Create a Cluster → kind) with two real clusters, for the tests that
// run a GitOps tool for real:
// - the management cluster is the run's control plane (the learner's KUBECONFIG); production is a
//   second local control plane started here from the same binaries. kind itself (nodes in
//   containers) cannot run on this machine, so a `kind` stand-in on PATH hands over that second
//   cluster's kubeconfig where the chapter tells kind to write it;
// - the learner's Git repository is served by `git http-backend` on 127.0.0.1 (GitOps controllers
//   fetch over http(s) or ssh only), and the chapters' steps push to it.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Journey } from '../../src/journey/model.ts';
import { startCluster, stopCluster, type ClusterState } from '../cluster/cluster.ts';
import type { Sandbox } from '../cluster/testenv.ts';
import { controllerLogs, type Controllers } from '../components/controllers.ts';
import { bundledWorkspace, checkChapter, kustomizeStandIn, playChapterStep, writeStandIn, type CheckJson } from './bundled-steps.ts';
import { cluster } from './checks/support.ts';
import { serveGitRepositories, type GitHost } from './git-http.ts';
import { eventually } from './helpers.ts';

const exec = promisify(execFile);

/** A learner's workspace on Season 2's laptop path, with a production cluster and a Git host. */
export interface ProductionSeason {
  sandbox: Sandbox;
  /** The same sandbox, but kubectl talks to the production cluster. */
  productionAdmin: Sandbox;
  env: Record<string, string>;
  journey: Journey;
  workspace: string;
  /** A kubeconfig whose server does not answer: chapters that name the production kubeconfig must not need it. */
  deadKubeconfig: string;
  production: ClusterState;
  gitHost: GitHost;
  /** The bare repository the learner pushes to. */
  gitDir: string;
  /** The journey's variables so far (steps played add what they export). */
  vars: Record<string, string>;
  /** The GitOps controllers a test started, for a failing check's message and for close(). */
  controllers?: Controllers;
}

/**
 * Starts the production cluster, the `kind` stand-in and the Git host, and plays the management
 * chapter's first steps (the image for production is localhost/hero:0.2.0).
 */
export async function startProductionSeason(): Promise<ProductionSeason> {
  const sandbox = cluster.sandbox();
  const { journey, env, workspace, deadKubeconfig } = await bundledWorkspace(sandbox);
  // The production cluster: a second control plane from the same build.
  const production = await startCluster({ binDir: cluster.binDir, build: false, log: () => {} });
  const productionAdmin = { ...sandbox, env: { ...sandbox.env, KUBECONFIG: production.kubeconfig }, kubeconfig: production.kubeconfig };
  // `kind` as the chapter uses it: the cluster "created" is the second control plane.
  const kindBin = writeStandIn(
    join(sandbox.home, 'kind-bin'),
    'kind',
    [
      '  "version ") echo "kind v0.29.0 (stand-in: a second local control plane)" ;;',
      '  "get clusters") [ -f "$created" ] && echo hero-production || true ;;',
      `  "get kubeconfig") cat ${JSON.stringify(production.kubeconfig)} ;;`,
      '  "create cluster") while [ $# -gt 0 ]; do [ "$1" = --kubeconfig ] && out=$2; shift; done',
      `    cat ${JSON.stringify(production.kubeconfig)} > "$out"; touch "$created" ;;`,
    ],
    [`created=${JSON.stringify(join(sandbox.home, 'kind-created'))}`],
  );
  env.PATH = `${kindBin}:${kustomizeStandIn(sandbox.home)}:${env.PATH}`;
  // The learner's repository on a Git host.
  const repos = join(sandbox.home, 'git-host');
  mkdirSync(repos);
  const gitDir = join(repos, 'hero-production.git');
  await exec('git', ['init', '-q', '--bare', '--initial-branch=main', gitDir]);
  const gitHost = await serveGitRepositories(repos);
  const vars: Record<string, string> = {
    ...journey.vars,
    IMAGE_REPO: 'localhost/hero',
    IMAGE_TAG: '0.1.0',
    GITOPS_REPO_URL: `${gitHost.url}/hero-production.git`,
    GITOPS_BRANCH: 'main',
    PROD_IMAGE_TAG: '0.2.0',
  };
  const season: ProductionSeason = { sandbox, productionAdmin, env, journey, workspace, deadKubeconfig, production, gitHost, gitDir, vars };
  await playStep(season, 'production', 'Make room on the management cluster');
  await playStep(season, 'production', 'Pick Hero\'s production image');
  return season;
}

/** Stops what the season and its test started, and removes the sandbox. */
export async function closeProductionSeason(season: ProductionSeason | undefined): Promise<void> {
  await season?.controllers?.stop();
  await season?.gitHost.close();
  if (season) await stopCluster(season.production);
  season?.sandbox.cleanup();
}

/** Plays one step of a chapter in the workspace; what it exports joins `season.vars`. */
export async function playStep(season: ProductionSeason, chapterId: string, title: string, extra: Record<string, string> = {}): Promise<string> {
  const { output, captured } = await playChapterStep(season.journey, chapterId, title, { cwd: season.workspace, env: { ...season.env, ...extra }, vars: season.vars, timeoutSeconds: 120 });
  season.vars = { ...season.vars, ...captured };
  return output;
}

/** Runs `hero-journey check CHAPTER --json` until each named check has the expected outcome (a generous deadline: real controllers reconcile). */
export async function expectChecks(
  season: ProductionSeason,
  chapterId: string,
  kubeconfig: string,
  expected: Record<string, 'passed' | 'failed'>,
  timeoutMs = 180_000,
  choose: Record<string, string> = {},
): Promise<CheckJson[]> {
  let checks: CheckJson[] = [];
  const matches = () => Object.entries(expected).every(([id, status]) => checks.find((c) => c.id === id)?.status === status);
  await eventually(
    `${chapterId}: ${JSON.stringify(expected)}`,
    async () => {
      checks = (await checkChapter(chapterId, { cwd: season.workspace, env: { ...season.env, KUBECONFIG: kubeconfig }, vars: season.vars, choose })).checks;
      return matches() || (await new Promise((resolve) => setTimeout(resolve, 1000)), false);
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nlast: ${JSON.stringify(checks)}\n${controllerLogs(season.controllers)}`);
  });
  return checks;
}
