// @kubernetes/client-node costs most of a second to import: commands that never talk to a cluster
// must never load it, and the light commands (--version, --help, map) load none of the terminal
// renderer's libraries either (the CLI run in a real Node process, with hooks that list what loads).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Each test starts Node processes (as hero-journey runs checks); under a loaded machine that takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'hj-lazy-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const kubeconfig = join(home, 'kubeconfig');
writeFileSync(
  kubeconfig,
  'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:39999"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n',
);

interface Loaded {
  code: number;
  /** Whether @kubernetes/client-node was loaded. */
  loaded: boolean;
  /** npm packages loaded. */
  packages: string[];
  /** hero-journey's own modules loaded, as src/... paths. */
  modules: string[];
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Loaded> {
  const { stdout } = await run(process.execPath, [join(fixtures, 'lazy-cli.ts'), ...args], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state'), KUBECONFIG: kubeconfig, HERO_JOURNEY_SYNC: '0', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Loaded;
}

describe('loading the Kubernetes client lazily', () => {
  it.each([
    [['--version']],
    [['map', '--journey', join(fixtures, 'no-checks')]],
    [['lint', join(fixtures, 'no-checks')]],
    [['status', '--journey', join(fixtures, 'no-checks')]],
    [['play', '--yes', '--journey', join(fixtures, 'no-checks')]],
  ])('hero-journey %j does not load it', async (args) => {
    const { code, loaded } = await cli(args);
    expect({ code, loaded }).toEqual({ code: 0, loaded: false });
  });

  it('doctor loads it, to talk to the cluster', async () => {
    const { code, loaded } = await cli(['doctor', '--journey', join(fixtures, 'no-checks')]);
    expect({ code, loaded }).toEqual({ code: 1, loaded: true });
  });
});

describe('light commands load only what they use', () => {
  it('--version loads no package and a handful of its own modules', async () => {
    const { code, packages, modules } = await cli(['--version']);
    expect(code).toBe(0);
    expect(packages).toEqual([]);
    // The entry, the version, and the error classes the entry reports with.
    const needed = ['src/cli/index.ts', 'src/errors.ts', 'src/version.ts'];
    expect(modules.filter((m) => !needed.includes(m))).toEqual([]);
  });

  it.each([[['--help']], [['check', '--help']], [['help', 'verify']]])('hero-journey %j loads no package', async (args) => {
    const { code, packages, modules } = await cli(args);
    expect(code).toBe(0);
    expect(packages).toEqual([]);
    expect(modules.filter((m) => m.startsWith('src/commands/'))).toEqual([]);
  });

  it('play of a cached journey loads neither the YAML parser nor the table library', async () => {
    const args = ['play', '--yes', '--journey', join(fixtures, 'no-checks')];
    expect((await cli(args)).code).toBe(0); // parses the journey and caches its model
    const { code, packages } = await cli(args);
    expect(code).toBe(0);
    // YAML only for an --answers file or a classroom config.yaml, cli-table3 only for a chapter's table.
    expect(packages.filter((p) => p === 'yaml' || p === 'cli-table3')).toEqual([]);
  });

  it("play's command and loop load neither the step runner nor the check engine until a step runs or checks are due", async () => {
    const { modules, packages } = await cli([], { LAZY_IMPORT: 'src/commands/play.ts' });
    expect(modules).toContain('src/play/loop.ts');
    const later = ['src/play/running.ts', 'src/steps/run.ts', 'src/steps/live.ts', 'src/checks/engine.ts', 'src/checks/gate.ts', 'src/checks/modules.ts', 'src/checks/exec.ts', 'src/checks/doctor.ts'];
    expect(modules.filter((m) => later.includes(m))).toEqual([]);
    expect(packages.filter((p) => p === 'execa' || p === 'semver' || p.startsWith('@inquirer/'))).toEqual([]);
  });

  it('map of the bundled journey loads no package once its model is cached', async () => {
    expect((await cli(['map'])).code).toBe(0); // the first run parses the journey (yaml, marked, CEL) and caches the model
    const { code, packages } = await cli(['map']);
    expect(code).toBe(0);
    // Not string-width, wrap-ansi, marked, yaml, chalk, highlight.js, execa or prompts: a map is plain sanitised text.
    // Nor CEL: a learner who has chosen nothing yet has no condition to evaluate.
    expect(packages).toEqual([]);
  });
});
