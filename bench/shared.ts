// What the benchmarks share: statistics, and a control plane to measure against.
import { isRunning, manualClusterDir, readState, startCluster, type ClusterState } from '../test/cluster/cluster.ts';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * The local control plane: the one of `npm run cluster:up` with HERO_JOURNEY_TEST_CLUSTER=manual,
 * else a fresh one that the caller owns (and stops).
 */
export async function benchCluster(): Promise<{ state: ClusterState; owned: boolean }> {
  if (process.env.HERO_JOURNEY_TEST_CLUSTER === 'manual') {
    const state = readState(manualClusterDir());
    if (!state || !isRunning(state)) throw new Error('HERO_JOURNEY_TEST_CLUSTER=manual but no cluster runs; start one with `npm run cluster:up`');
    return { state, owned: false };
  }
  return { state: await startCluster({ log: () => {} }), owned: true };
}
