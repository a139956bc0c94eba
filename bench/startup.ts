// Startup benchmark: `npm run bench`. Prints medians and ratios against bare `node -e 0`, measured
// in the same run, for commands that never talk to a cluster and for those that do (against the
// local control plane: a fresh one, or the one of `npm run cluster:up` with
// HERO_JOURNEY_TEST_CLUSTER=manual; BENCH_CLUSTER=0 leaves them out). play runs in a real
// pseudo-terminal until its first question: in Hero's workspace (made with `init`), the first
// chapter; in an empty folder, the offer to create the workspace. Then keeps CPU profiles of the
// slowest command and of the first chapter in bench/profiles/ and says where their time goes.
// Budgets (issues "The runner" and "Cold starts"): --version ≤ 1.2x bare node, map ≤ 3x, first
// chapter on screen ≤ 5x, `check` with 10 passing checks ≤ 10x, a single-attendee `verify` ≤ 10x,
// `doctor` against a local cluster ≤ 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
const emptyFolder = join(sandbox, 'empty');
mkdirSync(emptyFolder);
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

/**
 * Runs play in a real pseudo-terminal in `cwd` with no progress saved, until its first question
 * (the workspace offer, an input, a step or a choice, after the chapter header and its prose) is
 * on screen. Returns the milliseconds that took and when it happened (process.hrtime, in µs). With
 * `nodeArgs` (a CPU profile), the learner then presses Ctrl-C and this waits for the process to end.
 */
async function toFirstQuestion(cwd: string, nodeArgs: string[] = []): Promise<{ ms: number; askedAt: number }> {
  rmSync(join(sandbox, 'state'), { recursive: true, force: true });
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const pty = spawnPty(process.execPath, [...nodeArgs, bin], { cols: 100, rows: 40, cwd, env: baseEnv });
    let seen = '';
    let asked: { ms: number; askedAt: number } | undefined;
    const timer = setTimeout(() => { pty.kill(); reject(new Error(`no chapter on screen; got: ${seen.slice(-500)}`)); }, 20_000);
    pty.onExit(() => {
      clearTimeout(timer);
      if (asked) resolve(asked);
      else reject(new Error(`play ended before its first question; got: ${seen.slice(-500)}`));
    });
    pty.onData((data) => {
      seen += data;
      if (asked || !/^\? /m.test(stripAnsi(seen))) return;
      const now = process.hrtime.bigint();
      asked = { ms: Number(now - start) / 1e6, askedAt: Number(now / 1000n) };
      if (nodeArgs.length > 0) pty.write('\u0003');
      else pty.kill();
    });
  });
}

/**
 * Time to the first question of play in a real pseudo-terminal, with no progress saved: in a
 * workspace, the first chapter's page and its first question; in an empty folder, the offer to
 * create the workspace, before any chapter. Run in turn, round after round, with a bare node
 * (`bare`) in each round, so their ratios compare samples of the same moments.
 */
async function firstScreens(folders: Record<string, string>): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries([...Object.keys(folders), 'bare'].map((k) => [k, []]));
  const one = async (cwd: string) => (await toFirstQuestion(cwd)).ms;
  for (const cwd of Object.values(folders)) await one(cwd); // warm the caches
  for (let i = 0; i < Math.min(runs, 15); i++) {
    samples.bare!.push(once(commands.bare!));
    for (const [name, cwd] of Object.entries(folders)) samples[name]!.push(await one(cwd));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/**
 * Self time of a CPU profile by where the code lives: a package, hero-journey itself, or Node.
 * Node's own frames count for the nearest caller outside Node (a require, a JSON.parse), if any.
 * Samples after `until` (process.hrtime, in µs) are left out.
 */
function whereTimeGoes(file: string, until = Infinity): Array<[string, number]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ id: number; callFrame: { url: string; functionName: string }; children?: number[] }>; startTime: number; samples: number[]; timeDeltas: number[] };
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
  // Sample times are on the same monotonic clock as process.hrtime, in µs.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at > until) return;
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
  // play's first chapter needs Hero's workspace, else it first offers to create one.
  once({ args: [bin, 'init'] });
  const measured = interleaved(commands);
  const play = await firstScreens({ chapter: workspace, offer: emptyFolder });
  const row = (name: string, ms: number, budget: string, bare = measured.bare!) =>
    console.log(`${name.padEnd(36)} ${ms.toFixed(0).padStart(5)} ms   ${(ms / bare).toFixed(2).padStart(5)}x node   budget ${budget}`);
  console.log(`node ${process.version}, ${runs} runs each, medians; load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  for (const [name, ms] of Object.entries(measured)) row(labels[name]![0], ms, labels[name]![1]);
  console.log(`in a pseudo-terminal, ${Math.min(runs, 15)} runs each, against node -e 0 run between them (${play.bare!.toFixed(0)} ms):`);
  row('hero-journey (first chapter shown)', play.chapter!, '5x node', play.bare);
  row('hero-journey (empty folder: offer)', play.offer!, '-', play.bare);

  const profileArgs = (name: string) => ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${name}.cpuprofile`];
  const report = (title: string, name: string, until?: number) => {
    const file = join(profiles, `${name}.cpuprofile`);
    const spent = whereTimeGoes(file, until);
    const total = spent.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${title}; CPU profile in ${file.slice(root.length)} (${total.toFixed(0)} ms sampled), self time by place:`);
    for (const [where, ms] of spent.slice(0, 10)) console.log(`  ${ms.toFixed(0).padStart(5)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)}%  ${where}`);
  };
  // Where the slowest command's time goes.
  const [slowest] = Object.entries(measured).filter(([name]) => name !== 'bare').sort((a, b) => b[1] - a[1]);
  if (slowest) {
    const [name] = slowest;
    rmSync(join(profiles, `${name}.cpuprofile`), { force: true });
    once(commands[name]!, profileArgs(name));
    report(`slowest: ${labels[name]![0]}`, name);
  }
  // And the first chapter's, up to its first question.
  rmSync(join(profiles, 'first-chapter.cpuprofile'), { force: true });
  const { askedAt } = await toFirstQuestion(workspace, profileArgs('first-chapter'));
  report('hero-journey (first chapter shown), up to its first question', 'first-chapter', askedAt);
} finally {
  try {
    kubectl?.(['delete', 'namespace', ns, '--wait=false']);
  } catch {
    /* the cluster may be gone */
  }
  rmSync(sandbox, { recursive: true, force: true });
  if (cluster?.owned) await stopCluster(cluster.state);
}
