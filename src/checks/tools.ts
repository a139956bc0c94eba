// Tools a journey declares in journey.yaml (`tools:`): found on PATH, in a version that fits.
import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ToolRequirement } from '../journey/model.ts';

/** How to ask a tool for its version: the arguments, tried in order until one prints a version. */
const VERSION_ARGS: Record<string, string[][]> = {
  kubectl: [['version', '--client', '-o', 'json'], ['version', '--client']],
  helm: [['version', '--short'], ['version']],
  docker: [['version', '--format', '{{.Client.Version}}'], ['--version']],
  nerdctl: [['--version']],
  go: [['version']],
  kind: [['version']],
  k3d: [['version']],
  minikube: [['version', '--short']],
  kustomize: [['version']],
  ytt: [['version']],
  kbld: [['version']],
  kapp: [['version']],
  cdk8s: [['--version']],
  telepresence: [['version']],
  devspace: [['--version']],
  odo: [['version', '--client']],
  pack: [['version']],
  limactl: [['--version']],
  psql: [['--version']],
  openssl: [['version']],
};

/** Where to get a tool, for the fix line. */
const INSTALL: Record<string, string> = {
  kubectl: 'https://kubernetes.io/docs/tasks/tools/',
  helm: 'https://helm.sh/docs/intro/install/',
  docker: 'https://docs.docker.com/get-docker/',
  kind: 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  k3d: 'https://k3d.io/#installation',
  minikube: 'https://minikube.sigs.k8s.io/docs/start/',
  kustomize: 'https://kubectl.docs.kubernetes.io/installation/kustomize/',
  ytt: 'https://carvel.dev/ytt/docs/latest/install/',
  kbld: 'https://carvel.dev/kbld/docs/latest/install/',
  kapp: 'https://carvel.dev/kapp/docs/latest/install/',
  cdk8s: 'https://cdk8s.io/docs/latest/get-started/',
  telepresence: 'https://www.telepresence.io/docs/latest/install/',
  devspace: 'https://www.devspace.sh/docs/getting-started/installation',
  odo: 'https://odo.dev/docs/overview/installation',
  pack: 'https://buildpacks.io/docs/for-platform-operators/how-to/integrate-ci/pack/',
  limactl: 'https://lima-vm.io/docs/installation/',
  nerdctl: 'https://github.com/containerd/nerdctl#install',
  git: 'https://git-scm.com/downloads',
  go: 'https://go.dev/doc/install',
  jq: 'https://jqlang.github.io/jq/download/',
  yq: 'https://github.com/mikefarah/yq#install',
};

/** Arguments to try for a tool's version. */
export function versionArguments(tool: string): string[][] {
  return VERSION_ARGS[tool] ?? [['--version'], ['version']];
}

/** The exact fix for a missing or too old tool. */
export function installHint(tool: ToolRequirement): string {
  const version = tool.version ? ` (${tool.version})` : '';
  const where = INSTALL[tool.name];
  if (where) return `install ${tool.name}${version}: ${where}, then open a new terminal so it is on your PATH`;
  return `install ${tool.name}${version} with your package manager (apt, dnf, brew, winget), then open a new terminal so it is on your PATH`;
}

/**
 * The version in a tool's output: kubectl's JSON (`clientVersion.gitVersion`), else the first
 * `1.2.3`-like number (`v3.15.2+g1a500d5` → `3.15.2`, `curl 8.5.0 (x86_64...)` → `8.5.0`).
 */
export function parseToolVersion(output: string): string | undefined {
  const trimmed = output.trim();
  if (trimmed.startsWith('{')) {
    try {
      const data = JSON.parse(trimmed) as { clientVersion?: { gitVersion?: string } };
      const git = data.clientVersion?.gitVersion;
      if (git) return parseToolVersion(git);
    } catch {
      /* not JSON after all */
    }
  }
  const match = /(?:^|[^\d.])v?(\d+\.\d+(?:\.\d+)?)(?:[-+][0-9A-Za-z.-]+)?/.exec(trimmed);
  return match?.[1];
}

/** The first executable called `name` on PATH (or `name` itself when it is a path). */
export async function findOnPath(name: string, pathValue: string | undefined): Promise<string | undefined> {
  const candidates = isAbsolute(name) ? [name] : (pathValue ?? '').split(delimiter).filter((d) => d && isAbsolute(d)).map((d) => join(d, name));
  const extensions = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const base of candidates) {
    for (const ext of extensions) {
      const candidate = base + ext;
      try {
        await access(candidate, constants.X_OK);
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        /* keep looking */
      }
    }
  }
  return undefined;
}

/** What a version probe printed; `code` is undefined when it did not exit by itself (not started, killed at the timeout). */
export interface ProbeResult {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/** Most a version probe's output keeps of each stream: a version is one line, a stuck tool may print forever. */
const PROBE_OUTPUT_LIMIT = 64 * 1024;

/**
 * Run `path args` with only `env`, no stdin, killed after `timeoutMs`: the tool probes of doctor and
 * play's first page. node:child_process rather than execa, whose 150 modules cost more than the probes.
 * A child the tool left behind holding its output open does not hold up the answer past the timeout.
 */
export function runProbe(path: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const out = { stdout: '', stderr: '' };
    let code: number | undefined;
    let child: ReturnType<typeof spawn>;
    const done = () => {
      clearTimeout(deadline);
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      resolve({ code, ...out });
    };
    const deadline = setTimeout(done, timeoutMs + 250);
    try {
      child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true });
    } catch {
      done();
      return;
    }
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]!.setEncoding('utf8');
      child[name]!.on('data', (chunk: string) => {
        if (out[name].length < PROBE_OUTPUT_LIMIT) out[name] += chunk.slice(0, PROBE_OUTPUT_LIMIT - out[name].length);
      });
    }
    child.on('error', done);
    child.on('exit', (exitCode) => (code = exitCode ?? undefined));
    child.on('close', done);
  });
}
