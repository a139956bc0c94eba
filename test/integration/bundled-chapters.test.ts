// The bundled journey's chapters that need no internet, played for real against the local
// control plane: the learner's workspace from `hero-journey init`, Hero deployed from its Helm
// chart and from its Kustomize overlay with a local image reference, then HTTPS (the Certificate,
// the Ingress tls section, the hero-tls Secret) and the database wiring (the hero-db-app Secret,
// the Deployment's env), each followed by `hero-journey check <chapter>` as a learner would run it.
//
// The steps are the chapters' own code, run by the same step runner `play` uses. What the
// control plane cannot do is said where the test does it in its place:
// - kwok's fake nodes make Pods Ready and Deployments Available, but nothing listens: the checks
//   that ask Hero over HTTP(S) through the ingress must fail, and only because nothing answers;
// - no cert-manager controller runs: the test sets the ClusterIssuer's and the Certificate's Ready
//   conditions and makes the certificate (self-signed, with openssl) that cert-manager would have
//   stored in hero-tls;
// - no kustomize CLI: the test writes what `kustomize edit` would write, and kubectl builds.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJourney } from '../../src/journey/load.ts';
import type { Journey } from '../../src/journey/model.ts';
import type { Sandbox } from '../cluster/testenv.ts';
import { runBin } from '../e2e/cli.ts';
import { checkChapter, playChapterStep, type CheckJson } from './bundled-steps.ts';
import { cluster, installCertManagerCrds, ready, setStatus } from './checks/support.ts';
import { ok, run } from './helpers.ts';

const exec = promisify(execFile);
const chaptersDir = fileURLToPath(new URL('../../chapters', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/bundled/', import.meta.url));
// The chapters' checks name this namespace themselves (it is the journey's NAMESPACE default).
const NS = 'dev';
const HOST = 'hero.127.0.0.1.nip.io';

let sandbox: Sandbox;
let env: Record<string, string>;
let journey: Journey;
let workspace = '';
let tmp = '';
/** The journey's variables as play would hold them: defaults, then what steps captured. */
let vars: Record<string, string> = {};

/** Run one step of a bundled chapter, found by its title, in the workspace, as `play` runs it. */
async function playStep(chapterId: string, title: string, extra: Record<string, string> = {}): Promise<string> {
  const { output, captured } = await playChapterStep(journey, chapterId, title, { cwd: workspace, env, vars: { ...vars, ...extra }, timeoutSeconds: 60 });
  vars = { ...vars, ...captured };
  return output;
}

/** `hero-journey check CHAPTER --json` with the built CLI, in the workspace, with the journey's variables. */
function check(chapterId: string): Promise<{ code: number | null; checks: CheckJson[] }> {
  return checkChapter(chapterId, { cwd: workspace, env, vars });
}

/** The reasons a check that asks Hero over the network gives when nothing answers (and only those). */
const unreachable = (url: string) =>
  new RegExp(`^GET ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (nothing answers at |the host name of |.*(ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed out|timeout))`);

/**
 * `hero-journey check CHAPTER`: every check passes, except those listed, which fail only because
 * nothing answers at their URL. Run again (up to 10 s) while a check that must pass does not: the
 * steps waited for the rollout, but under load a Deployment's status can drop back for a moment,
 * as play's gate allows for by retrying until each check's timeout.
 */
async function expectChecks(chapterId: string, passing: string[], networkBound: Record<string, string> = {}) {
  let result = await check(chapterId);
  for (let attempt = 1; attempt < 10 && passing.some((id) => result.checks.find((c) => c.id === id)?.status !== 'passed'); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result = await check(chapterId);
  }
  expectOutcomes(result, passing, networkBound);
}

/** Every check passes, except those listed, which fail only because nothing answers at their URL. */
function expectOutcomes(result: { code: number | null; checks: CheckJson[] }, passing: string[], networkBound: Record<string, string> = {}) {
  expect(result.checks.map((c) => c.id).sort()).toEqual([...passing, ...Object.keys(networkBound)].sort());
  for (const id of passing) expect(result.checks.find((c) => c.id === id), JSON.stringify(result.checks.find((c) => c.id === id))).toMatchObject({ status: 'passed' });
  for (const [id, url] of Object.entries(networkBound)) {
    expect(result.checks.find((c) => c.id === id), id).toMatchObject({ status: 'failed', reason: expect.stringMatching(unreachable(url)) });
  }
  expect(result.code).toBe(Object.keys(networkBound).length === 0 ? 0 : 1);
}

async function kubectlJson(args: string[]): Promise<Record<string, any>> {
  return JSON.parse(await ok(sandbox, 'kubectl', [...args, '-o', 'json'])) as Record<string, any>;
}

/** What cert-manager would do for Hero's Certificate, done by the test (no controller runs here). */
async function playCertManager(): Promise<void> {
  const certificate = await kubectlJson(['get', 'certificate', 'hero', '-n', NS]);
  expect(certificate.spec).toMatchObject({ secretName: 'hero-tls', dnsNames: [vars.APP_HOST], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } });
  const key = join(tmp, 'hero-tls.key');
  const crt = join(tmp, 'hero-tls.crt');
  await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', `/CN=${vars.APP_HOST}`, '-addext', `subjectAltName=DNS:${vars.APP_HOST}`]);
  const secret = await ok(sandbox, 'kubectl', ['create', 'secret', 'tls', 'hero-tls', '-n', NS, `--cert=${crt}`, `--key=${key}`, '--dry-run=client', '-o', 'yaml']);
  await applyYaml(secret);
  // The statuses only cert-manager's controller would set: the issuer registered, the Certificate issued.
  await applyYaml('apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\nspec:\n  acme: {}\n');
  await setStatus('clusterissuers', 'letsencrypt', undefined, ready('True', 'ACMEAccountRegistered'));
  await setStatus('certificates', 'hero', NS, ready('True'));
}

/**
 * checks/bundled.test.ts proves the HTTPS assert on a Certificate hero of its own in the same
 * namespace (and leaves it), which Helm would refuse to take over: remove it just before Helm
 * creates Hero's.
 */
async function removeForeignCertificate(): Promise<void> {
  const leftover = await run(sandbox, 'kubectl', ['get', 'certificate', 'hero', '-n', NS, '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}']);
  if (leftover.code === 0 && leftover.stdout !== 'Helm') await ok(sandbox, 'kubectl', ['delete', 'certificate', 'hero', '-n', NS]);
}

async function applyYaml(yaml: string): Promise<void> {
  const file = join(tmp, `apply-${Date.now()}.yaml`);
  writeFileSync(file, yaml);
  await ok(sandbox, 'kubectl', ['apply', '-f', file]);
}

async function dbEnv(): Promise<Record<string, string>> {
  const deployment = await kubectlJson(['get', 'deployment', 'hero', '-n', NS]);
  const container = deployment.spec.template.spec.containers[0] as { env?: Array<{ name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }> };
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
}

const wiredToDb = { DB_HOST: 'hero-db-app/host', DB_PORT: 'hero-db-app/port', DB_USER: 'hero-db-app/username', DB_PASSWORD: 'hero-db-app/password', DB_NAME: 'hero-db-app/dbname', DB_SSLMODE: 'hero-db-app/sslmode' };

beforeAll(async () => {
  if (!existsSync(join(fileURLToPath(new URL('../../dist', import.meta.url)), 'cli'))) throw new Error('run `npm run build` first: this test runs the built CLI');
  sandbox = cluster.sandbox();
  env = Object.fromEntries(Object.entries(sandbox.env).filter((e): e is [string, string] => e[1] !== undefined));
  tmp = mkdtempSync(join(sandbox.home, 'tmp-'));
  journey = await loadJourney(chaptersDir);
  vars = { ...journey.vars, IMAGE_REPO: 'localhost/hero', IMAGE_TAG: 'test', IMAGE: 'localhost/hero:test' };
  workspace = join(sandbox.home, 'hero');
  const init = await runBin(['init', workspace], { cwd: sandbox.home, env });
  expect(init.exitCode, init.stderr).toBe(0);
  await installCertManagerCrds();
  await ok(sandbox, 'kubectl', ['apply', '-f', join(fixtures, 'cert-manager-acme-crds.yaml')]);
  await ok(sandbox, 'kubectl', ['wait', '--for=condition=Established', 'crd/certificaterequests.cert-manager.io', 'crd/orders.acme.cert-manager.io', 'crd/challenges.acme.cert-manager.io', '--timeout=30s']);
  await playStep('setup', 'Create the dev namespace');
  // The address the setup chapter would find for the ingress controller: none runs here.
  await playStep('setup/nip-io', 'Give Hero its name', { INGRESS_IP: '127.0.0.1' });
  expect(vars).toMatchObject({ APP_HOST: HOST, APP_URL: `http://${HOST}`, TLS_ENABLED: 'false' });
});

afterAll(async () => {
  if (!sandbox) return;
  // Everything this test created in dev goes; the namespace itself stays, because
  // checks/bundled.test.ts may be using it at the same moment (it leaves it too).
  await run(sandbox, 'helm', ['uninstall', 'hero', '-n', NS, '--ignore-not-found']);
  if (workspace) await run(sandbox, 'kubectl', ['delete', '-k', join(workspace, 'kustomize', 'overlays', 'dev'), '--ignore-not-found']);
  await run(sandbox, 'kubectl', ['delete', 'secret', 'hero-tls', 'hero-db-app', '-n', NS, '--ignore-not-found']);
  await run(sandbox, 'kubectl', ['delete', 'clusterissuer', 'letsencrypt', '--ignore-not-found']);
  sandbox.cleanup();
});

describe('the Helm trail', () => {
  it('define-app/helm: the chart installs with a local image, Hero becomes Available', async () => {
    const output = await playStep('define-app/helm', 'Deploy Hero with Helm');
    expect(output).toContain('deployed');
    const deployment = await kubectlJson(['get', 'deployment', 'hero', '-n', NS]);
    expect(deployment.spec.template.spec.containers[0].image).toBe('localhost/hero:test');
    const ingress = await kubectlJson(['get', 'ingress', 'hero', '-n', NS]);
    expect(ingress.spec.rules[0].host).toBe(HOST);
    expect(ingress.spec.tls).toBeUndefined();
    await expectChecks('define-app/helm', ['hero-available'], { 'http-answers': `${vars.APP_URL}/` });
  });

  it('https/cert-manager-helm: tls.enabled adds the Certificate and the Ingress tls; the Certificate and hero-tls checks pass', async () => {
    await removeForeignCertificate();
    await playStep('https/cert-manager-helm', 'Upgrade Hero with TLS switched on');
    expect(vars.TLS_ENABLED).toBe('true');
    const ingress = await kubectlJson(['get', 'ingress', 'hero', '-n', NS]);
    expect(ingress.spec.tls).toEqual([{ hosts: [HOST], secretName: 'hero-tls' }]);
    await playCertManager();
    await playStep('https/cert-manager-helm', 'Watch cert-manager at work');
    const read = await playStep('https/cert-manager-helm', 'Read Hero\'s certificate (needs openssl)');
    expect(read).toContain(`DNS:${HOST}`);
    await expectChecks('https/cert-manager-helm', ['issuer-ready', 'certificate-ready', 'tls-secret-valid'], { 'https-answers': `https://${HOST}/` });
  });

  it('db/connect and db/connect-helm: the credentials Secret has every key, db.enabled wires it into Hero', async () => {
    // The in-cluster database chapters need charts from the internet; the Secret they leave
    // behind is made by the Crossplane chapter's own step (the others' operators make the same keys).
    await playStep('db/crossplane-local', 'Create the credentials Secret');
    await expectChecks('db/connect', ['secret-has-keys']);
    await playStep('db/connect', 'Look at the Secret (sizes, not values)');
    await playStep('db/connect-helm', 'Upgrade Hero with its database');
    expect(await dbEnv()).toEqual(wiredToDb);
    // HTTPS stays as it was.
    expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.tls).toHaveLength(1);
    // Play's gate waits for the rollout (timeout 5m); a single `check` right after the upgrade must too.
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=120s']);
    await expectChecks('db/connect-helm', ['hero-available'], { 'postgres-accepts-connections': `${vars.APP_URL}/db` });
  });

  it('develop/devspace: dev mode gives Hero room to compile and drops its liveness probe, keeping image, HTTPS and database', async () => {
    const before = await kubectlJson(['get', 'deployment', 'hero', '-n', NS]);
    await playStep('develop/devspace', 'Switch on dev mode (Helm)');
    const deployment = await kubectlJson(['get', 'deployment', 'hero', '-n', NS]);
    const hero = deployment.spec.template.spec.containers[0];
    expect(hero.resources.limits.memory).toBe('2Gi');
    expect(hero.livenessProbe).toBeUndefined();
    expect(hero.securityContext).toBeUndefined();
    expect(deployment.spec.template.spec.securityContext ?? {}).toEqual({});
    // --reuse-values: what earlier chapters set stays.
    expect(hero.image).toBe(before.spec.template.spec.containers[0].image);
    expect(await dbEnv()).toEqual(wiredToDb);
    expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.tls).toHaveLength(1);
  });

  it('the release goes, so the Kustomize trail starts from nothing', async () => {
    await ok(sandbox, 'helm', ['uninstall', 'hero', '-n', NS, '--wait']);
    await ok(sandbox, 'kubectl', ['delete', 'secret', 'hero-tls', 'hero-db-app', '-n', NS]);
    expect((await run(sandbox, 'kubectl', ['get', 'deployment', 'hero', '-n', NS])).code).not.toBe(0);
  });
});

describe('the Kustomize trail', () => {
  const overlay = () => join(workspace, 'kustomize', 'overlays', 'dev');
  const kustomization = () => join(overlay(), 'kustomization.yaml');

  it('define-app/kustomize: the dev overlay applies with a local image, Hero becomes Available', async () => {
    vars = { ...vars, TLS_ENABLED: 'false', APP_URL: `http://${HOST}` };
    // What the chapter's `kustomize edit set image "hero=${IMAGE}"` and settings.env line write.
    const text = readFileSync(kustomization(), 'utf8');
    const edited = text.replace(/- name: hero\n {4}newName: hero\n {4}newTag: 0\.1\.0/, '- name: hero\n    newName: localhost/hero\n    newTag: test');
    expect(edited).not.toBe(text);
    writeFileSync(kustomization(), edited);
    writeFileSync(join(overlay(), 'settings.env'), `host=${vars.APP_HOST}\n`);
    await ok(sandbox, 'kubectl', ['apply', '-k', overlay()]);
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=60s']);
    const deployment = await kubectlJson(['get', 'deployment', 'hero', '-n', NS]);
    expect(deployment.spec.template.spec.containers[0].image).toBe('localhost/hero:test');
    expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.rules[0].host).toBe(HOST);
    // The settings ConfigMap only feeds the replacements: it is not applied.
    expect((await run(sandbox, 'kubectl', ['get', 'configmap', 'hero-settings', '-n', NS])).code).not.toBe(0);
    await expectChecks('define-app/kustomize', ['hero-available'], { 'http-answers': `${vars.APP_URL}/` });
  });

  it('https/cert-manager-kustomize: the tls component adds the Certificate and the Ingress tls for the overlay\'s host', async () => {
    // What `kustomize edit add component ../../components/tls` writes.
    writeFileSync(kustomization(), readFileSync(kustomization(), 'utf8').replace('components: []', 'components:\n  - ../../components/tls'));
    vars = { ...vars, TLS_ENABLED: 'true' };
    await ok(sandbox, 'kubectl', ['apply', '-k', overlay()]);
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=60s']);
    expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.tls).toEqual([{ hosts: [HOST], secretName: 'hero-tls' }]);
    await playCertManager();
    await playStep('https/cert-manager-kustomize', 'Watch cert-manager at work');
    await expectChecks('https/cert-manager-kustomize', ['issuer-ready', 'certificate-ready', 'tls-secret-valid'], { 'https-answers': `https://${HOST}/` });
  });

  it('db/connect-kustomize: the db component wires the Secret into Hero, HTTPS stays', async () => {
    await playStep('db/crossplane-local', 'Create the credentials Secret');
    await expectChecks('db/connect', ['secret-has-keys']);
    // What `kustomize edit add component ../../components/db` writes.
    writeFileSync(kustomization(), readFileSync(kustomization(), 'utf8').replace('  - ../../components/tls', '  - ../../components/tls\n  - ../../components/db'));
    await ok(sandbox, 'kubectl', ['apply', '-k', overlay()]);
    await ok(sandbox, 'kubectl', ['rollout', 'status', 'deployment/hero', '-n', NS, '--timeout=60s']);
    expect(await dbEnv()).toEqual(wiredToDb);
    expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.tls).toHaveLength(1);
    await expectChecks('db/connect-kustomize', ['hero-available'], { 'postgres-accepts-connections': `${vars.APP_URL}/db` });
  });
});
