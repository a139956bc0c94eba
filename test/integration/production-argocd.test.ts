// Season 2 with two real clusters and a real Argo CD, on the laptop path (Create a Cluster → kind),
// with the production cluster, the `kind` stand-in and the learner's Git repository of
// production-season.ts:
// - Argo CD's application controller and repo server (v3.2.11, built from Go modules by
//   `bash test/components/build.sh argocd`, each with an in-process Redis) run out of cluster
//   against production. They stand in for the chapter's "Install Argo CD" step, which fetches the
//   Helm chart 8.1.3 (Argo CD v3.0) from the internet: the CRDs come from the same module version
//   as the binaries, and what the chart and argocd-server would create besides (the argocd
//   namespace, argocd-cm, argocd-secret, the `default` AppProject) is created by
//   test/components/argocd.ts. v3.2.11 is the newest Argo CD that builds from the Go module proxy
//   (test/components/versions.env says why); its Application API is v3.0's argoproj.io/v1alpha1.
// - The repo server renders Hero's Kustomize overlay with `kustomize build` (the same stand-in the
//   steps use: kubectl's built-in Kustomize) and fetches from the Git host over http.
// No Application status is set by hand: every Argo CD check below passes on what Argo CD's
// controller writes. The one status the test writes is the ingress controller's (no ingress
// controller runs here): the address of Hero's Ingress, which Argo CD needs to call it Healthy.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARGOCD_NAMESPACE, installArgoCd, startArgoCd } from '../components/argocd.ts';
import { builtComponent } from '../components/controllers.ts';
import { kustomizeStandIn } from './bundled-steps.ts';
import { cluster } from './checks/support.ts';
import { ok, run } from './helpers.ts';
import { closeProductionSeason, expectChecks, playStep, startProductionSeason, type ProductionSeason } from './production-season.ts';

const argocd = builtComponent('argocd');
const argocdBuild = 'missing' in argocd ? undefined : argocd;

let season: ProductionSeason;

interface Application {
  metadata: { annotations?: Record<string, string> };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    reconciledAt?: string;
    resources?: { kind: string; name: string; namespace?: string }[];
  };
}

async function application(name: string): Promise<Application> {
  return JSON.parse(await ok(season.productionAdmin, 'kubectl', ['get', 'application', name, '-n', ARGOCD_NAMESPACE, '-o', 'json'])) as Application;
}

/** What `argocd app get NAME --refresh` does: ask the controller to compare with Git now rather than at its next poll (every 3 minutes). */
async function requestRefresh(name: string): Promise<void> {
  await ok(season.productionAdmin, 'kubectl', ['annotate', '--overwrite', '-n', ARGOCD_NAMESPACE, 'application', name, 'argocd.argoproj.io/refresh=normal']);
}

describe.skipIf('missing' in argocd)(`Argo CD for real, in a second cluster${'missing' in argocd ? ` (skipped: ${argocd.missing})` : ''}`, () => {
  beforeAll(async () => {
    if ('missing' in argocd) return;
    season = await startProductionSeason();
    await playStep(season, 'production/cluster/kind', 'Check for kind');
    await playStep(season, 'production/cluster/kind', 'Start the production cluster');
    await playStep(season, 'production/gitops', 'Prepare the GitOps repository');
    await playStep(season, 'production/gitops', 'Create the production namespace in production');
  }, 180_000);

  afterAll(() => closeProductionSeason(season));
  afterEach(async (ctx) => {
    // A failing test shows what Argo CD wrote: each Application's sync, health and conditions.
    if (ctx.task.result?.state !== 'fail' || !season) return;
    const apps = await run(season.productionAdmin, 'kubectl', ['get', 'applications', '-n', ARGOCD_NAMESPACE, '-o', 'json']);
    for (const app of (JSON.parse(apps.stdout || '{"items":[]}') as { items: { metadata: { name: string }; status?: object }[] }).items) {
      console.log(`Application ${app.metadata.name}: ${JSON.stringify(app.status, null, 1)}`);
    }
  });

  it('GitOps with Argo CD: the chapter\'s Applications infra and apps become Synced and Healthy as Argo CD\'s controller reconciles them', async () => {
    const dir = join(season.sandbox.home, 'argocd');
    // In place of "Install Argo CD (chart 8.1.3)": the CRDs and settings, without the controllers yet.
    await installArgoCd(argocdBuild!.crdDir, cluster.binDir, season.production.kubeconfig, dir);
    const output = await playStep(season, 'production/gitops/argocd', 'Point Argo CD at your repository');
    expect(output).toMatch(/application\.argoproj\.io\/infra (created|configured)/);
    expect(season.vars).toMatchObject({ TRAIL_GITOPS: 'Argo CD' });
    // No controller runs yet: neither Application has a status.
    await expectChecks(season, 'production/gitops/argocd', season.deadKubeconfig, { 'infra-synced': 'failed', 'apps-synced': 'failed' }, 60_000);
    season.controllers = await startArgoCd(argocdBuild!.binDir, season.production.kubeconfig, dir, `${cluster.binDir}:${kustomizeStandIn(season.sandbox.home)}`);
    await expectChecks(season, 'production/gitops/argocd', season.deadKubeconfig, { 'infra-synced': 'passed', 'apps-synced': 'passed' });
    // Argo CD compared production with the commit the chapter pushed.
    const revision = execFileSync('git', ['--git-dir', season.gitDir, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect((await application('apps')).status?.sync?.revision).toBe(revision);
    // The chapter wrote its Applications to production: Argo CD's controller, which talks to production
    // only, found and reconciled them there (the management cluster is shared with other test files,
    // which may hold stand-in Applications of their own, so their absence there proves nothing).
    expect((await application('apps')).status?.reconciledAt).toBeTruthy();
  }, 300_000);

  it('Kustomize through Argo CD: the repo server renders the pushed overlay, the controller creates Hero\'s Deployment, which becomes Available, and the Application hero is Synced and Healthy', async () => {
    season.vars = { ...season.vars, PROD_HOST: 'hero.127.0.0.1.nip.io', PROD_URL: 'http://hero.127.0.0.1.nip.io', PROD_INGRESS_CLASS: 'nginx' };
    await playStep(season, 'production/app/kustomize', 'Write the production overlay');
    await playStep(season, 'production/app/kustomize', 'Put Hero\'s Kustomize folder into the repository');
    await playStep(season, 'production/app/gitops', 'Argo CD: an Application for Hero');
    await playStep(season, 'production/app/gitops', 'Commit and push');
    expect((await run(season.productionAdmin, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production'])).code).not.toBe(0);
    const choose = { 'production/gitops': 'argocd' };
    await expectChecks(season, 'production/app/gitops', season.deadKubeconfig, { 'argocd-hero': 'failed' }, 60_000, choose);
    await requestRefresh('apps');
    // Argo CD syncs Hero and sees the Deployment Available, but calls an Ingress without an address
    // Progressing: the Season's ingress controller (the Ingress chapter, before this one) gives it
    // one. None runs here, so the check of Hero's Application fails, saying so.
    const before = await expectChecks(season, 'production/app/gitops', season.deadKubeconfig, { 'argocd-hero': 'failed', 'hero-available': 'passed' }, 240_000, choose);
    expect(before.find((c) => c.id === 'argocd-hero')!.reason).toBe('Application argocd/hero: status.health.status: expected "Healthy", found "Progressing"');
    expect((await application('hero')).status?.sync?.status).toBe('Synced');
    // What the ingress controller writes once its load balancer has an address; Argo CD's own health
    // assessment then makes the Application Healthy.
    await ok(season.productionAdmin, 'kubectl', ['patch', 'ingress', 'hero', '-n', 'production', '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } } })]);
    // Checked for the Argo CD path (the workspace has no saved choice): the check of Hero's Application runs too.
    const checks = await expectChecks(season, 'production/app/gitops', season.deadKubeconfig, { 'argocd-hero': 'passed', 'hero-available': 'passed', 'http-answers': 'failed' }, 180_000, choose);
    expect(checks.filter((c) => c.status === 'not-applicable').map((c) => c.id)).toEqual(['flux-hero', 'kapp-hero']);
    // Nothing listens on the production host here: that check fails, and only for that reason.
    expect(checks.find((c) => c.id === 'http-answers')!.reason).toMatch(/^GET http:\/\/hero\.127\.0\.0\.1\.nip\.io\/: /);
    // The Application `apps` created `hero` from apps/hero.yaml, and `hero` lists Hero's Deployment as its own.
    expect((await application('apps')).status?.resources).toContainEqual(expect.objectContaining({ kind: 'Application', name: 'hero', namespace: ARGOCD_NAMESPACE }));
    expect((await application('hero')).status?.resources).toContainEqual(expect.objectContaining({ kind: 'Deployment', name: 'hero', namespace: 'production' }));
    const deployment = JSON.parse(await ok(season.productionAdmin, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production', '-o', 'json'])) as {
      metadata: { annotations: Record<string, string> };
      spec: Record<string, any>;
    };
    // Argo CD v3 tracks what it applied with an annotation naming the Application.
    expect(deployment.metadata.annotations['argocd.argoproj.io/tracking-id']).toMatch(/^hero:apps\/Deployment:production\/hero$/);
    expect(deployment.spec.template.spec.containers[0].image).toBe('localhost/hero:0.2.0');
    // The management cluster has no Hero: production is where it runs.
    expect((await run(season.sandbox, 'kubectl', ['get', 'deployment', 'hero', '-n', 'production'])).code).not.toBe(0);
  }, 360_000);
});
