// `hero-journey new` gives an author a journey that really plays: against the local control
// plane, with the built CLI, its steps run, its declarative checks and its TypeScript check
// module (outside node_modules, so Node strips its types) pass, on each branch of its choice.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { getTestCluster } from '../cluster/testenv.ts';
import { runBin } from '../e2e/cli.ts';
import { ok, uniqueName } from './helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());
const env = sandbox.env as Record<string, string>;

test('a journey made with `new` plays on both branches: steps run, checks pass, a check module included', async () => {
  const journey = join(sandbox.home, 'first-journey');
  const created = await runBin(['new', journey], { cwd: sandbox.home, env });
  expect(created.exitCode, created.stderr).toBe(0);
  expect(created.stdout).toContain('Created journey "first-journey"');

  const namespace = uniqueName('first');
  for (const option of ['configmap', 'secret']) {
    const workspace = join(sandbox.home, `workspace-${option}`);
    mkdirSync(workspace);
    const played = await runBin(
      ['--journey', journey, '--yes', '--json', '--trust', '--no-sync', '--set', `NAMESPACE=${namespace}`, '--choose', `store=${option}`],
      { cwd: workspace, env },
    );
    const events = played.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; chapter?: string; status?: string });
    expect(played.exitCode, played.stderr.slice(-3000)).toBe(0);
    expect(events.filter((e) => e.event === 'checks')).toEqual([
      { event: 'checks', chapter: 'welcome', status: 'passed' },
      { event: 'checks', chapter: `store/${option}`, status: 'passed' },
    ]);
    expect(events.at(-1)).toEqual({ event: 'end', journey: 'first-journey' });
  }
  expect(await ok(sandbox, 'kubectl', ['get', 'configmap', 'greeting', '-n', namespace, '-o', 'jsonpath={.data.greeting}'])).toBe(`Hello from ${namespace}`);
  expect(await ok(sandbox, 'kubectl', ['get', 'secret', 'greeting', '-n', namespace, '-o', 'jsonpath={.type}'])).toBe('Opaque');
});
