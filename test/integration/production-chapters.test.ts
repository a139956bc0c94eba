// Season 2 of the bundled journey against the local control plane, with two clusters as the
// learner has them: the management cluster is the learner's own kubeconfig (KUBECONFIG), and
// the production cluster is the kubeconfig a chapter keeps in the workspace. Here both reach the
// same API server, as different users: the production one is a client certificate the test
// mints, handed over the way a Composition hands it over (a Secret the chapter's step decodes).
// Chapters that name `kubeconfig: ${PROD_KUBECONFIG}` are checked with the learner's KUBECONFIG
// pointing at a port where nothing listens: they pass only by using the workspace's file.
//
// The steps are the chapters' own code, run as play runs them (the chapter's kubeconfig in the
// environment). What the control plane cannot do is done by the test, and said where:
// - no Argo CD, Flux, kapp-controller, Cluster API or Crossplane runs here: their CRDs are installed
//   (fixtures/production/crds.yaml) and the test sets each status as the controller would; the
//   chapters' checks must fail before and pass after (production-flux.test.ts runs Flux's
//   source-controller and kustomize-controller for real, in a second control plane, and
//   production-capi.test.ts Cluster API's core controller manager). Crossplane cannot be built
//   here (the Go module proxy refuses its modules), so the database claim's Ready and host are set
//   by the test;
// - the database itself is real: a PostgreSQL server from Debian's `postgresql` package, run as a
//   local process on port 5432 of a loopback address of its own (the claim's host), with the role
//   and database a cloud would make from the connection Secret; Hero is its own Go program, built
//   from the workspace and run as a local process with the environment the kubelet would give its
//   Deployment from that Secret, and the chapter's check asks its /db endpoint (skipped, saying why,
//   where PostgreSQL is not installed);
// - the GitOps repository is a local bare repository; the test applies what GitOps would apply
//   from it (Hero's chart rendered with the committed production values, the Kustomize overlay
//   built from the repository);
// - no kustomize CLI: a stand-in runs kubectl's built-in Kustomize for `build` and writes what
//   `kustomize edit set image` would. (ytt and cdk8s are not built here: their chapters are
//   played by the dry-run paths test only.)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journey } from '../../src/journey/model.ts';
import type { Sandbox } from '../cluster/testenv.ts';
import { bundledWorkspace, checkChapter, kustomizeStandIn, playChapterStep, type CheckJson } from './bundled-steps.ts';
import { cluster, mergePatch, adminApi } from './checks/support.ts';
import { ok, run } from './helpers.ts';
import { buildHeroApp, runHeroApp } from '../components/https-stack.ts';
import { postgresUnavailable, startPostgres, type Postgres } from '../components/postgres.ts';

const exec = promisify(execFile);
const crds = fileURLToPath(new URL('./fixtures/production/crds.yaml', import.meta.url));
const NS = 'production';
const postgresMissing = postgresUnavailable();

let sandbox: Sandbox;
let env: Record<string, string>;
let journey: Journey;
let workspace = '';
/** A kubeconfig whose server does not answer: the learner's own, while production chapters are checked. */
let deadKubeconfig = '';
/** The production cluster's kubeconfig, as a Composition would hand it over. */
let productionKubeconfig = '';
let vars: Record<string, string> = {};

/** Run one step of a bundled chapter, found by its title, as `play` runs it (with the chapter's kubeconfig, if it names one). */
async function playStep(chapterId: string, title: string, extra: Record<string, string> = {}): Promise<string> {
  const { output, captured } = await playChapterStep(journey, chapterId, title, { cwd: workspace, env, vars: { ...vars, ...extra }, timeoutSeconds: 120 });
  vars = { ...vars, ...captured };
  return output;
}

/** `hero-journey check CHAPTER --json` with the built CLI in the workspace, the learner's KUBECONFIG as given. */
function check(chapterId: string, kubeconfig: string, choose: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<{ code: number | null; checks: CheckJson[] }> {
  return checkChapter(chapterId, { cwd: workspace, env: { ...env, KUBECONFIG: kubeconfig }, vars: { ...vars, ...extra }, choose });
}

/** The outcome of each named check, run again (up to 10 s) until they are as expected; `choose` picks the path (`--choose`). */
async function expectChecks(
  chapterId: string,
  kubeconfig: string,
  expected: Record<string, 'passed' | 'failed' | 'not-applicable'>,
  choose: Record<string, string> = {},
  extra: Record<string, string> = {},
): Promise<CheckJson[]> {
  let result = await check(chapterId, kubeconfig, choose, extra);
  const matches = () => Object.entries(expected).every(([id, status]) => result.checks.find((c) => c.id === id)?.status === status);
  for (let attempt = 1; attempt < 10 && !matches(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result = await check(chapterId, kubeconfig, choose, extra);
  }
  for (const [id, status] of Object.entries(expected)) {
    expect(result.checks.find((c) => c.id === id), `${chapterId}: ${JSON.stringify(result.checks)}`).toMatchObject({ status });
  }
  return result.checks;
}

/** Set an object's status as its controller would (a merge patch on the status subresource, or on the object when it has none). */
async function setStatus(group: string, version: string, plural: string, namespace: string, name: string, status: object, subresource = true): Promise<void> {
  const { custom } = adminApi();
  const common = { group, version, plural, namespace, name, body: { status } };
  if (subresource) await custom.patchNamespacedCustomObjectStatus(common, mergePatch);
  else await custom.patchNamespacedCustomObject(common, mergePatch);
}

const condition = (type: string, status: 'True' | 'False' = 'True') => ({
  conditions: [{ type, status, reason: status === 'True' ? 'Succeeded' : 'Progressing', message: '', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
});

beforeAll(async () => {
  sandbox = cluster.sandbox();
  ({ journey, env, workspace, deadKubeconfig } = await bundledWorkspace(sandbox));
  productionKubeconfig = cluster.mintUser('hero-production-admin', ['system:masters']);
  await ok(sandbox, 'kubectl', ['apply', '-f', crds]);
  await ok(sandbox, 'kubectl', ['wait', '--for=condition=Established', '--timeout=30s', ...Array.from(readFileSync(crds, 'utf8').matchAll(/^  name: (\S+)$/gm), (m) => `crd/${m[1]}`)]);
  // A bare repository stands in for the learner's repository on a Git host.
  const remote = join(sandbox.home, 'hero-production.git');
  await exec('git', ['init', '--bare', '--initial-branch=main', remote]);
  vars = { ...journey.vars, IMAGE_REPO: 'localhost/hero', IMAGE_TAG: '0.1.0', GITOPS_REPO_URL: `file://${remote}`, GITOPS_BRANCH: 'main' };
  await playStep('production', 'Make room on the management cluster');
  await playStep('production', 'Pick Hero\'s production image', { PROD_IMAGE_TAG: '0.2.0' });
  vars.PROD_IMAGE_TAG = '0.2.0';
  expect(vars.PROD_IMAGE).toBe('localhost/hero:0.2.0');
}, 120_000);

afterAll(async () => {
  if (!sandbox) return;
  await run(sandbox, 'kubectl', ['delete', 'namespace', NS, 'argocd', 'flux-system', 'carvel-apps', 'ingress-nginx', '--ignore-not-found', '--wait=false']);
  await run(sandbox, 'kubectl', ['delete', 'clusterrolebinding', 'hero-gitops', '--ignore-not-found']);
  sandbox.cleanup();
});

describe('management and production clusters', () => {
  it('Crossplane: the claim waits until Ready; the production kubeconfig is decoded into the workspace, and only into it', async () => {
    const claimed = playStep('production/cluster/crossplane-google', 'Claim the production cluster');
    // Crossplane's part: the claim becomes Ready and its connection Secret holds the new cluster's kubeconfig.
    await ok(sandbox, 'kubectl', ['wait', '--for=create', 'clusterclaim/production', '-n', NS, '--timeout=60s']);
    const before = await check('production/cluster/crossplane-google', sandbox.kubeconfig);
    expect(before.checks.find((c) => c.id === 'cluster-claim-ready')).toMatchObject({ status: 'failed', reason: expect.stringContaining('Ready') });
    await setStatus('devopstoolkitseries.com', 'v1alpha1', 'clusterclaims', NS, 'production', condition('Ready'));
    await ok(sandbox, 'kubectl', ['create', 'secret', 'generic', 'production-cluster', '-n', NS, `--from-file=kubeconfig=${productionKubeconfig}`]);
    await claimed;
    expect(vars).toMatchObject({ CLUSTER_CLOUD: 'google', TRAIL_CLUSTER: 'Crossplane (Google GKE)' });
    const before0 = readFileSync(sandbox.kubeconfig, 'utf8');
    const output = await playStep('production/cluster/crossplane-google', 'Keep the production kubeconfig in the workspace');
    expect(output).toMatch(/Ready/); // kubectl get nodes, through the new file
    const kept = join(workspace, 'kubeconfig-production.yaml');
    expect(readFileSync(kept, 'utf8')).toBe(readFileSync(productionKubeconfig, 'utf8'));
    expect(statSync(kept).mode & 0o077).toBe(0);
    // The learner's own kubeconfig is never edited.
    expect(readFileSync(sandbox.kubeconfig, 'utf8')).toBe(before0);
    await expectChecks('production/cluster/crossplane-google', sandbox.kubeconfig, { 'cluster-claim-ready': 'passed' });
  });

  it('Cluster API: the Cluster check reads the management cluster, and passes once the Cluster is Provisioned', async () => {
    await ok(sandbox, 'kubectl', ['apply', '-n', NS, '-f', writeYaml('capi-cluster.yaml', 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: production\nspec: {}\n')]);
    const pending = await expectChecks('production/cluster/capi-aws', sandbox.kubeconfig, { 'cluster-provisioned': 'failed' });
    expect(pending[0]!.reason).toMatch(/phase/);
    await setStatus('cluster.x-k8s.io', 'v1beta1', 'clusters', NS, 'production', { phase: 'Provisioned', controlPlaneReady: true, infrastructureReady: true });
    await expectChecks('production/cluster/capi-aws', sandbox.kubeconfig, { 'cluster-provisioned': 'passed' });
    // With the learner's kubeconfig pointing elsewhere, a management-cluster chapter does not pass.
    const elsewhere = await check('production/cluster/capi-aws', deadKubeconfig);
    expect(elsewhere.checks[0]!.status).not.toBe('passed');
  });

  it('a chapter that names the production kubeconfig checks production with it, whatever KUBECONFIG says', async () => {
    await expectChecks('production/gitops', deadKubeconfig, { 'nodes-ready': 'passed' });
  });
});

describe('GitOps objects, applied by the chapters to production, checked as their controllers report', () => {
  it('the repository: cloned from the learner\'s remote, laid out, pushed', async () => {
    await playStep('production/gitops', 'Prepare the GitOps repository');
    await playStep('production/gitops', 'Create the production namespace in production');
    const files = await exec('git', ['--git-dir', join(sandbox.home, 'hero-production.git'), 'ls-tree', '-r', '--name-only', 'main']);
    expect(files.stdout.split('\n').filter(Boolean).sort()).toEqual(['README.md', 'apps/README.md', 'infra/README.md']);
    // Again: nothing new to commit, and the step still succeeds.
    await playStep('production/gitops', 'Prepare the GitOps repository');
  });

  it('Argo CD: Applications infra and apps, failing until Synced and Healthy', async () => {
    await ok(sandbox, 'kubectl', ['create', 'namespace', 'argocd']);
    await playStep('production/gitops/argocd', 'Point Argo CD at your repository');
    const failing = await expectChecks('production/gitops/argocd', deadKubeconfig, { 'infra-synced': 'failed', 'apps-synced': 'failed' });
    expect(failing.find((c) => c.id === 'infra-synced')!.reason).toMatch(/sync|status/);
    for (const name of ['infra', 'apps']) {
      await setStatus('argoproj.io', 'v1alpha1', 'applications', 'argocd', name, { sync: { status: 'Synced' }, health: { status: 'Healthy' } }, false);
    }
    await expectChecks('production/gitops/argocd', deadKubeconfig, { 'infra-synced': 'passed', 'apps-synced': 'passed' });
    const application = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'application', 'apps', '-n', 'argocd', '-o', 'json'])) as { spec: Record<string, any> };
    expect(application.spec.source).toMatchObject({ repoURL: vars.GITOPS_REPO_URL, targetRevision: 'main', path: 'apps' });
  });

  it('Flux: a GitRepository and two Kustomizations, failing until Ready', async () => {
    await ok(sandbox, 'kubectl', ['create', 'namespace', 'flux-system']);
    await playStep('production/gitops/flux', 'Point Flux at your repository');
    await expectChecks('production/gitops/flux', deadKubeconfig, { 'source-ready': 'failed', 'infra-ready': 'failed', 'apps-ready': 'failed' });
    await setStatus('source.toolkit.fluxcd.io', 'v1', 'gitrepositories', 'flux-system', 'hero', condition('Ready'));
    for (const name of ['infra', 'apps']) await setStatus('kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', 'flux-system', name, condition('Ready'));
    await expectChecks('production/gitops/flux', deadKubeconfig, { 'source-ready': 'passed', 'infra-ready': 'passed', 'apps-ready': 'passed' });
  });

  it('kapp-controller: the Apps\' account and two Apps, failing until ReconcileSucceeded', async () => {
    await playStep('production/gitops/kapp', 'A namespace and an account for the Apps');
    await playStep('production/gitops/kapp', 'Point kapp-controller at your repository');
    await expectChecks('production/gitops/kapp', deadKubeconfig, { 'infra-reconciled': 'failed', 'apps-reconciled': 'failed' });
    await setStatus('kappctrl.k14s.io', 'v1alpha1', 'apps', 'carvel-apps', 'infra', condition('ReconcileFailed'));
    await expectChecks('production/gitops/kapp', deadKubeconfig, { 'infra-reconciled': 'failed' });
    for (const name of ['infra', 'apps']) await setStatus('kappctrl.k14s.io', 'v1alpha1', 'apps', 'carvel-apps', name, condition('ReconcileSucceeded'));
    await expectChecks('production/gitops/kapp', deadKubeconfig, { 'infra-reconciled': 'passed', 'apps-reconciled': 'passed' });
  });
});

describe('the front door', () => {
  it('the address chapter waits for the ingress controller\'s load balancer; its check fails while the address is pending and passes once the cloud gives one', async () => {
    // What the NGINX chapter exports, and what GitOps installs from infra/: the controller's Deployment and its LoadBalancer Service.
    vars = { ...vars, PROD_INGRESS_NAMESPACE: 'ingress-nginx', PROD_INGRESS_SERVICE: 'ingress-nginx-controller', PROD_INGRESS_CLASS: 'nginx' };
    const production = { ...sandbox, env: { ...sandbox.env, KUBECONFIG: productionKubeconfig } };
    await ok(production, 'kubectl', ['create', 'namespace', 'ingress-nginx']);
    await ok(production, 'kubectl', ['create', 'deployment', 'ingress-nginx-controller', '-n', 'ingress-nginx', '--image=registry.k8s.io/ingress-nginx/controller:v1.13.0', '--port=80']);
    await ok(production, 'kubectl', ['expose', 'deployment', 'ingress-nginx-controller', '-n', 'ingress-nginx', '--type=LoadBalancer', '--port=80']);
    await ok(production, 'kubectl', ['rollout', 'status', 'deployment/ingress-nginx-controller', '-n', 'ingress-nginx', '--timeout=120s']);
    const pending = await expectChecks('production/ingress/address', deadKubeconfig, { 'ingress-controller-ready': 'failed' });
    expect(pending[0]!.reason).toBe('Service ingress-nginx/ingress-nginx-controller: the LoadBalancer has no address yet (pending)');
    // The cloud's load balancer controller gives the Service its address: AWS a host name, which may not resolve yet (.invalid never does).
    const giveAddress = (ingress: object) =>
      ok(production, 'kubectl', ['patch', 'service', 'ingress-nginx-controller', '-n', 'ingress-nginx', '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status: { loadBalancer: { ingress: [ingress] } } })]);
    const title = 'Wait for the load balancer\'s address';
    await giveAddress({ hostname: 'hero-lb.invalid' });
    await expect(playStep('production/ingress/address', title)).rejects.toThrow(/host name hero-lb\.invalid does not resolve yet[\s\S]*Run this step again in a minute/);
    expect(vars.PROD_INGRESS_IP).toBeUndefined();
    // A host name that resolves: nip.io gets its IP.
    await giveAddress({ hostname: 'localhost' });
    expect(await playStep('production/ingress/address', title)).toContain("Production's front door: localhost (127.0.0.1)");
    expect(vars).toMatchObject({ PROD_INGRESS_HOST: 'localhost', PROD_INGRESS_IP: '127.0.0.1' });
    // Other clouds give an IP (here one of a documentation range).
    await giveAddress({ ip: '203.0.113.10' });
    expect(await playStep('production/ingress/address', title)).toContain("Production's front door: 203.0.113.10\n");
    expect(vars).toMatchObject({ PROD_INGRESS_HOST: '203.0.113.10', PROD_INGRESS_IP: '203.0.113.10' });
    const passed = await expectChecks('production/ingress/address', deadKubeconfig, { 'ingress-controller-ready': 'passed' });
    expect(passed[0]!.reason).toBe('Service ingress-nginx/ingress-nginx-controller is ready at 203.0.113.10');
  });
});

describe('Hero in production, and its database', () => {
  it('Helm: the chart and the production values (with the chosen image tag) are pushed; rendered from Git, Hero becomes Available', async () => {
    vars = { ...vars, PROD_HOST: 'hero.127.0.0.1.nip.io', PROD_URL: 'http://hero.127.0.0.1.nip.io', PROD_INGRESS_CLASS: 'nginx' };
    const rendered = await playStep('production/app/helm', 'Put Hero\'s chart and production values into the repository');
    expect(rendered).toContain('image: "localhost/hero:0.2.0"');
    await playStep('production/app/helm', 'Flux: a HelmRelease for Hero\'s chart');
    await playStep('production/app/helm', 'Commit and push');
    // What GitOps does next: render the chart from the repository with its values, and apply it.
    const clone = mkdtempSync(join(sandbox.home, 'gitops-'));
    await exec('git', ['clone', '-q', vars.GITOPS_REPO_URL!, clone]);
    expect(readFileSync(join(clone, 'charts/hero/values-production.yaml'), 'utf8')).toMatch(/tag: "0\.2\.0"/);
    expect(readFileSync(join(clone, 'apps/hero.yaml'), 'utf8')).toMatch(/kind: HelmRelease/);
    const manifest = await ok(sandbox, 'helm', ['template', 'hero', join(clone, 'charts/hero'), '--namespace', NS, '-f', join(clone, 'charts/hero/values-production.yaml')]);
    await ok(sandbox, 'kubectl', ['apply', '-n', NS, '-f', writeYaml('hero-production.yaml', manifest)]);
    const ingress = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'ingress', 'hero', '-n', NS, '-o', 'json'])) as { spec: Record<string, any> };
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'hero.127.0.0.1.nip.io' }] });
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=120s']);
    const checks = await expectChecks('production/app/helm', deadKubeconfig, { 'hero-available': 'passed', 'http-answers': 'failed' });
    // Nothing listens on the production host here: that check fails, and only for that reason.
    expect(checks.find((c) => c.id === 'http-answers')!.reason).toMatch(/^GET http:\/\/hero\.127\.0\.0\.1\.nip\.io\/: /);
  });

  it('Kustomize: a production overlay next to dev, built from Git, deploys Hero with the production image, host and class', async () => {
    const path = { PATH: `${kustomizeStandIn(sandbox.home)}:${env.PATH}` };
    // Hero's Helm release from the test above goes, as it would when switching definitions.
    await ok(sandbox, 'kubectl', ['delete', 'deployment,service,ingress', 'hero', '-n', NS, '--ignore-not-found']);
    const built = await playStep('production/app/kustomize', 'Write the production overlay', path);
    expect(built).toContain('image: localhost/hero:0.2.0');
    await playStep('production/app/kustomize', 'Put Hero\'s Kustomize folder into the repository', path);
    expect(vars.HERO_SOURCE_PATH).toBe('hero-kustomize/overlays/production');
    await playStep('production/app/gitops', 'Argo CD: an Application for Hero');
    await playStep('production/app/gitops', 'Commit and push');
    const clone = mkdtempSync(join(sandbox.home, 'gitops-'));
    await exec('git', ['clone', '-q', vars.GITOPS_REPO_URL!, clone]);
    expect(readFileSync(join(clone, 'apps/hero.yaml'), 'utf8')).toMatch(/path: hero-kustomize\/overlays\/production/);
    // What Argo CD does with it: build the overlay from the repository, and apply.
    const manifest = await ok(sandbox, 'kubectl', ['kustomize', join(clone, 'hero-kustomize/overlays/production')]);
    await ok(sandbox, 'kubectl', ['apply', '-f', writeYaml('hero-kustomize.yaml', manifest)]);
    const deployment = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'deployment', 'hero', '-n', NS, '-o', 'json'])) as { spec: Record<string, any> };
    expect(deployment.spec.template.spec.containers[0].image).toBe('localhost/hero:0.2.0');
    const ingress = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'ingress', 'hero', '-n', NS, '-o', 'json'])) as { spec: Record<string, any> };
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'hero.127.0.0.1.nip.io' }] });
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=120s']);
    await expectChecks('production/app/gitops', deadKubeconfig, { 'hero-available': 'passed', 'http-answers': 'failed' });
    // Checked for the Argo CD path (nothing chosen in this workspace): the Application hero must be Synced and Healthy too.
    const argocd = { 'production/gitops': 'argocd' };
    await expectChecks('production/app/gitops', deadKubeconfig, { 'argocd-hero': 'failed', 'flux-hero': 'not-applicable', 'hero-available': 'passed' }, argocd);
    // What Argo CD's Application `apps` does with apps/hero.yaml: apply it; then Argo CD syncs Hero and reports.
    await ok(sandbox, 'kubectl', ['apply', '-f', join(clone, 'apps/hero.yaml')]);
    await setStatus('argoproj.io', 'v1alpha1', 'applications', 'argocd', 'hero', { sync: { status: 'Synced' }, health: { status: 'Healthy' } }, false);
    await expectChecks('production/app/gitops', deadKubeconfig, { 'argocd-hero': 'passed', 'kapp-hero': 'not-applicable' }, argocd);
  });

  it('the database claim goes through Git; the Secret is completed once the claim is Ready; db.enabled is switched on in Git', async () => {
    await playStep('production/db/local', 'Write Hero\'s database claim');
    expect(vars.PROD_DB_LOCATION).toBe('local');
    await playStep('production/db/connect', 'Create the credentials Secret in production');
    await playStep('production/db/connect', 'Commit and push the claim');
    // GitOps applies the claim from the repository; Crossplane makes it Ready.
    const claim = readFileSync(join(workspace, 'gitops/apps/hero-db.yaml'), 'utf8');
    await ok(sandbox, 'kubectl', ['apply', '-f', writeYaml('hero-db.yaml', claim)]);
    await expectChecks('production/db/connect', deadKubeconfig, { 'sql-ready': 'failed', 'secret-has-keys': 'failed' });
    await setStatus('platform.example.org', 'v1alpha1', 'sqls', NS, 'hero-db', condition('Ready'));
    await playStep('production/db/connect', 'Wait for the database, complete the connection Secret');
    await playStep('production/db/connect', 'Helm: db.enabled in the production values');
    await playStep('production/db/connect', 'Commit and push');
    const values = (await exec('git', ['--git-dir', join(sandbox.home, 'hero-production.git'), 'show', 'main:charts/hero/values-production.yaml'])).stdout;
    expect(values).toMatch(/db:\n  enabled: true\n  secretName: hero-db-app/);
    await expectChecks('production/db/connect', deadKubeconfig, { 'sql-ready': 'passed', 'secret-has-keys': 'passed' });
    // Run again, the Secret keeps the password the database was made with.
    const password = await ok(sandbox, 'kubectl', ['get', 'secret', 'hero-db-app', '-n', NS, '-o', 'jsonpath={.data.password}']);
    await playStep('production/db/connect', 'Create the credentials Secret in production');
    expect(await ok(sandbox, 'kubectl', ['get', 'secret', 'hero-db-app', '-n', NS, '-o', 'jsonpath={.data.password}'])).toBe(password);
  });
});

describe.skipIf(postgresMissing)(`Hero and a real PostgreSQL server${postgresMissing ? ` (skipped: ${postgresMissing})` : ''}`, () => {
  let postgres: Postgres | undefined;
  let hero: Awaited<ReturnType<typeof runHeroApp>> | undefined;
  let heroApp = '';
  afterAll(async () => {
    await hero?.stop();
    await postgres?.remove();
  });

  /** Runs Hero again, as its Pod would run after a rollout: with the Deployment's environment as the kubelet resolves it. */
  async function rollOutHero(env?: Record<string, string>): Promise<Record<string, string>> {
    await hero?.stop();
    const resolved = env ?? (await deploymentEnv(NS, 'hero'));
    hero = await runHeroApp(heroApp, join(sandbox.home, 'hero-run'), resolved);
    vars.PROD_URL = hero.url;
    return resolved;
  }
  const reasonOf = (checks: CheckJson[], id: string) => checks.find((c) => c.id === id)!.reason;

  it('Hero reads from its production database with exactly the settings the chapter puts in the Secret; the check fails, with the real error, while it cannot', async () => {
    heroApp = await buildHeroApp(workspace, join(sandbox.home, 'hero-app'));
    // Hero as the production Deployment runs it before the database is switched on (the Kustomize overlay above).
    expect(await rollOutHero()).toEqual({});
    let checks = await expectChecks('production/db/connect', deadKubeconfig, { 'postgres-accepts-connections': 'failed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toBe('Hero has no database settings (configured: false)');

    // The managed database's address, which Crossplane reports on the claim; the server is down for now.
    postgres = await startPostgres();
    await postgres.stop();
    await setStatus('platform.example.org', 'v1alpha1', 'sqls', NS, 'hero-db', { host: postgres.host });
    await playStep('production/db/connect', 'Wait for the database, complete the connection Secret');
    // What GitOps does with the repository: render Hero's chart with the production values (db.enabled) and apply it.
    const clone = mkdtempSync(join(sandbox.home, 'gitops-'));
    await exec('git', ['clone', '-q', vars.GITOPS_REPO_URL!, clone]);
    const manifest = await ok(sandbox, 'helm', ['template', 'hero', join(clone, 'charts/hero'), '--namespace', NS, '-f', join(clone, 'charts/hero/values-production.yaml')]);
    await ok(sandbox, 'kubectl', ['delete', 'deployment,service,ingress', 'hero', '-n', NS, '--ignore-not-found']);
    await ok(sandbox, 'kubectl', ['apply', '-n', NS, '-f', writeYaml('hero-production-db.yaml', manifest)]);
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=120s']);
    const secret = await secretData(NS, 'hero-db-app');
    const env = await rollOutHero();
    expect(env).toEqual({ DB_HOST: postgres.host, DB_PORT: '5432', DB_USER: 'hero', DB_PASSWORD: secret.password, DB_NAME: 'hero', DB_SSLMODE: 'disable' });
    checks = await expectChecks('production/db/connect', deadKubeconfig, { 'hero-available': 'passed', 'postgres-accepts-connections': 'failed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toBe(`Hero cannot connect: cannot connect to ${postgres.host}:5432: dial tcp ${postgres.host}:5432: connect: connection refused`);

    // The server is up, but the database the claim asked for is not made yet.
    await postgres.start();
    checks = await expectChecks('production/db/connect', deadKubeconfig, { 'postgres-accepts-connections': 'failed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toMatch(/^Hero cannot connect: .*password authentication failed for user "hero"$/);

    // What the cloud does for the claim: a database `hero` owned by `hero`, with the password from the Secret.
    await postgres.sql(`CREATE ROLE hero LOGIN PASSWORD '${secret.password}'`);
    await postgres.sql('CREATE DATABASE hero OWNER hero');
    checks = await expectChecks('production/db/connect', deadKubeconfig, { 'sql-ready': 'passed', 'secret-has-keys': 'passed', 'hero-available': 'passed', 'postgres-accepts-connections': 'passed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toMatch(/^Hero is connected to its database \(PostgreSQL \d+\.\d+/);

    // Season 1's schema check asks the same endpoint for the table the schema chapter declares.
    const app = { APP_URL: vars.PROD_URL! };
    const schema = () => expectChecks('db-schema/schemahero', deadKubeconfig, { 'schema-applied': 'failed' }, {}, app);
    expect(reasonOf(await schema(), 'schema-applied')).toBe('connected, but no table quests (tables: [])');
    await postgres.sql('CREATE TABLE quests (id serial PRIMARY KEY, title text NOT NULL); ALTER TABLE quests OWNER TO hero', 'hero');
    await expectChecks('db-schema/schemahero', deadKubeconfig, { 'schema-applied': 'passed' }, {}, app);

    // A password with the characters a URL and a connection string treat specially still works.
    const password = `p@ss:w/rd?#%&=+ 'q"\\é`;
    await postgres.sql(`ALTER ROLE hero PASSWORD '${password.replaceAll("'", "''")}'`);
    await rollOutHero({ ...env, DB_PASSWORD: password });
    await expectChecks('production/db/connect', deadKubeconfig, { 'postgres-accepts-connections': 'passed' });
    await postgres.sql(`ALTER ROLE hero PASSWORD '${secret.password}'`);

    // The server goes away: the check says so again.
    await postgres.stop();
    checks = await expectChecks('production/db/connect', deadKubeconfig, { 'postgres-accepts-connections': 'failed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toContain('connection refused');
  });

  it('a cloud database is reached over TLS only: Hero refuses a server without it, and connects once it has it', async () => {
    // The same chapter, with the database in a cloud (here AWS): the Secret says sslmode=require.
    await playStep('production/db/connect', 'Wait for the database, complete the connection Secret', { PROD_DB_LOCATION: 'aws' });
    expect((await secretData(NS, 'hero-db-app')).uri).toMatch(/\?sslmode=require$/);
    expect(await rollOutHero()).toMatchObject({ DB_HOST: postgres!.host, DB_SSLMODE: 'require' });
    // A server without TLS (or someone in between who says so) gets no plain connection.
    await postgres!.start();
    let checks = await expectChecks('production/db/connect', deadKubeconfig, { 'secret-has-keys': 'passed', 'postgres-accepts-connections': 'failed' });
    expect(reasonOf(checks, 'postgres-accepts-connections')).toBe(`Hero cannot connect: cannot connect to ${postgres!.host}:5432: pq: SSL is not enabled on the server`);
    await postgres!.stop();
    await postgres!.start({ tls: true });
    await expectChecks('production/db/connect', deadKubeconfig, { 'postgres-accepts-connections': 'passed' });
    await postgres!.stop();
    // Back where the earlier chapters left it: the database in the cluster, without TLS.
    await playStep('production/db/connect', 'Wait for the database, complete the connection Secret');
    expect((await secretData(NS, 'hero-db-app')).sslmode).toBe('disable');
  });
});

describe('cleanup', () => {
  it('stops GitOps in production, deletes the database claim and the load balancers, then the production namespace and kubeconfig; run again, it does nothing and succeeds', async () => {
    await ok(sandbox, 'kubectl', ['create', 'service', 'loadbalancer', 'front-door', '--tcp=80:8080', '-n', NS]);
    const cleanup = journey.chapters.get('cleanup')!;
    const productionSteps = cleanup.steps.filter((step) => step.when?.source.includes('"production/cluster"') && step.when.source.includes('!= ""'));
    expect(productionSteps.map((step) => step.title)).toEqual(['Stop GitOps in production, delete the database and the load balancer', 'Remove the production namespace and kubeconfig']);
    for (let round = 1; round <= 2; round++) {
      const output = await playStep('cleanup', 'Stop GitOps in production, delete the database and the load balancer');
      if (round === 1) {
        expect(output).toContain('Production is quiet');
        for (const [kind, namespace, name, field] of [
          ['kustomization', 'flux-system', 'apps', '{.spec.suspend}'],
          ['app', 'carvel-apps', 'apps', '{.spec.paused}'],
        ] as const) {
          expect(await ok(sandbox, 'kubectl', ['get', kind, name, '-n', namespace, '-o', `jsonpath=${field}`]), `${kind} ${name}`).toBe('true');
        }
        expect(await ok(sandbox, 'kubectl', ['get', 'application', 'apps', '-n', 'argocd', '-o', 'jsonpath={.spec.syncPolicy}'])).toBe('');
        expect((await run(sandbox, 'kubectl', ['get', 'sql', 'hero-db', '-n', NS])).code).not.toBe(0);
        expect((await run(sandbox, 'kubectl', ['get', 'service', 'front-door', '-n', NS])).code).not.toBe(0);
      }
      await playStep('cleanup', 'Remove the production namespace and kubeconfig');
      expect(existsSync(join(workspace, 'kubeconfig-production.yaml'))).toBe(false);
    }
    // Without the production kubeconfig, the first step says there is nothing to clean there.
    expect(await playStep('cleanup', 'Stop GitOps in production, delete the database and the load balancer')).toContain('nothing to clean in the production cluster');
  });
});

/** A Secret's keys and decoded values. */
async function secretData(namespace: string, name: string): Promise<Record<string, string>> {
  const secret = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'secret', name, '-n', namespace, '-o', 'json'])) as { data?: Record<string, string> };
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

/** The environment the kubelet gives a Deployment's first container: literal values, and keys of Secrets (read now). */
async function deploymentEnv(namespace: string, name: string): Promise<Record<string, string>> {
  type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } };
  const deployment = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'deployment', name, '-n', namespace, '-o', 'json'])) as { spec: { template: { spec: { containers: { env?: EnvVar[] }[] } } } };
  const env: Record<string, string> = {};
  for (const variable of deployment.spec.template.spec.containers[0]!.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref) {
      const value = (await secretData(namespace, ref.name))[ref.key];
      if (value !== undefined) env[variable.name] = value;
      else if (!ref.optional) throw new Error(`${variable.name}: Secret ${namespace}/${ref.name} has no key ${ref.key} (the kubelet would not start the Pod)`);
    } else throw new Error(`${variable.name}: a value source this test does not resolve: ${JSON.stringify(variable.valueFrom)}`);
  }
  return env;
}

/** Write YAML into the sandbox and return its path. */
function writeYaml(name: string, text: string): string {
  const dir = join(sandbox.home, 'yaml');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
