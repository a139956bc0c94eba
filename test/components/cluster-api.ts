// Cluster API's core controller manager, built by `bash test/components/build.sh cluster-api`, run
// out of cluster against a test control plane as a management cluster runs it. Its CRDs come from
// the same module version; their stored version is v1beta2 and v1beta1 is still served, so the
// manager's conversion webhook is served on 127.0.0.1 with a certificate the cluster's CA signed,
// and the CRDs point the API server at it (what cert-manager's CA injector does in a real install).
// Its validating and defaulting webhooks are served too, but not registered. No vitest imports here.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signServerCertificate, type ClusterState } from '../cluster/cluster.ts';
import { freePort, startControllers, type Controllers } from './controllers.ts';

/**
 * Installs Cluster API's CRDs from `crdDir` with their conversion webhook at the manager's address,
 * then starts the manager against `cluster` (state, logs and certificates in `dir`).
 */
export async function startClusterApi(binDir: string, crdDir: string, cluster: ClusterState, dir: string): Promise<Controllers> {
  const certDir = path.join(dir, 'webhook-certs');
  fs.mkdirSync(certDir, { recursive: true });
  const signed = signServerCertificate(cluster, 'cluster-api-webhook', ['IP:127.0.0.1']);
  fs.copyFileSync(signed.cert, path.join(certDir, 'tls.crt'));
  fs.copyFileSync(signed.key, path.join(certDir, 'tls.key'));
  const [webhookPort, healthPort] = [await freePort(), await freePort()];

  const kubectl = (args: string[]): string =>
    execFileSync(path.join(cluster.binDir, 'kubectl'), args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: cluster.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  kubectl(['apply', '--server-side', '-f', crdDir]);
  const caBundle = fs.readFileSync(cluster.caFile).toString('base64');
  const conversion = JSON.stringify({
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: { conversionReviewVersions: ['v1', 'v1beta1'], clientConfig: { url: `https://127.0.0.1:${webhookPort}/convert`, caBundle } },
      },
    },
  });
  // Every Cluster API CRD serves two or more versions of its kinds.
  const names = fs
    .readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => /^ {2}name: (\S+)$/m.exec(fs.readFileSync(path.join(crdDir, f), 'utf8'))?.[1])
    .filter((n): n is string => n !== undefined);
  for (const name of names) kubectl(['patch', 'crd', name, '--type', 'merge', '-p', conversion]);
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names.map((n) => `crd/${n}`)]);

  const controllers = startControllers(
    binDir,
    dir,
    {
      'cluster-api': [
        `--webhook-port=${webhookPort}`,
        `--webhook-cert-dir=${certDir}`,
        `--health-addr=127.0.0.1:${healthPort}`,
        '--diagnostics-address=0',
        '--insecure-diagnostics',
        '--leader-elect=false',
        '--v=2',
      ],
    },
    { KUBECONFIG: cluster.kubeconfig },
  );
  // Ready once its webhook server serves (the API server converts every v1beta1 request through it).
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`).then((r) => r.ok, () => false);
    if (ready) return controllers;
    if (Date.now() > deadline) {
      await controllers.stop();
      throw new Error(`Cluster API's manager did not become ready in 180 s:\n${fs.readFileSync(controllers.logs['cluster-api']!, 'utf8').split('\n').slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
