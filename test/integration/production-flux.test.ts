// Season 2 with two real clusters and a real Flux, on the laptop path (Create a Cluster → kind):
// - the management cluster is the run's control plane (the learner's KUBECONFIG); production is a
//   second local control plane, handed over by a `kind` stand-in (production-season.ts);
// - Flux's source-controller and kustomize-controller (built from Go modules by
//   `bash test/components/build.sh flux`, CRDs from the same module versions) run out of cluster
//   against production, in place of the chapter's "Install Flux" step, which downloads Flux's
//   release manifest. The chapter pins Flux v2.9.5, whose manifests name source-controller and
//   kustomize-controller v1.9.5 (read from github.com/fluxcd/flux2/v2@v2.9.5's manifests/bases);
//   the test runs v1.9.6 of both, the same minor series with the same APIs;
// - the learner's Git repository is served by `git http-backend` on 127.0.0.1 (Flux fetches over
//   http(s) or ssh only), and the chapters' steps push to it (production-season.ts).
// Nothing sets a status by hand: every check below passes on what the controllers report.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtComponent } from '../components/controllers.ts';
import { startFlux } from '../components/flux.ts';
import { cluster } from './checks/support.ts';
import { eventually, ok, run } from './helpers.ts';
import { closeProductionSeason, expectChecks as expectSeasonChecks, playStep as playSeasonStep, startProductionSeason, type ProductionSeason } from './production-season.ts';

const exec = promisify(execFile);
const flux = builtComponent('flux');
const fluxBuild = 'missing' in flux ? undefined : flux;

let season: ProductionSeason;

const playStep = (chapterId: string, title: string): Promise<string> => playSeasonStep(season, chapterId, title);
const expectChecks = (chapterId: string, kubeconfig: string, expected: Record<string, 'passed' | 'failed'>, timeoutMs?: number, choose?: Record<string, string>) =>
  expectSeasonChecks(season, chapterId, kubeconfig, expected, timeoutMs, choose);

/** What `flux reconcile source git hero` does: ask source-controller to fetch now rather than at its next interval. */
async function requestReconcile(kind: string, name: string): Promise<void> {
  await ok(season.productionAdmin, 'kubectl', ['annotate', '--overwrite', '-n', 'flux-system', kind, name, `reconcile.fluxcd.io/requestedAt=${Date.now()}`]);
}

describe.skipIf('missing' in flux)(`Flux for real, in a second cluster${'missing' in flux ? ` (skipped: ${flux.missing})` : ''}`, () => {
  beforeAll(async () => {
    if ('missing' in flux) return;
    season = await startProductionSeason();
  }, 180_000);

  afterAll(() => closeProductionSeason(season));

  it('kind: the production kubeconfig in the workspace reaches the second cluster, while the management chapter talks to the first', async () => {
    await playStep('production/cluster/kind', 'Check for kind');
    const output = await playStep('production/cluster/kind', 'Start the production cluster');
    expect(output).toMatch(/kwok-node-0\s+Ready/);
    expect(season.vars).toMatchObject({ CLUSTER_CLOUD: 'kind' });
    const kept = join(season.workspace, 'kubeconfig-production.yaml');
    const server = (await ok(season.sandbox, 'kubectl', ['config', 'view', '--kubeconfig', kept, '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
    expect(server).toBe(season.production.server);
    expect(server).not.toBe(cluster.server);
    // The kind chapter is checked in production, whatever the learner's KUBECONFIG says.
    await expectChecks('production/cluster/kind', season.deadKubeconfig, { 'nodes-ready': 'passed' }, 60_000);
    // The management chapter's namespace exists in the first cluster only: checked with the learner's
    // KUBECONFIG it passes, pointed at production it fails.
    await expectChecks('production', season.sandbox.kubeconfig, { 'production-namespace': 'passed' }, 60_000);
    await expectChecks('production', season.production.kubeconfig, { 'production-namespace': 'failed' }, 60_000);
    // Again: the cluster exists, its kubeconfig is written again.
    expect(await playStep('production/cluster/kind', 'Start the production cluster')).toContain('exists already');
  });

  it('GitOps with Flux: the chapter\'s GitRepository and Kustomizations become Ready as source-controller and kustomize-controller reconcile them', async () => {
    await playStep('production/gitops', 'Prepare the GitOps repository');
    await playStep('production/gitops', 'Create the production namespace in production');
    expect(await ok(season.productionAdmin, 'kubectl', ['get', 'namespace', 'production', '-o', 'name'])).toContain('namespace/production');
    await ok(season.productionAdmin, 'kubectl', ['create', 'namespace', 'flux-system']);
    await ok(season.productionAdmin, 'kubectl', ['apply', '--server-side', '-f', fluxBuild!.crdDir]);
    await ok(season.productionAdmin, 'kubectl', ['wait', '--for=condition=Established', '--timeout=60s', 'crd/gitrepositories.source.toolkit.fluxcd.io', 'crd/kustomizations.kustomize.toolkit.fluxcd.io']);
    await playStep('production/gitops/flux', 'Point Flux at your repository');
    // No controller runs yet: nothing is Ready.
    await expectChecks('production/gitops/flux', season.deadKubeconfig, { 'source-ready': 'failed', 'infra-ready': 'failed', 'apps-ready': 'failed' }, 60_000);
    season.controllers = await startFlux(fluxBuild!.binDir, season.production.kubeconfig, join(season.sandbox.home, 'flux'));
    await expectChecks('production/gitops/flux', season.deadKubeconfig, { 'source-ready': 'passed', 'infra-ready': 'passed', 'apps-ready': 'passed' });
    const revision = (await exec('git', ['--git-dir', season.gitDir, 'rev-parse', 'main'])).stdout.trim();
    expect(await ok(season.productionAdmin, 'kubectl', ['get', 'gitrepository', 'hero', '-n', 'flux-system', '-o', 'jsonpath={.status.artifact.revision}'])).toBe(`main@sha1:${revision}`);
    // Flux's objects live in production only: the management cluster has no GitRepository for this repository.
    const management = await run(season.sandbox, 'kubectl', ['get', 'gitrepositories', '-A', '-o', 'jsonpath={..spec.url}']);
    expect(management.stdout).not.toContain(season.gitHost.url);
  });

  it('Kustomize through Flux: kustomize-controller builds the overlay from the pushed repository and creates Hero\'s Deployment, which becomes Available', async () => {
    season.vars = { ...season.vars, PROD_HOST: 'hero.127.0.0.1.nip.io', PROD_URL: 'http://hero.127.0.0.1.nip.io', PROD_INGRESS_CLASS: 'nginx' };
    expect(await playStep('production/app/kustomize', 'Write the production overlay')).toContain('image: localhost/hero:0.2.0');
    await playStep('production/app/kustomize', 'Put Hero\'s Kustomize folder into the repository');
    await playStep('production/app/gitops', 'Flux: a Kustomization for Hero');
    await playStep('production/app/gitops', 'Commit and push');
    expect((await run(season.productionAdmin, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production'])).code).not.toBe(0);
    await requestReconcile('gitrepository', 'hero');
    // Checked for the Flux path (the workspace has no saved choice): Flux's own check of Hero's Kustomization runs too.
    const checks = await expectChecks('production/app/gitops', season.deadKubeconfig, { 'flux-hero': 'passed', 'hero-available': 'passed', 'http-answers': 'failed' }, 180_000, {
      'production/gitops': 'flux',
    });
    expect(checks.filter((c) => c.status === 'not-applicable').map((c) => c.id)).toEqual(['argocd-hero', 'kapp-hero']);
    // Nothing listens on the production host here: that check fails, and only for that reason.
    expect(checks.find((c) => c.id === 'http-answers')!.reason).toMatch(/^GET http:\/\/hero\.127\.0\.0\.1\.nip\.io\/: /);
    const deployment = JSON.parse(await ok(season.productionAdmin, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production', '-o', 'json', '--show-managed-fields'])) as {
      metadata: { labels: Record<string, string>; managedFields: { manager: string }[] };
      spec: Record<string, any>;
    };
    expect(deployment.metadata.labels).toMatchObject({ 'kustomize.toolkit.fluxcd.io/name': 'hero', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' });
    expect(deployment.metadata.managedFields.map((f) => f.manager)).toContain('kustomize-controller');
    expect(deployment.spec.template.spec.containers[0].image).toBe('localhost/hero:0.2.0');
    // The Kustomization becomes Ready once kustomize-controller has seen Hero healthy (`wait: true`).
    await eventually(
      'the Kustomization hero Ready',
      async () => (await ok(season.productionAdmin, 'kubectl', ['get', 'kustomization', 'hero', '-n', 'flux-system', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True' ||
        (await new Promise((resolve) => setTimeout(resolve, 1000)), false),
      180_000,
    );
    // The management cluster has no Hero: production is where it runs.
    expect((await run(season.sandbox, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production'])).code).not.toBe(0);
  });
});
