// Shared by the check integration tests (not a test file): the cluster, a read-only user, the
// cert-manager CRD fixtures, and ways to run checks the way hero-journey does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { CheckDefinition } from '../../../src/checks/define.ts';
import { prepareChecks, runChecks, type CheckOutcome, type EngineOptions, type RunOptions } from '../../../src/checks/engine.ts';
import { connectKube } from '../../../src/kube/client.ts';
import type { CheckSpec } from '../../../src/journey/model.ts';
import { getTestCluster, type Sandbox } from '../../cluster/testenv.ts';
import { eventually, ok, run } from '../helpers.ts';

export const cluster = getTestCluster();
export const admin = cluster.sandbox();
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const bundledJourney = fileURLToPath(new URL('../../../chapters', import.meta.url));

const exec = promisify(execFile);

/** client-node as admin, for setting up objects and their status quickly (no kubectl process per change). */
export function adminApi(): { objects: k8s.KubernetesObjectApi; custom: k8s.CustomObjectsApi; core: k8s.CoreV1Api } {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  return { objects: k8s.KubernetesObjectApi.makeApiClient(kc), custom: kc.makeApiClient(k8s.CustomObjectsApi), core: kc.makeApiClient(k8s.CoreV1Api) };
}

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Install the minimal cert-manager CRDs (idempotent; several test files share the cluster). */
export async function installCertManagerCrds(): Promise<void> {
  await ok(admin, 'kubectl', ['apply', '-f', `${fixtures}cert-manager-crds.yaml`]);
  for (const crd of ['certificates', 'issuers', 'clusterissuers']) {
    await ok(admin, 'kubectl', ['wait', '--for=condition=Established', `crd/${crd}.cert-manager.io`, '--timeout=30s']);
  }
}

/** Apply YAML text as admin. */
export async function apply(yaml: string, namespace?: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('kubectl', ['apply', ...(namespace ? ['-n', namespace] : []), '-f', '-'], { env: admin.env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply failed: ${stderr}`))));
    child.stdin.end(yaml);
  });
}

/** Set the status of a cert-manager object (the tests play its controller). */
export async function setStatus(plural: string, name: string, namespace: string | undefined, status: object): Promise<void> {
  const { custom } = adminApi();
  const common = { group: 'cert-manager.io', version: 'v1', plural, name, body: { status } };
  if (namespace) await custom.patchNamespacedCustomObjectStatus({ ...common, namespace }, mergePatch);
  else await custom.patchClusterCustomObjectStatus(common, mergePatch);
}

export const ready = (status: 'True' | 'False', reason = status === 'True' ? 'Ready' : 'Pending', message = '') => ({
  conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
});

let readOnly: Promise<Sandbox> | undefined;

/**
 * A user whose RBAC allows only get, list and watch, on everything. Any write a check tried
 * would fail with 403 Forbidden: running every check as this user proves checks only read.
 */
export function readOnlyUser(): Promise<Sandbox> {
  readOnly ??= (async () => {
    await apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hero-journey-checks-reader
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: hero-journey-checks-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: hero-journey-checks-reader
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: hero-journey:checks-readers
`);
    const sandbox = cluster.sandbox(cluster.mintUser('checks-reader', ['hero-journey:checks-readers']));
    await eventually('the read-only binding to take effect', async () => (await run(sandbox, 'kubectl', ['auth', 'can-i', 'list', 'secrets', '-A'])).stdout.trim() === 'yes');
    const write = await run(sandbox, 'kubectl', ['auth', 'can-i', 'create', 'configmaps', '-n', 'default']);
    if (write.stdout.trim() !== 'no') throw new Error('the read-only user may write: the proof would prove nothing');
    return sandbox;
  })();
  return readOnly;
}

/** A declarative check spec. */
export function assertCheck(object: Record<string, unknown>, extra: Partial<Omit<Extract<CheckSpec, { kind: 'assert' | 'error' }>, 'kind'>> = {}): CheckSpec {
  return { kind: 'assert', id: 'assert', object, loc: { file: 'test.md', line: 1 }, ...extra };
}

export function errorCheck(object: Record<string, unknown>): CheckSpec {
  return { kind: 'error', id: 'error', object, loc: { file: 'test.md', line: 1 } };
}

export function useCheck(module: string, args: Record<string, unknown> = {}, extra: Partial<Extract<CheckSpec, { kind: 'use' }>> = {}): CheckSpec {
  return { kind: 'use', id: module, use: module, with: args, loc: { file: 'test.md', line: 1 }, ...extra };
}

/** Engine options against the test cluster as `kubeconfig`'s user, with in-process module definitions. */
export function engineFor(kubeconfig: string, modules: Record<string, CheckDefinition> = {}, vars: Record<string, string> = {}): EngineOptions {
  return {
    vars,
    choices: {},
    connect: () => connectKube({ env: { KUBECONFIG: kubeconfig }, cwd: repoRoot }),
    loadModule: async (id) => {
      const definition = modules[id];
      if (!definition) throw new Error(`no module ${id} in this test`);
      return { id, file: `${id}.ts`, definition };
    },
    execEnv: { PATH: admin.env.PATH, KUBECONFIG: kubeconfig, HOME: admin.home },
    cwd: repoRoot,
  };
}

/** Run checks through the engine. */
export function check(specs: CheckSpec[], engine: EngineOptions, options: RunOptions = { wait: false }): Promise<CheckOutcome[]> {
  return runChecks(prepareChecks(specs, engine), engine, options);
}

/** Run a bundled check module in its own Node process, exactly as hero-journey loads it, as `sandbox`'s user. */
export async function bundledCheck(sandbox: Sandbox, id: string, args: object): Promise<CheckOutcome> {
  const driver = fileURLToPath(new URL('../../unit/checks/fixtures/run-check.ts', import.meta.url));
  const { stdout } = await exec(process.execPath, [driver, bundledJourney, id, JSON.stringify(args)], { env: sandbox.env, cwd: sandbox.home });
  return JSON.parse(stdout) as CheckOutcome;
}

/** Run the CLI from source (Node strips the types) in `sandbox`'s environment. */
export async function cli(sandbox: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}, cwd = sandbox.home): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
  try {
    const { stdout, stderr } = await exec(process.execPath, [entry, ...args], { env: { ...sandbox.env, ...env }, cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export { eventually, ok, run };
