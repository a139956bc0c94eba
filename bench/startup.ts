// Startup benchmark: `npm run bench`. Prints medians and ratios against bare `node -e 0`, measured
// in the same run, for commands that never talk to a cluster and for those that do (against the
// local control plane: a fresh one, or the one of `npm run cluster:up` with
// HERO_JOURNEY_TEST_CLUSTER=manual; BENCH_CLUSTER=0 leaves them out). Then keeps a CPU profile of
// the slowest command in bench/profiles/ and says where its time goes.
// Budgets (issues "The runner" and "Cold starts"): --version ≤ 1.2x bare node, map ≤ 3x, first
// chapter on screen ≤ 5x, `check` with 10 passing checks ≤ 10x, a single-attendee `verify` ≤ 10x,
// `doctor` against a local cluster ≤ 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn as spawnPty } from '@lydell/node-pty';
import stripAnsi from 'strip-ansi';
import { stopCluster, type ClusterState } from '../test/cluster/cluster.ts';
import { benchCluster, median, tenPassingChecks } from './shared.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'hero-journey.js');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const profiles = join(root, 'bench', 'profiles');
const sandbox = mkdtempSync(join(tmpdir(), 'hj-bench-'));
const workspace = join(sandbox, 'workspace');
mkdirSync(workspace);
const baseEnv = { PATH: process.env.PATH ?? '', HOME: sandbox, XDG_STATE_HOME: join(sandbox, 'state'), XDG_CACHE_HOME: join(sandbox, 'cache'), TERM: 'xterm-256color', LANG: 'C.UTF-8' };

interface Command {
  args: string[];
  env?: Record<string, string>;
  /** Exit codes that still mean the command did its work (verify and doctor say 1 when something is missing). */
  ok?: number[];
}

function once(command: Command, extraArgs: string[] = []): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...extraArgs, ...command.args], { cwd: workspace, env: command.env ?? baseEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  if (!(command.ok ?? [0]).includes(result.status ?? -1)) throw new Error(`${command.args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Medians of commands run in turn, round after round, so a busy moment hits them all alike. */
function interleaved(commands: Record<string, Command>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const command of Object.values(commands)) once(command); // warm the file cache, the compile cache and the journey model cache
  for (let i = 0; i < runs; i++) for (const [name, command] of Object.entries(commands)) samples[name]!.push(once(command));
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

async function firstScreen(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    rmSync(join(sandbox, 'state'), { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const ms = await new Promise<number>((resolve, reject) => {
      const pty = spawnPty(process.execPath, [bin], { cols: 100, rows: 40, cwd: workspace, env: baseEnv });
      let seen = '';
      const timer = setTimeout(() => { pty.kill(); reject(new Error(`no chapter on screen; got: ${seen.slice(-500)}`)); }, 10_000);
      pty.onData((data) => {
        seen += data;
        // The first question (an input, a step or a choice) comes after the chapter header and its prose.
        if (/^\? /m.test(stripAnsi(seen))) {
          const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
          clearTimeout(timer);
          pty.kill();
          resolve(elapsed);
        }
      });
    });
    samples.push(ms);
  }
  return median(samples);
}

/**
 * Self time of a CPU profile by where the code lives: a package, hero-journey itself, or Node.
 * Node's own frames count for the nearest caller outside Node (a require, a JSON.parse), if any.
 */
function whereTimeGoes(file: string): Array<[string, number]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ id: number; callFrame: { url: string; functionName: string }; children?: number[] }>; samples: number[]; timeDeltas: number[] };
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const own = new Map(profile.nodes.map((n) => [n.id, placeOf(n.callFrame.url, n.callFrame.functionName)]));
  const place = new Map<number, string>();
  for (const n of profile.nodes) {
    let where = own.get(n.id)!;
    for (let up = parent.get(n.id); up !== undefined && (where === '(native)' || where.startsWith('node:')); up = parent.get(up)) {
      const above = own.get(up)!;
      if (above !== '(native)' && !above.startsWith('node:') && !above.startsWith('(')) where = `${above} (in Node or native code)`;
    }
    place.set(n.id, where);
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const where = place.get(id) ?? '(unknown)';
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function placeOf(url: string, fn: string): string {
  if (!url) return fn === '(program)' || fn === '(garbage collector)' || fn === '(idle)' ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node: (Node.js internals)';
  if (url.endsWith('/dist/kube/client-node.js')) return '@kubernetes/client-node and undici (bundled)';
  const bundled: Record<string, string> = { '/dist/yaml.js': 'yaml', '/dist/cel.js': '@marcbachmann/cel-js', '/dist/render/hljs.js': 'highlight.js', '/dist/render/text-libs.js': 'wrap-ansi and boxen' };
  for (const [file, name] of Object.entries(bundled)) if (url.endsWith(file)) return `${name} (bundled)`;
  if (url.includes('/dist/')) return 'hero-journey (dist/)';
  return url;
}

const commands: Record<string, Command> = {
  bare: { args: ['-e', '0'] },
  version: { args: [bin, '--version'] },
  map: { args: [bin, 'map', '--no-color'] },
};
const labels: Record<string, [string, string]> = {
  bare: ['node -e 0', '-'],
  version: ['hero-journey --version', '1.2x node'],
  map: ['hero-journey map', '3x node'],
};
let cluster: { state: ClusterState; owned: boolean } | undefined;
const ns = `bench-startup-${process.pid}`;
let kubectl: ((args: string[]) => string) | undefined;
try {
  if (process.env.BENCH_CLUSTER !== '0') {
    cluster = await benchCluster();
    const prepared = tenPassingChecks(cluster.state, ns, sandbox, root);
    kubectl = prepared.kubectl;
    const env = { ...baseEnv, PATH: `${cluster.state.binDir}${delimiter}${baseEnv.PATH}`, KUBECONFIG: cluster.state.kubeconfig };
    commands.check = { args: [bin, 'check', 'ten', '--journey', prepared.journey], env };
    commands.verify = { args: [bin, 'verify', cluster.state.kubeconfig, '--journey', prepared.journey, '--no-color'], env, ok: [0, 1] };
    commands.doctor = { args: [bin, 'doctor', '--no-color'], env, ok: [0, 1] };
    labels.check = ['hero-journey check (10 passing)', '10x node'];
    labels.verify = ['hero-journey verify (1 attendee)', '10x node'];
    labels.doctor = ['hero-journey doctor (local cluster)', '1000 ms'];
  }
  const measured = interleaved(commands);
  const play = await firstScreen();
  const bare = measured.bare!;
  const row = (name: string, ms: number, budget: string) =>
    console.log(`${name.padEnd(36)} ${ms.toFixed(0).padStart(5)} ms   ${(ms / bare).toFixed(2).padStart(5)}x node   budget ${budget}`);
  console.log(`node ${process.version}, ${runs} runs each, medians`);
  for (const [name, ms] of Object.entries(measured)) row(labels[name]![0], ms, labels[name]![1]);
  row('hero-journey (first chapter shown)', play, '5x node');

  // Where the slowest command's time goes.
  const [slowest] = Object.entries(measured).filter(([name]) => name !== 'bare').sort((a, b) => b[1] - a[1]);
  if (slowest) {
    const [name] = slowest;
    rmSync(join(profiles, `${name}.cpuprofile`), { force: true });
    once(commands[name]!, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${name}.cpuprofile`]);
    const file = join(profiles, `${name}.cpuprofile`);
    const spent = whereTimeGoes(file);
    const total = spent.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\nslowest: ${labels[name]![0]}; CPU profile in ${file.slice(root.length)} (${total.toFixed(0)} ms sampled), self time by place:`);
    for (const [where, ms] of spent.slice(0, 10)) console.log(`  ${ms.toFixed(0).padStart(5)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)}%  ${where}`);
  }
} finally {
  try {
    kubectl?.(['delete', 'namespace', ns, '--wait=false']);
  } catch {
    /* the cluster may be gone */
  }
  rmSync(sandbox, { recursive: true, force: true });
  if (cluster?.owned) await stopCluster(cluster.state);
}
