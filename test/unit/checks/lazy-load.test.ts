// @kubernetes/client-node costs most of a second to import: commands that never talk to a cluster
// must never load it (the CLI run in a real Node process, with a resolve hook that notices).
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

async function cli(args: string[]): Promise<{ code: number; loaded: boolean }> {
  const { stdout } = await run(process.execPath, [join(fixtures, 'lazy-cli.ts'), ...args], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state'), KUBECONFIG: kubeconfig, HERO_JOURNEY_SYNC: '0' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { code: number; loaded: boolean };
}

describe('loading the Kubernetes client lazily', () => {
  it.each([
    [['--version']],
    [['map', '--journey', join(fixtures, 'no-checks')]],
    [['lint', join(fixtures, 'no-checks')]],
    [['status', '--journey', join(fixtures, 'no-checks')]],
    [['play', '--yes', '--journey', join(fixtures, 'no-checks')]],
  ])('hero-journey %j does not load it', async (args) => {
    expect(await cli(args)).toEqual({ code: 0, loaded: false });
  });

  it('doctor loads it, to talk to the cluster', async () => {
    expect(await cli(['doctor', '--journey', join(fixtures, 'no-checks')])).toEqual({ code: 1, loaded: true });
  });
});
