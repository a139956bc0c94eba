// Season 2's Create a Cluster → Cluster API → AWS path, with Cluster API's real core controller
// manager (built from Go modules by `bash test/components/build.sh cluster-api`, v1.13.6, CRDs of
// the same version) running out of cluster against a management cluster of its own: a second local
// control plane started here, since the run's shared one holds the stand-in CRDs of the same group
// that production-chapters.test.ts installs. The chapter pins Cluster API v1.10.4 (and writes the
// v1beta1 API); v1.13.6 serves v1beta1 through its conversion webhook, which runs here too.
//
// What cannot run here, and what the test does instead (said again where it happens):
// - clusterctl generates the cluster from the provider's template on GitHub: a `clusterctl` stand-in
//   on PATH prints the objects the EKS flavor makes (fixtures/production/capa-eks.yaml), and an
//   `aws` stand-in says the SSH key pair the chapter looks for exists;
// - CAPA, the AWS provider, needs AWS: its two CRDs are installed reduced (capa-crds.yaml), and the
//   test sets only what CAPA reports when EKS is up: the control plane's endpoint and the
//   managed cluster's and control plane's status. Cluster API's core reads that and moves the
//   Cluster to Provisioned itself; the chapter's own step waits for it, and its check must fail
//   before and pass after.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journey } from '../../src/journey/model.ts';
import { startCluster, stopCluster, type ClusterState } from '../cluster/cluster.ts';
import type { Sandbox } from '../cluster/testenv.ts';
import { startClusterApi } from '../components/cluster-api.ts';
import { builtComponent, type Controllers } from '../components/controllers.ts';
import { bundledWorkspace, checkChapter, playChapterStep, writeStandIn, type CheckJson } from './bundled-steps.ts';
import { cluster } from './checks/support.ts';
import { eventually, ok, run } from './helpers.ts';

const capi = builtComponent('cluster-api');
const fixtures = fileURLToPath(new URL('./fixtures/production/', import.meta.url));
const NS = 'production';

let sandbox: Sandbox;
let env: Record<string, string>;
let journey: Journey;
let workspace = '';
let management: ClusterState | undefined;
let controllers: Controllers | undefined;
let vars: Record<string, string> = {};

/** `hero-journey check production/cluster/capi-aws --json`, until the Cluster check has `status` (a generous deadline: a real controller reconciles). */
async function expectProvisioned(status: 'passed' | 'failed'): Promise<CheckJson> {
  let checks: CheckJson[] = [];
  const found = () => checks.find((c) => c.id === 'cluster-provisioned');
  await eventually(
    `cluster-provisioned ${status}`,
    async () => {
      checks = (await checkChapter('production/cluster/capi-aws', { cwd: workspace, env, vars })).checks;
      return found()?.status === status || (await new Promise((resolve) => setTimeout(resolve, 1000)), false);
    },
    120_000,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}\nlast: ${JSON.stringify(checks)}\n${await clusterState()}`);
  });
  return found()!;
}

/** For a failing test's message: the Cluster as stored, and what the manager logged about it. */
async function clusterState(): Promise<string> {
  const objects = await run(sandbox, 'kubectl', ['get', 'clusters.v1beta2.cluster.x-k8s.io,awsmanagedclusters,awsmanagedcontrolplanes', '-n', NS, '-o', 'yaml']);
  const log = controllers ? readFileSync(controllers.logs['cluster-api']!, 'utf8').split('\n').filter((line) => /production|rror/.test(line)).slice(-30).join('\n') : '';
  return `${objects.stdout}${objects.stderr}\n--- cluster-api (about production, and errors):\n${log}`;
}

/** Set what CAPA would, once EKS is up: a merge patch on the object, then on its status. */
async function reportAsCapa(resource: string, name: string, spec: object, status: object): Promise<void> {
  await ok(sandbox, 'kubectl', ['patch', resource, name, '-n', NS, '--type', 'merge', '-p', JSON.stringify({ spec })]);
  await ok(sandbox, 'kubectl', ['patch', resource, name, '-n', NS, '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify({ status })]);
}

describe.skipIf('missing' in capi)(`Cluster API for real, in a management cluster of its own${'missing' in capi ? ` (skipped: ${capi.missing})` : ''}`, () => {
  beforeAll(async () => {
    if ('missing' in capi) return;
    management = await startCluster({ binDir: cluster.binDir, build: false, log: () => {} });
    // The learner's KUBECONFIG is the management cluster: the Cluster API chapters talk to it.
    sandbox = cluster.sandbox(management.kubeconfig);
    ({ journey, env, workspace } = await bundledWorkspace(sandbox));
    const bin = writeStandIn(join(sandbox.home, 'clusterctl-bin'), 'clusterctl', [
      '  "version ") echo "clusterctl version: v1.10.4 (stand-in: prints the EKS flavor\'s objects)" ;;',
      '  "generate cluster") ns=default; while [ $# -gt 0 ]; do [ "$1" = --target-namespace ] && ns=$2; shift; done',
      `    sed "s/__NAMESPACE__/$ns/g" ${JSON.stringify(join(fixtures, 'capa-eks.yaml'))} ;;`,
    ]);
    // `aws`, which the chapter asks whether the SSH key pair exists: it does (an AWS account the learner used before).
    writeStandIn(bin, 'aws', ['  "ec2 describe-key-pairs") echo \'{"KeyPairs": [{"KeyName": "default"}]}\' ;;']);
    env.PATH = `${bin}:${env.PATH}`;
    // The chapter's inputs (the credentials are asked, never used here: no AWS is reached).
    vars = { ...journey.vars, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAHEROJOURNEYTEST1', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' };
    await playChapterStep(journey, 'production', 'Make room on the management cluster', { cwd: workspace, env, vars, timeoutSeconds: 120 });
    await ok(sandbox, 'kubectl', ['apply', '-f', join(fixtures, 'capa-crds.yaml')]);
    await ok(sandbox, 'kubectl', ['wait', '--for=condition=Established', '--timeout=60s', 'crd/awsmanagedclusters.infrastructure.cluster.x-k8s.io', 'crd/awsmanagedcontrolplanes.controlplane.cluster.x-k8s.io']);
    // In place of the chapter's `clusterctl init` (which downloads the providers' release manifests).
    controllers = await startClusterApi(capi.binDir, capi.crdDir, management, join(sandbox.home, 'cluster-api'));
  }, 300_000);

  afterAll(async () => {
    await controllers?.stop();
    if (management) await stopCluster(management);
    sandbox?.cleanup();
  });

  it('the chapter declares the EKS cluster and waits; Cluster API moves it to Provisioned once CAPA reports EKS up, and the chapter\'s check passes only then', async () => {
    // The folder the chapter's first step makes (that step runs clusterawsadm against AWS).
    mkdirSync(join(workspace, 'capi'), { recursive: true });
    const declared = playChapterStep(journey, 'production/cluster/capi-aws', 'Declare the production cluster', { cwd: workspace, env, vars, timeoutSeconds: 300 });
    // Awaited below; a step that fails before then stops the wait at once.
    let failed: unknown;
    declared.catch((err: unknown) => (failed = err));
    // The Cluster exists, Cluster API has taken it in hand (Provisioning: it waits for the provider), and the check fails.
    await eventually(
      'the Cluster is Provisioning',
      async () =>
        failed !== undefined ||
        ((await run(sandbox, 'kubectl', ['get', 'clusters.v1beta2.cluster.x-k8s.io', 'production', '-n', NS, '-o', 'jsonpath={.status.phase}'])).stdout === 'Provisioning' ||
          (await new Promise((resolve) => setTimeout(resolve, 1000)), false)),
      120_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await clusterState()}`);
    });
    if (failed !== undefined) throw failed;
    const pending = await expectProvisioned('failed');
    expect(pending.reason).toMatch(/phase/);
    // Cluster API's core made the provider's objects part of the Cluster: owner reference and label.
    const infra = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'awsmanagedcluster', 'production', '-n', NS, '-o', 'json'])) as { metadata: { labels: Record<string, string>; ownerReferences: { kind: string; name: string }[] } };
    expect(infra.metadata.labels['cluster.x-k8s.io/cluster-name']).toBe('production');
    expect(infra.metadata.ownerReferences).toContainEqual(expect.objectContaining({ kind: 'Cluster', name: 'production' }));

    // What CAPA reports once EKS answers (the only status the test sets): the control plane's
    // endpoint, the control plane initialized and ready, the managed cluster ready.
    const endpoint = { host: 'hero-production.gr7.us-east-1.eks.amazonaws.com', port: 443 };
    await reportAsCapa('awsmanagedcontrolplane', 'production-control-plane', { controlPlaneEndpoint: endpoint }, { initialized: true, ready: true });
    await reportAsCapa('awsmanagedcluster', 'production', { controlPlaneEndpoint: endpoint }, { ready: true });

    const step = await declared;
    expect(step.output).toMatch(/cluster\.cluster\.x-k8s\.io\/production condition met/);
    expect(step.captured).toMatchObject({ CLUSTER_CLOUD: 'aws' });
    expect((await expectProvisioned('passed')).status).toBe('passed');
    // Cluster API's core wrote it, in its own API (v1beta2): the endpoint taken from the provider, both parts initialized.
    const provisioned = JSON.parse(await ok(sandbox, 'kubectl', ['get', 'clusters.v1beta2.cluster.x-k8s.io', 'production', '-n', NS, '-o', 'json', '--show-managed-fields'])) as {
      spec: { controlPlaneEndpoint: object };
      status: { phase: string; initialization: Record<string, boolean> };
      metadata: { managedFields: { manager: string; subresource?: string }[] };
    };
    expect(provisioned.spec.controlPlaneEndpoint).toEqual(endpoint);
    expect(provisioned.status).toMatchObject({ phase: 'Provisioned', initialization: { infrastructureProvisioned: true, controlPlaneInitialized: true } });
    // Written by the manager itself: the Cluster's status (and the endpoint in its spec) belong to `cluster-api`.
    expect(provisioned.metadata.managedFields.filter((f) => f.manager === 'cluster-api').map((f) => f.subresource ?? '')).toEqual(['', 'status']);
    // The file the chapter keeps is what was applied.
    expect(readFileSync(join(workspace, 'capi', 'aws-eks.yaml'), 'utf8')).toContain('kind: AWSManagedControlPlane');
  }, 400_000);

  it('cleanup: the Cluster goes once Cluster API has deleted its control plane and infrastructure objects; run again, the step does nothing and succeeds', async () => {
    const title = 'Delete the production cluster (Cluster API)';
    // Cluster API's finalizer: deleting the Cluster waits for the manager to take down what it refers to.
    expect(await ok(sandbox, 'kubectl', ['get', 'clusters.cluster.x-k8s.io', 'production', '-n', NS, '-o', 'jsonpath={.metadata.finalizers}'])).toContain('cluster.cluster.x-k8s.io');
    await playChapterStep(journey, 'cleanup', title, { cwd: workspace, env, vars, timeoutSeconds: 300 });
    // The Cluster is gone only once the manager has deleted what it owns (no provider holds them here) and removed its finalizer.
    for (const kind of ['clusters.cluster.x-k8s.io', 'awsmanagedcontrolplanes', 'awsmanagedclusters']) {
      expect(await ok(sandbox, 'kubectl', ['get', kind, '-n', NS, '-o', 'name']), kind).toBe('');
    }
    await playChapterStep(journey, 'cleanup', title, { cwd: workspace, env, vars, timeoutSeconds: 120 });
  }, 400_000);
});
