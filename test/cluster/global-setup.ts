// vitest globalSetup of the `integration` project: starts one local control plane for the
// whole run, hands its coordinates to the tests (inject('heroJourneyCluster'), see testenv.ts),
// and stops it afterwards. Also stopped on SIGINT/SIGTERM and on exit; a run killed with
// SIGKILL leaves a folder that the next start removes.
//
// The components' logs are copied to .vitest-artifacts/control-plane/ before the folder goes,
// so a failed run can be read afterwards (.ci/run prints their errors when the tests fail).
//
// HERO_JOURNEY_TEST_CLUSTER=manual reuses a cluster started with `npm run cluster:up`
// instead (it is left running).
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { isRunning, manualClusterDir, readState, startCluster, stopCluster, type ClusterState } from './cluster.ts';
import type { ClusterInfo } from './testenv.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let state: ClusterState;
  let owned = true;
  if (process.env.HERO_JOURNEY_TEST_CLUSTER === 'manual') {
    const manual = readState(manualClusterDir());
    if (!manual || !isRunning(manual)) {
      throw new Error('HERO_JOURNEY_TEST_CLUSTER=manual but no cluster runs; start one with `npm run cluster:up`');
    }
    state = manual;
    owned = false;
  } else {
    state = await startCluster();
  }
  const info: ClusterInfo = {
    dir: state.dir,
    kubeconfig: state.kubeconfig,
    binDir: state.binDir,
    server: state.server,
    caFile: state.caFile,
  };
  project.provide('heroJourneyCluster', info);
  process.env.HERO_JOURNEY_TEST_KUBECONFIG = state.kubeconfig;
  return async () => {
    if (!owned) return;
    keepLogs(state);
    await stopCluster(state);
  };
}

function keepLogs(state: ClusterState): void {
  const target = path.resolve('.vitest-artifacts', 'control-plane');
  try {
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(path.join(state.dir, 'logs'), target, { recursive: true });
  } catch (err) {
    console.warn(`could not keep the control plane's logs: ${(err as Error).message}`);
  }
}
