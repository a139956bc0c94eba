// What the benchmarks share: statistics, and a control plane to measure against.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
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

/**
 * A journey folder with one chapter, `ten`, of 10 checks that pass on `cluster`: 10 cert-manager
 * Certificates in namespace `ns`, each Ready. Returns the journey folder and the readiness setter.
 */
export function tenPassingChecks(cluster: ClusterState, ns: string, scratch: string, root: string): { journey: string; kubectl: (args: string[], input?: string) => string } {
  const env = { ...process.env, PATH: `${cluster.binDir}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: cluster.kubeconfig };
  const kubectl = (args: string[], input?: string) => execFileSync('kubectl', args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  kubectl(['apply', '-f', join(root, 'test', 'integration', 'checks', 'fixtures', 'cert-manager-crds.yaml')]);
  kubectl(['wait', '--for=condition=Established', 'crd/certificates.cert-manager.io', '--timeout=30s']);
  kubectl(['create', 'namespace', ns]);
  for (let i = 0; i < 10; i++) {
    kubectl(['apply', '-f', '-'], `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: ten-${i}\n  namespace: ${ns}\nspec:\n  secretName: ten-${i}-tls\n`);
    kubectl(['patch', 'certificate', `ten-${i}`, '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready"}]}}']);
  }
  const journey = join(scratch, 'journey');
  mkdirSync(journey, { recursive: true });
  writeFileSync(join(journey, 'journey.yaml'), 'id: bench\ntitle: Bench\nstart: ten\n');
  const checksYaml = Array.from({ length: 10 }, (_, i) => `  - id: ten-${i}\n    assert:\n      apiVersion: cert-manager.io/v1\n      kind: Certificate\n      metadata:\n        name: ten-${i}\n        namespace: ${ns}\n      status:\n        conditions:\n          - type: Ready\n            status: "True"`).join('\n');
  writeFileSync(join(journey, 'ten.md'), `---\ntitle: Ten checks\nchecks:\n${checksYaml}\n---\n\n# Ten checks\n`);
  return { journey, kubectl };
}
