// Flux's source-controller and kustomize-controller, built by `bash test/components/build.sh flux`,
// run out of cluster against a test control plane: the same controllers a learner installs in
// production, talking to that cluster's API server with a kubeconfig. No vitest imports here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, startControllers, type Controllers } from './controllers.ts';

/**
 * Starts source-controller (artifacts stored in `dir`, served on a free loopback port) and
 * kustomize-controller against the cluster of `kubeconfig`. The Flux CRDs must be installed.
 */
export async function startFlux(binDir: string, kubeconfig: string, dir: string): Promise<Controllers> {
  fs.mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const storage = `127.0.0.1:${await freePort()}`;
  const common = ['--metrics-addr=0', '--health-addr=0', '--enable-leader-election=false', '--log-encoding=console'];
  return startControllers(binDir, dir, {
    'source-controller': [...common, `--storage-path=${path.join(dir, 'storage')}`, `--storage-addr=${storage}`, `--storage-adv-addr=${storage}`],
    'kustomize-controller': [...common, '--no-remote-bases=true'],
  }, { KUBECONFIG: kubeconfig, RUNTIME_NAMESPACE: 'flux-system' });
}
