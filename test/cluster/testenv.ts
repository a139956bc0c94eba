// What test files use to reach the local control plane started by global-setup.ts:
//
//   import { getTestCluster } from '../cluster/testenv.ts';
//   const cluster = getTestCluster();
//   cluster.kubeconfig           // admin kubeconfig (system:masters)
//   cluster.binDir               // kubectl, helm, kwok, ... built from Go modules
//   cluster.mintUser('ro', ['g']) // kubeconfig path of a new client-certificate user
//   const sandbox = cluster.sandbox(); // temp HOME + env (PATH, KUBECONFIG) for kubectl/helm
//
// Only tests of the `integration` vitest project get a cluster (its globalSetup starts it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inject } from 'vitest';
import { mintUser } from './cluster.ts';

export interface ClusterInfo {
  dir: string;
  kubeconfig: string;
  binDir: string;
  server: string;
  caFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    heroJourneyCluster: ClusterInfo;
  }
}

export interface Sandbox {
  /** Fresh temp folder used as HOME (and XDG config/cache/data) for child processes. */
  home: string;
  /** Environment for kubectl/helm/hero-journey: PATH starts with binDir, KUBECONFIG set, HOME temp. */
  env: NodeJS.ProcessEnv;
  kubeconfig: string;
  /** Removes the temp HOME. */
  cleanup: () => void;
}

export interface TestCluster extends ClusterInfo {
  /** Mints a client-certificate user (CN=name, O=groups); returns its kubeconfig path. */
  mintUser: (name: string, groups?: string[]) => string;
  /** A temp HOME and an environment that points at this cluster (never the developer's own). */
  sandbox: (kubeconfig?: string) => Sandbox;
}

export function getTestCluster(): TestCluster {
  const info = inject('heroJourneyCluster');
  if (!info) {
    throw new Error('no test cluster: run this test in the `integration` vitest project (its globalSetup starts the cluster)');
  }
  return {
    ...info,
    mintUser: (name, groups = []) => mintUser(info, name, groups),
    sandbox: (kubeconfig = info.kubeconfig) => makeSandbox(info, kubeconfig),
  };
}

function makeSandbox(info: ClusterInfo, kubeconfig: string): Sandbox {
  // Inside the cluster folder, so an interrupted run leaves no stray HOME behind.
  const homes = path.join(info.dir, 'homes');
  fs.mkdirSync(homes, { recursive: true });
  const home = fs.mkdtempSync(path.join(homes, 'home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: `${info.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    KUBECONFIG: kubeconfig,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    TMPDIR: process.env.TMPDIR ?? os.tmpdir(),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
  };
  return {
    home,
    env,
    kubeconfig,
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}
