// Checks that waiting cannot help say so at once instead of counting down their timeout: a kind
// the cluster does not know (no CRD: discovery says so), a cluster that does not answer. Each
// check here has a ten-minute timeout; the CLI runs with a one-minute limit, so a countdown
// would fail the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { uniqueName } from '../helpers.ts';
import { admin, assertCheck, check, cli, cluster, engineFor, ok } from './support.ts';

const sandbox = cluster.sandbox();
const root = mkdtempSync(join(tmpdir(), 'hj-cannot-pass-'));
afterAll(() => {
  sandbox.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** A one-chapter journey whose step does nothing and whose check waits up to ten minutes for `object`. */
function journeyChecking(name: string, object: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'journey.yaml'), `id: ${name}\ntitle: Cannot pass\nstart: only\n`);
  const indented = object.trim().split('\n').map((line) => `      ${line}`).join('\n');
  writeFileSync(join(dir, 'only.md'), `---\ntitle: Only\nchecks:\n  - timeout: 10m\n    assert:\n${indented}\n---\n\n\`\`\`sh title="Nothing"\ntrue\n\`\`\`\n`);
  return dir;
}

const workspace = () => mkdtempSync(join(root, 'workspace-'));

it('a kind the cluster does not know (no CRD): play stops at once and says so', async () => {
  const ns = uniqueName('no-crd');
  await ok(admin, 'kubectl', ['create', 'namespace', ns]);
  const journey = journeyChecking('no-crd', `apiVersion: ${ns}.hero-journey.test/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${ns}`);
  const result = await cli(sandbox, ['--journey', journey, '--yes', '--no-sync', '--no-color'], {}, workspace());
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toContain(`the checks of chapter "Only" did not pass (1 check: 1 failed): the cluster does not know the kind Widget (${ns}.hero-journey.test/v1)`);
  expect(result.stderr).toContain('its CustomResourceDefinition is not installed yet');
});

it('the engine marks such a check as one that cannot pass, and waits on for a kind it knows', async () => {
  const ns = uniqueName('no-crd');
  const engine = engineFor(cluster.kubeconfig);
  const [unknown] = await check([assertCheck({ apiVersion: `${ns}.hero-journey.test/v1`, kind: 'Widget', metadata: { name: 'w', namespace: 'default' } }, { timeout: 600 })], engine, { wait: true });
  expect(unknown).toMatchObject({ status: 'failed', cannotPass: true });
  // A known kind whose object is missing is not hopeless: a step may still create it.
  const [missing] = await check([assertCheck({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope', namespace: 'default' } })], engine, { wait: false });
  expect(missing!.cannotPass).toBeUndefined();
});

it('a cluster that does not answer: play stops at once with connection refused', async () => {
  // A loopback port where nothing listens.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const kubeconfig = join(root, 'down.kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: down\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: someone\n  user:\n    token: not-a-real-token\ncontexts:\n- name: down\n  context: {cluster: down, user: someone}\ncurrent-context: down\n`,
  );
  const journey = journeyChecking('down', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hero\n  namespace: default');
  const result = await cli(sandbox, ['--journey', journey, '--yes', '--no-sync', '--no-color'], { KUBECONFIG: kubeconfig }, workspace());
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toMatch(/did not pass \(1 check: 1 failed\): the cluster of context "down" \(https:\/\/127\.0\.0\.1:\d+\) does not answer: connection refused/);
});
