// Flux's source-controller and kustomize-controller, built by `bash test/components/build.sh flux`,
// run out of cluster against a test control plane: the same controllers a learner installs in
// production, talking to that cluster's API server with a kubeconfig. No vitest imports here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const buildScript = fileURLToPath(new URL('./build.sh', import.meta.url));

/** The built component's folders, or why there are none (the sentence a skipped test shows). */
export function builtComponent(name: string): { binDir: string; crdDir: string } | { missing: string } {
  let binDir: string;
  try {
    binDir = execFileSync('bash', [buildScript, '--print', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    return { missing: `\`bash test/components/build.sh --print ${name}\` failed: ${(err as Error).message.split('\n')[0]}` };
  }
  const out = path.dirname(binDir);
  if (!fs.existsSync(path.join(out, 'COMPLETE'))) {
    return { missing: `${name} is not built here (no ${out}/COMPLETE): run \`bash test/components/build.sh ${name}\` (needs Go >= 1.26; .ci/run does it)` };
  }
  return { binDir, crdDir: path.join(out, 'crds') };
}

export interface FluxControllers {
  /** Where each controller logs. */
  logs: Record<string, string>;
  /** Stops both controllers (SIGTERM, then SIGKILL). */
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts source-controller (artifacts stored in `dir`, served on a free loopback port) and
 * kustomize-controller against the cluster of `kubeconfig`. The Flux CRDs must be installed.
 */
export async function startFlux(binDir: string, kubeconfig: string, dir: string): Promise<FluxControllers> {
  fs.mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const storage = `127.0.0.1:${await freePort()}`;
  const common = ['--metrics-addr=0', '--health-addr=0', '--enable-leader-election=false', '--log-encoding=console'];
  const commands: Record<string, string[]> = {
    'source-controller': [...common, `--storage-path=${path.join(dir, 'storage')}`, `--storage-addr=${storage}`, `--storage-adv-addr=${storage}`],
    'kustomize-controller': [...common, '--no-remote-bases=true'],
  };
  const children: ChildProcess[] = [];
  const logs: Record<string, string> = {};
  const stopNow = (): void => {
    for (const child of children) if (child.exitCode === null && child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  process.on('exit', stopNow);
  for (const [name, args] of Object.entries(commands)) {
    logs[name] = path.join(dir, `${name}.log`);
    const out = fs.openSync(logs[name], 'a');
    const child = spawn(path.join(binDir, name), args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig, RUNTIME_NAMESPACE: 'flux-system' },
    });
    fs.closeSync(out);
    children.push(child);
  }
  return {
    logs,
    stop: async () => {
      process.off('exit', stopNow);
      for (const child of children) if (child.exitCode === null && child.pid) try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && children.some((c) => c.exitCode === null && c.signalCode === null)) await new Promise((r) => setTimeout(r, 50));
      stopNow();
    },
  };
}
