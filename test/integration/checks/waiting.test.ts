// Declarative asserts and code checks against the real control plane: they pass and fail as
// objects change, and waiting reacts to a change through a watch (how fast: `npm run bench:checks`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCheck } from '../../../src/checks/define.ts';
import { connectKube } from '../../../src/kube/client.ts';
import type { CheckOutcome, EngineOptions } from '../../../src/checks/engine.ts';
import type { CheckSpec } from '../../../src/journey/model.ts';
import { uniqueName } from '../helpers.ts';
import { admin, adminApi, apply, assertCheck, check, cluster, engineFor, errorCheck, installCertManagerCrds, mergePatch, ok, readOnlyUser, ready, setStatus, useCheck } from './support.ts';

const ns = uniqueName('checks');
const engine = engineFor(cluster.kubeconfig);
const certificate = (name: string) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: ns } });
const readyCertificate = (name: string) => assertCheck({ ...certificate(name), status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { id: name, title: `Certificate ${name} is Ready` });

beforeAll(async () => {
  await installCertManagerCrds();
  await ok(admin, 'kubectl', ['create', 'namespace', ns]);
});
afterAll(() => admin.cleanup());

async function createCertificate(name: string): Promise<void> {
  await apply(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  secretName: ${name}-tls
  dnsNames: [${name}.example.com]
`);
}

/** The engine's options with a connection that says when a watch is running (listed, then watching from that list). */
function watching(options: EngineOptions): { options: EngineOptions; started: Promise<void> } {
  let resolve: () => void = () => {};
  const started = new Promise<void>((r) => (resolve = r));
  const connect: EngineOptions['connect'] = async () => {
    const connection = await options.connect();
    return {
      ...connection,
      informer: async (...args: Parameters<typeof connection.informer>) => {
        const handle = await connection.informer(...args);
        resolve();
        return handle;
      },
    };
  };
  return { options: { ...options, connect }, started };
}

/**
 * Wait for one check while `change` makes it true, sent once the check watches. Polling is set
 * to ten minutes, beyond the test's timeout: the check can only pass through the watch.
 */
async function passOnChange(spec: CheckSpec, options: EngineOptions, change: () => Promise<unknown>): Promise<CheckOutcome> {
  const watched = watching(options);
  const waiting = check([spec], watched.options, { wait: true, defaultTimeoutSeconds: 600, pollMs: 600_000 });
  await watched.started;
  await change();
  const [outcome] = await waiting;
  return outcome!;
}

describe('declarative asserts', () => {
  it('pass and fail as the status changes, saying expected and found', async () => {
    await createCertificate('hero');
    let [outcome] = await check([readyCertificate('hero')], engine);
    expect(outcome).toMatchObject({ status: 'failed', reason: `Certificate ${ns}/hero: status: expected {conditions: [{type: "Ready", status: "True"}]}, but it is not set` });
    expect(outcome!.expected).toEqual([`Certificate hero in namespace ${ns} with`, '  status.conditions has {type: "Ready", status: "True"}']);

    await setStatus('certificates', 'hero', ns, ready('False', 'DoesNotExist', 'Issuing certificate as Secret does not exist'));
    [outcome] = await check([readyCertificate('hero')], engine);
    expect(outcome!.found).toEqual([`Certificate ${ns}/hero`, '  status.conditions[type=Ready].status: expected "True", found "False" (DoesNotExist: Issuing certificate as Secret does not exist)']);

    await setStatus('certificates', 'hero', ns, ready('True'));
    [outcome] = await check([readyCertificate('hero')], engine);
    expect(outcome).toMatchObject({ status: 'passed', reason: `Certificate ${ns}/hero is as expected` });
  });

  it('without a name, look for some object of the kind in the namespace; error: passes when none matches', async () => {
    const anyReady = assertCheck({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { namespace: ns }, spec: { secretName: 'shop-tls' } });
    expect((await check([anyReady], engine))[0]).toMatchObject({ status: 'failed' });
    await createCertificate('shop');
    expect((await check([anyReady], engine))[0]).toMatchObject({ status: 'passed', reason: `Certificate ${ns}/shop is as expected` });
    const noShop = errorCheck(certificate('shop'));
    expect((await check([noShop], engine))[0]).toMatchObject({ status: 'failed', reason: `Certificate ${ns}/shop exists, but it must not` });
    await ok(admin, 'kubectl', ['delete', 'certificate', 'shop', '-n', ns, '--wait=false']);
    await expect.poll(async () => (await check([noShop], engine))[0]!.status, { timeout: 10_000 }).toBe('passed');
  });

  it('use the context namespace when the object names none, and CEL for what a literal cannot say', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'levels' } };
    const kubeconfig = cluster.mintUser('checks-ns-admin', ['system:masters']);
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace('    namespace: default', `    namespace: ${ns}`));
    await ok(admin, 'kubectl', ['create', 'configmap', 'levels', '-n', ns, '--from-literal=level=3']);
    const enough = assertCheck(cm, { expression: { source: 'int(object.data.level) >= 2', loc: { file: 'test.md', line: 2 } } });
    expect((await check([enough], engineFor(kubeconfig)))[0]).toMatchObject({ status: 'passed', reason: `ConfigMap ${ns}/levels is as expected` });
    const tooMuch = assertCheck(cm, { expression: { source: 'int(object.data.level) >= 5', loc: { file: 'test.md', line: 2 } } });
    expect((await check([tooMuch], engineFor(kubeconfig)))[0]).toMatchObject({ status: 'failed', reason: `ConfigMap ${ns}/levels: \`int(object.data.level) >= 5\` is false` });
  });

  it('name a kind the cluster does not serve, and pass once its CRD is installed while waiting', async () => {
    const group = `${ns}.hero-journey.test`;
    const spec = assertCheck({ apiVersion: `${group}/v1`, kind: 'Dragon', metadata: { name: 'smaug', namespace: ns } }, { timeout: 30 });
    const [missing] = await check([spec], engine);
    expect(missing).toMatchObject({ status: 'failed', reason: `the cluster does not know the kind Dragon (${group}/v1)` });
    expect(missing!.hint).toContain('its CustomResourceDefinition is not installed yet');
    // The CRD comes once the waiting check has failed for want of it, however long that takes.
    let failedOnce: () => void = () => {};
    const failed = new Promise<void>((r) => (failedOnce = r));
    const waiting = check([spec], engine, { wait: true, onProgress: (state) => state.checks[0]!.status === 'failed' && failedOnce() });
    await failed;
    await apply(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: dragons.${group}
spec:
  group: ${group}
  names: { kind: Dragon, plural: dragons, singular: dragon, listKind: DragonList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`);
    await ok(admin, 'kubectl', ['wait', '--for=condition=Established', `crd/dragons.${group}`, '--timeout=30s']);
    await apply(`apiVersion: ${group}/v1\nkind: Dragon\nmetadata:\n  name: smaug\n  namespace: ${ns}\n`);
    const [outcome] = await waiting;
    expect(outcome).toMatchObject({ status: 'passed' });
    expect(outcome!.attempts).toBeGreaterThan(1);
  });
});

describe('waiting', () => {
  // How fast it reacts is measured by `npm run bench:checks`; here, that a watch makes it react.
  it('reacts to the change through a watch, not by polling', async () => {
    await createCertificate('watched');
    const outcome = await passOnChange(readyCertificate('watched'), engine, () => setStatus('certificates', 'watched', ns, ready('True')));
    expect(outcome).toMatchObject({ status: 'passed', reason: `Certificate ${ns}/watched is as expected` });
  });

  it('runs a code check again when an object it read changes', async () => {
    await ok(admin, 'kubectl', ['create', 'configmap', 'door', '-n', ns, '--from-literal=state=closed']);
    const doorOpen = defineCheck({
      id: 'door-open',
      title: 'The door is open',
      run: async ({ kube }) => {
        const cm = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'door', namespace: ns });
        const state = (cm?.data as { state?: string } | undefined)?.state;
        return { ok: state === 'open', reason: `the door is ${state}` };
      },
    });
    const options = engineFor(cluster.kubeconfig, { 'door-open': doorOpen });
    const outcome = await passOnChange(useCheck('door-open'), options, () =>
      adminApi().core.patchNamespacedConfigMap({ name: 'door', namespace: ns, body: { data: { state: 'open' } } }, mergePatch),
    );
    // Run once before waiting and once more for the change: no poll ran it.
    expect(outcome).toMatchObject({ status: 'passed', reason: 'the door is open', attempts: 2 });
  });

  it('gives up at the timeout with the last reason', async () => {
    const [outcome] = await check([assertCheck({ ...certificate('never'), status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { timeout: 2 })], engine, { wait: true });
    expect(outcome).toMatchObject({ status: 'failed', reason: `Certificate never in namespace ${ns} does not exist` });
    // Not before its 2 s; and it does end (a wait that never did would run into the test's timeout).
    expect(outcome!.durationMs).toBeGreaterThanOrEqual(1990);
  });
});

describe('request timeouts', () => {
  it('count from the request: loading the client and a slow login plugin are not the cluster failing to answer', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const admin = readFileSync(cluster.kubeconfig, 'utf8');
    const file = (key: string) => readFileSync(JSON.parse(new RegExp(`${key}: (".*")`).exec(admin)![1]!) as string, 'utf8');
    const credential = join(cluster.sandbox().home, 'credential.json');
    writeFileSync(credential, JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: file('client-certificate'), clientKeyData: file('client-key') } }));
    // A login plugin that takes longer than the request timeout, as a cloud provider's CLI can.
    const plugin = join(cluster.sandbox().home, 'slow-login.sh');
    writeFileSync(plugin, `#!/bin/sh\nsleep 6\ncat '${credential}'\n`, { mode: 0o755 });
    const kubeconfig = join(cluster.sandbox().home, 'slow-login.kubeconfig');
    writeFileSync(kubeconfig, admin.replace(/ {4}client-certificate: .*\n {4}client-key: .*\n/, `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`));
    const connection = await connectKube({ env: { KUBECONFIG: kubeconfig }, cwd: process.cwd() }, { requestTimeoutMs: 5000 });
    try {
      expect((await connection.serverVersion()).gitVersion).toMatch(/^v1\./);
    } finally {
      connection.close();
    }
  });
});

describe('the reader check modules get', () => {
  it('can get, list and watch, and nothing else', async () => {
    const connection = await connectKube({ env: { KUBECONFIG: cluster.kubeconfig }, cwd: process.cwd() });
    try {
      const { reader } = connection;
      expect(Object.keys(reader).sort()).toEqual(['context', 'get', 'list', 'namespace', 'resource', 'server', 'watch']);
      expect(Object.isFrozen(reader)).toBe(true);
      await ok(admin, 'kubectl', ['create', 'configmap', 'watched', '-n', ns, '--from-literal=n=0']);
      const seen: string[] = [];
      const handle = await reader.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, fieldSelector: 'metadata.name=watched' }, (event) => {
        seen.push(`${event.type}:${(event.object.data as { n: string }).n}`);
      });
      await expect.poll(() => seen, { timeout: 5000 }).toEqual(['ADDED:0']);
      await adminApi().core.patchNamespacedConfigMap({ name: 'watched', namespace: ns, body: { data: { n: '1' } } }, mergePatch);
      await expect.poll(() => seen, { timeout: 5000 }).toEqual(['ADDED:0', 'MODIFIED:1']);
      handle.stop();
      await adminApi().core.patchNamespacedConfigMap({ name: 'watched', namespace: ns, body: { data: { n: '2' } } }, mergePatch);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual(['ADDED:0', 'MODIFIED:1']);
      const listed = await reader.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, labelSelector: 'nothing=here' });
      expect(listed).toEqual([]);
      const one = await reader.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'watched', namespace: ns });
      expect(one).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { n: '2' } });
      expect(await reader.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', namespace: ns })).toBeUndefined();
      expect(await reader.resource({ apiVersion: 'apps/v1', kind: 'Deployment' })).toMatchObject({ resource: 'deployments', namespaced: true });
    } finally {
      connection.close();
    }
  });
});

describe('permissions', () => {
  it('a user who may not read gets a failure that says so, not a broken check', async () => {
    const nobody = cluster.mintUser('checks-nobody');
    const [outcome] = await check([readyCertificate('hero')], engineFor(nobody));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome!.reason).toMatch(new RegExp(`^you may not get certificates hero in namespace ${ns} as checks-nobody: `));
    expect(outcome!.hint).toContain("ask your cluster admin for read access");
  });

  it('a read-only user can run asserts', async () => {
    const reader = await readOnlyUser();
    expect((await check([readyCertificate('hero')], engineFor(reader.kubeconfig)))[0]).toMatchObject({ status: 'passed' });
  });
});
