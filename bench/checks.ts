// Check benchmark: `npm run bench:checks`. Starts the local control plane (or reuses the one of
// `npm run cluster:up` with HERO_JOURNEY_TEST_CLUSTER=manual) and measures:
//   1. reaction: a Certificate's Ready condition is made true → the waiting check passes
//      (budget: median under 100 ms; kuttl polls once a second);
//   2. a chapter with 10 passing checks (budget: under 1 s), in the play process (client loaded)
//      and as a fresh `hero-journey check` process (Node start and the Kubernetes client import included).
// Exits 1 when a budget is missed.
import { execFileSync, spawnSync } from 'node:child_process';
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareChecks, runChecks, type EngineOptions } from '../src/checks/engine.ts';
import type { CheckSpec } from '../src/journey/model.ts';
import { connectKube, type KubeConnection } from '../src/kube/client.ts';
import { stopCluster } from '../test/cluster/cluster.ts';
import { median, percentile, benchCluster, tenPassingChecks } from './shared.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 20);
const loc = { file: 'bench.md', line: 1 };




const { state, owned } = await benchCluster();
const env = { ...process.env, PATH: `${state.binDir}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: state.kubeconfig };
const kubectl = (args: string[], input?: string) => execFileSync('kubectl', args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
const ns = `bench-${process.pid}`;
const scratch = mkdtempSync(join(tmpdir(), 'hj-bench-checks-'));
let connection: KubeConnection | undefined;
let failed = false;
// The benchmark plays cert-manager: it writes status as admin, with a client of its own.
const adminConfig = new k8s.KubeConfig();
adminConfig.loadFromFile(state.kubeconfig);
const custom = adminConfig.makeApiClient(k8s.CustomObjectsApi);
const makeReady = (name: string) =>
  custom.patchNamespacedCustomObjectStatus(
    { group: 'cert-manager.io', version: 'v1', namespace: ns, plural: 'certificates', name, body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }] } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );

try {
  const { journey } = tenPassingChecks(state, ns, scratch, root);
  const certificate = (name: string) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  secretName: ${name}-tls\n`;
  const readySpec = (name: string): CheckSpec => ({
    kind: 'assert',
    id: name,
    object: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: ns }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    loc,
  });

  connection = await connectKube({ env: { KUBECONFIG: state.kubeconfig }, cwd: root });
  const shared = connection;
  // The play loop keeps one process: the client is loaded once. Share it like that here.
  const engine: EngineOptions = {
    vars: {},
    choices: {},
    connect: async () => ({ ...shared, close: () => {} }),
    loadModule: () => Promise.reject(new Error('no modules in this benchmark')),
    execEnv: env,
    cwd: root,
  };
  await shared.reader.list({ apiVersion: 'v1', kind: 'Namespace' });

  // 1. Reaction time.
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `reaction-${i}`;
    kubectl(['apply', '-f', '-'], certificate(name));
    let waiting: () => void = () => {};
    const started = new Promise<void>((r) => (waiting = r));
    let passedAt = 0;
    const done = runChecks(prepareChecks([readySpec(name)], engine), engine, {
      wait: true,
      defaultTimeoutSeconds: 30,
      onProgress: (s) => {
        const c = s.checks[0]!;
        if (c.status === 'failed' && !c.settled) setTimeout(waiting, 200);
        if (c.status === 'passed' && !passedAt) passedAt = performance.now();
      },
    });
    await started;
    // Measured from sending the change: an upper bound (the server commits it a little later).
    const madeTrue = performance.now();
    await makeReady(name);
    const [outcome] = await done;
    if (outcome?.status !== 'passed') throw new Error(`reaction run ${i}: ${outcome?.reason}`);
    latencies.push(passedAt - madeTrue);
  }

  // 2. Ten passing checks.
  const ten = Array.from({ length: 10 }, (_, i) => readySpec(`ten-${i}`));
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const outcomes = await runChecks(prepareChecks(ten, engine), engine, { wait: true });
    warm.push(performance.now() - t);
    if (outcomes.some((o) => o.status !== 'passed')) throw new Error('the ten checks did not all pass');
  }
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const result = spawnSync(process.execPath, [join(root, 'bin', 'hero-journey.js'), 'check', 'ten', '--journey', journey], {
      cwd: scratch,
      env: { ...env, HOME: scratch, XDG_STATE_HOME: join(scratch, 'state') },
    });
    cold.push(performance.now() - t);
    if (result.status !== 0) throw new Error(`hero-journey check exited ${result.status}: ${result.stdout}${result.stderr}`);
  }

  const reactionMedian = median(latencies);
  const warmMedian = median(warm);
  const rows: Array<[string, string, string, boolean]> = [
    [`reaction: condition true → check passed (${runs} runs)`, `median ${reactionMedian.toFixed(1)} ms, p90 ${percentile(latencies, 0.9).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`, 'median < 100 ms', reactionMedian < 100],
    ['10 passing checks, in the play process', `median ${warmMedian.toFixed(1)} ms`, '< 1000 ms', warmMedian < 1000],
    ['10 passing checks, `hero-journey check` from a cold start', `median ${median(cold).toFixed(0)} ms`, '(reported)', true],
  ];
  for (const [what, value, budget, ok] of rows) {
    process.stdout.write(`${ok ? 'ok  ' : 'SLOW'}  ${what}: ${value} (budget ${budget})\n`);
    if (!ok) failed = true;
  }
  process.stdout.write(`reaction samples (ms): ${latencies.map((l) => l.toFixed(1)).join(' ')}\n`);
} finally {
  connection?.close();
  try {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  } catch {
    /* the cluster may be gone */
  }
  rmSync(scratch, { recursive: true, force: true });
  if (owned) await stopCluster(state);
}
process.exitCode = failed ? 1 : 0;

