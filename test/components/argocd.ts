// Argo CD's application controller and repo server, built by `bash test/components/build.sh argocd`
// (one binary, called by either name as in Argo CD's image, each process with an in-process Redis),
// run out of cluster against a test control plane. What Argo CD's Helm chart and its API server
// would otherwise create is created here: the CRDs of the same version, the argocd namespace, the
// argocd-cm ConfigMap, the argocd-secret Secret and the `default` AppProject (argocd-server makes
// it at start). No API server, UI, Dex, ApplicationSet or notifications controller: reconciling
// Applications needs none of them. No vitest imports here.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, startControllers, type Controllers } from './controllers.ts';

export const ARGOCD_NAMESPACE = 'argocd';

/** Objects labelled so that Argo CD's settings manager (which selects `part-of: argocd`) sees them. */
const partOf = { 'app.kubernetes.io/part-of': 'argocd' };

/**
 * Installs Argo CD's CRDs from `crdDir` into the cluster of `kubeconfig` (kubectl from `kubectlDir`),
 * with the namespace, settings and `default` AppProject its controllers expect.
 */
export async function installArgoCd(crdDir: string, kubectlDir: string, kubeconfig: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const kubectl = (args: string[], input?: string): string =>
    execFileSync(path.join(kubectlDir, 'kubectl'), args, { encoding: 'utf8', input, env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
  kubectl(['apply', '--server-side', '-f', crdDir]);
  // `kubectl wait` fails at once on a CRD whose status has no conditions yet: ask until both are Established.
  const established = (): boolean =>
    (JSON.parse(kubectl(['get', 'crd/applications.argoproj.io', 'crd/appprojects.argoproj.io', '-o', 'json'])) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items.every(
      (crd) => crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'),
    );
  const deadline = Date.now() + 60_000;
  while (!established()) {
    if (Date.now() > deadline) throw new Error('Argo CD\'s CRDs were not Established within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE, labels: partOf }, data: {} },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argocd-secret', namespace: ARGOCD_NAMESPACE, labels: partOf },
      // argocd-server generates its signing key at first start; the controllers only need one to exist.
      stringData: { 'server.secretkey': randomBytes(32).toString('base64') },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace: ARGOCD_NAMESPACE },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    },
  ];
  kubectl(['apply', '--server-side', '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n'));
}

/**
 * Starts the repo server and the application controller against the cluster of `kubeconfig`
 * (state and logs in `dir`). `toolPath` goes first on their PATH: the repo server runs helm,
 * kustomize and git from there, as its image ships them.
 */
export async function startArgoCd(binDir: string, kubeconfig: string, dir: string, toolPath: string): Promise<Controllers> {
  const [repoPort, repoMetrics, controllerMetrics] = [await freePort(), await freePort(), await freePort()];
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const common = ['--loglevel=info', '--logformat=text'];
  return startControllers(
    binDir,
    dir,
    {
      'argocd-repo-server': [...common, '--address=127.0.0.1', `--port=${repoPort}`, `--metrics-address=127.0.0.1`, `--metrics-port=${repoMetrics}`, '--disable-tls'],
      'argocd-application-controller': [
        ...common,
        `--namespace=${ARGOCD_NAMESPACE}`,
        `--repo-server=127.0.0.1:${repoPort}`,
        '--repo-server-plaintext',
        `--metrics-port=${controllerMetrics}`,
      ],
    },
    {
      KUBECONFIG: kubeconfig,
      PATH: `${toolPath}:${process.env.PATH}`,
      TMPDIR: tmp,
      // No signature verification: the image's GnuPG keyring is not here.
      ARGOCD_GPG_ENABLED: 'false',
      // The in-cluster destination (https://kubernetes.default.svc) is reached with KUBECONFIG
      // instead of a pod's service account, as Argo CD's own core mode and local runs do.
      ARGOCD_FAKE_IN_CLUSTER: 'true',
    },
  );
}

