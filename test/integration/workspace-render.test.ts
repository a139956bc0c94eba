// Every definition of Hero in the workspace (`hero-journey init`'s templates/workspace), rendered by
// its own tool as a learner's steps render it, in production and in dev mode, and sent to the
// local control plane with a server-side dry run. Dev mode is what the Develop chapters switch on
// before DevSpace or Nocalhost swap Hero's image for a Go toolchain that compiles Hero in the Pod:
// both keep the Pod's resources (and DevSpace, restarting Hero on every sync, its probes), so the
// Pod itself must have room to compile, no probe that restarts it mid-compile, and settings that
// let the toolchain write. odo runs its own container from devfile.yaml, checked here too.
//
// Tools: helm and kubectl (Kustomize built in) from the test control plane's bin folder; cdk8s
// from this package's devDependencies, at the versions the workspace's cdk8s/package.json pins;
// ytt only when it is on PATH (see YTT_UNAVAILABLE in helpers.ts for why it is not here), and the
// test says so when it is not.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { programOnPath, YTT_UNAVAILABLE } from './helpers.ts';

const exec = promisify(execFile);
const workspace = fileURLToPath(new URL('../../templates/workspace/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cluster = getTestCluster();
const sandbox = cluster.sandbox();
let tmp = '';
let ytt: string | undefined;

interface Probe {
  failureThreshold?: number;
  periodSeconds?: number;
  initialDelaySeconds?: number;
}
interface Container {
  name: string;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean };
}
interface Deployment {
  kind: string;
  metadata: { name: string };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }; containers: Container[] } } };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hero-render-'));
  ytt = await programOnPath('ytt', sandbox.env);
  await exec('kubectl', ['create', 'namespace', 'dev'], { env: sandbox.env }).catch(() => undefined);
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  sandbox.cleanup();
});

/** Run a program of the sandbox (PATH starts with the control plane's bin folder) and return its output. */
async function output(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const { stdout } = await exec(cmd, args, { cwd: options.cwd ?? workspace, env: { ...sandbox.env, ...options.env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
  return stdout;
}

/** Each definition rendered as the chapters render it, with dev mode on or off. */
const renderers: Record<string, (dev: boolean) => Promise<string>> = {
  Helm: (dev) => output('helm', ['template', 'hero', './helm', '--namespace', 'dev', ...(dev ? ['--set', 'dev.enabled=true'] : [])]),
  Kustomize: async (dev) => {
    // What `kustomize edit add component ../../components/dev` writes into the overlay.
    const copy = mkdtempSync(join(tmp, 'kustomize-'));
    cpSync(join(workspace, 'kustomize'), copy, { recursive: true });
    const file = join(copy, 'overlays/dev/kustomization.yaml');
    if (dev) writeFileSync(file, readFileSync(file, 'utf8').replace('components: []', 'components:\n  - ../../components/dev'));
    return output('kubectl', ['kustomize', join(copy, 'overlays/dev')]);
  },
  ytt: (dev) => output(ytt!, ['-f', 'ytt/', ...(dev ? ['--data-value-yaml', 'dev.enabled=true'] : [])]),
  cdk8s: async (dev) => {
    // main.ts writes dist/hero.k8s.yaml under its working folder; node strips its types as tsx would.
    const out = mkdtempSync(join(tmp, 'cdk8s-'));
    await output(process.execPath, [join(workspace, 'cdk8s/main.ts')], { cwd: out, env: dev ? { HERO_DEV: 'true' } : {} });
    return readFileSync(join(out, 'dist/hero.k8s.yaml'), 'utf8');
  },
};

function deploymentOf(rendered: string): Deployment {
  const objects = parseAllDocuments(rendered).map((doc) => doc.toJS() as Deployment | null);
  const deployment = objects.find((object) => object?.kind === 'Deployment' && object.metadata.name === 'hero');
  if (!deployment) throw new Error(`no Deployment hero in:\n${rendered}`);
  return deployment;
}

/** A Kubernetes memory quantity in bytes (the suffixes the definitions use). */
function bytes(quantity: string | undefined): number {
  const match = /^(\d+)(Mi|Gi|M|G)?$/.exec(quantity ?? '');
  if (!match) return Number.NaN;
  const unit = { Mi: 2 ** 20, Gi: 2 ** 30, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

/** Seconds a probe tolerates failing before the kubelet acts: Kubernetes' defaults where unset. */
function patience(probe: Probe): number {
  return (probe.initialDelaySeconds ?? 0) + (probe.failureThreshold ?? 3) * (probe.periodSeconds ?? 10);
}

describe.each(Object.keys(renderers))('%s', (tool) => {
  const skip = (): boolean => tool === 'ytt' && !ytt;

  it('in dev mode, Hero\'s Pod has room to compile, no probe that restarts it mid-compile, and lets the toolchain write', async (context) => {
    if (skip()) context.skip(`${YTT_UNAVAILABLE}: its dev mode was not rendered`);
    const deployment = deploymentOf(await renderers[tool]!(true));
    const pod = deployment.spec.template.spec;
    // DevSpace (devspace.yaml) and Nocalhost (.nocalhost/config.yaml) find Hero by this label and container.
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('hero');
    const hero = pod.containers.find((container) => container.name === 'hero');
    expect(hero, 'a container named hero').toBeDefined();
    // The first `go run .` downloads modules and compiles the standard library: far more than 64Mi.
    expect(bytes(hero!.resources?.limits?.memory)).toBeGreaterThanOrEqual(2 ** 30);
    expect(bytes(hero!.resources?.requests?.memory)).toBeGreaterThanOrEqual(256 * 2 ** 20);
    expect(hero!.livenessProbe).toBeUndefined();
    // A startup probe may stay, when it waits longer than a first compile on a laptop cluster takes.
    if (hero!.startupProbe) expect(patience(hero!.startupProbe)).toBeGreaterThanOrEqual(600);
    // Readiness stays: the Service sends users to Hero only once it listens.
    expect(hero!.readinessProbe).toBeDefined();
    // The Go image runs as root and writes the synced source and its caches.
    expect(hero!.securityContext?.readOnlyRootFilesystem ?? false).toBe(false);
    expect(hero!.securityContext?.runAsNonRoot ?? false).toBe(false);
    expect(hero!.securityContext?.runAsUser).toBeUndefined();
    expect(pod.securityContext?.runAsNonRoot ?? false).toBe(false);
    expect(pod.securityContext?.runAsUser).toBeUndefined();
  });

  it('without dev mode, Hero keeps its production settings', async (context) => {
    if (skip()) context.skip(`${YTT_UNAVAILABLE}: it was not rendered`);
    const hero = deploymentOf(await renderers[tool]!(false)).spec.template.spec.containers.find((container) => container.name === 'hero')!;
    expect(bytes(hero.resources?.limits?.memory)).toBe(64 * 2 ** 20);
    expect(hero.livenessProbe).toBeDefined();
    expect(hero.securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('both renders are accepted by the API server (server-side dry run)', async (context) => {
    if (skip()) context.skip(`${YTT_UNAVAILABLE}: it was not rendered`);
    for (const dev of [false, true]) {
      const file = join(mkdtempSync(join(tmp, 'apply-')), 'hero.yaml');
      // The Certificate kind needs cert-manager's CRDs, which this cluster need not have; TLS is off here anyway.
      writeFileSync(file, await renderers[tool]!(dev));
      await output('kubectl', ['apply', '--dry-run=server', '--namespace', 'dev', '-f', file]);
    }
  });
});

describe('the dev-loop configurations', () => {
  it('odo\'s devfile gives its own container room to compile and no probes', () => {
    const devfile = parse(readFileSync(join(workspace, 'devfile.yaml'), 'utf8')) as { components: { name: string; container?: { memoryLimit?: string } }[] };
    const runtime = devfile.components.find((component) => component.name === 'runtime');
    expect(bytes(runtime?.container?.memoryLimit)).toBeGreaterThanOrEqual(2 ** 30);
  });

  it('DevSpace and Nocalhost work on the container named hero that every definition has', () => {
    const devspace = parse(readFileSync(join(workspace, 'devspace.yaml'), 'utf8')) as { dev: { hero: { container: string; labelSelector: Record<string, string> } } };
    expect(devspace.dev.hero.container).toBe('hero');
    expect(devspace.dev.hero.labelSelector).toEqual({ 'app.kubernetes.io/name': 'hero' });
    const nocalhost = parse(readFileSync(join(workspace, '.nocalhost/config.yaml'), 'utf8')) as { containers: { name: string }[] };
    expect(nocalhost.containers.map((container) => container.name)).toEqual(['hero']);
  });

  it('the cdk8s project pins the versions this test rendered with', () => {
    const project = JSON.parse(readFileSync(join(workspace, 'cdk8s/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [name, version] of Object.entries(project.dependencies)) {
      const installed = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
    }
  });
});
