// `hero-journey doctor`, `hero-journey check` and the check gate of `hero-journey play`, run as
// the CLI (from source) against the local control plane.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../unit/checks/certs.ts';
import { uniqueName } from '../helpers.ts';
import { admin, cli, cluster, fixtures, ok, readOnlyUser } from './support.ts';

const journey = join(fixtures, 'journey');
const sandbox = cluster.sandbox();
// Progress stays in each workspace (no mirror in the cluster), so tests do not see each other's.
sandbox.env.HERO_JOURNEY_SYNC = '0';
afterAll(() => {
  sandbox.cleanup();
  admin.cleanup();
});

/** The admin kubeconfig with another server, or with an expired client certificate. */
function variantKubeconfig(name: string, change: (text: string) => string): string {
  const path = join(sandbox.home, `${name}.kubeconfig`);
  writeFileSync(path, change(readFileSync(cluster.kubeconfig, 'utf8')));
  return path;
}

function noStackTrace(output: string): void {
  expect(output).not.toContain('hit a bug');
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('hero-journey doctor', () => {
  it('says which context and server it talks to, with tools and permissions, and exits 0', async () => {
    const result = await cli(sandbox, ['doctor', '--journey', journey, '--no-color']);
    result.stdout = result.stdout.replace(/\s+/g, ' ');
    expect(result.stdout).toMatch(/✔ kubectl \d+\.\d+\.\d+ \(needs >=1\.28\)/);
    expect(result.stdout).toMatch(/✔ helm \d+\.\d+\.\d+ \(needs >=3\.12\)/);
    expect(result.stdout).toContain(`the cluster answers: context "hero-journey-test", server ${cluster.server}, user admin, Kubernetes v`);
    expect(result.stdout).toContain('are within one minor version');
    expect(result.stdout).toMatch(/you may do what the chapters need \(\d+ permissions asked with SelfSubjectAccessReview\)/);
    expect(result.code).toBe(0);
  });

  it('tells a read-only user what they may not do and the exact fix', async () => {
    const reader = await readOnlyUser();
    const result = await cli(reader, ['doctor', '--journey', journey, '--no-color', '--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; findings: Array<{ area: string; status: string; message: string; fix?: string }> };
    expect(report.ok).toBe(false);
    const denied = report.findings.filter((f) => f.area === 'permissions' && f.status === 'problem');
    // The cluster says who the user is (SelfSubjectReview): the fix names them, not YOUR_USER.
    expect(denied.map((f) => f.message)).toEqual(['you (checks-reader) may not create deployments.apps, services, secrets and 2 more in namespace default, which chapter deploy needs']);
    expect(denied[0]!.fix).toContain('kubectl create rolebinding hero-edit --clusterrole=edit --user=checks-reader -n default');
    expect(denied[0]!.fix).not.toContain('YOUR_USER');
    expect(result.code).toBe(1);
  });

  it.each([
    ['an unreachable cluster', () => ({ KUBECONFIG: variantKubeconfig('refused', (t) => t.replace(cluster.server, 'https://127.0.0.1:39999')) }), [], /the cluster of context "hero-journey-test" \(https:\/\/127\.0\.0\.1:39999\) does not answer: connection refused/],
    ['a context that does not exist', () => ({}), ['--context', 'prod'], /context "prod" is not in your kubeconfig \(.*\); its contexts are: hero-journey-test/],
    [
      'expired credentials',
      () => {
        const old = makeCertificate({ commonName: 'admin', notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
        return {
          KUBECONFIG: variantKubeconfig('expired', (t) =>
            t.replace(/client-certificate: .*/, `client-certificate-data: ${Buffer.from(old.certPem).toString('base64')}`).replace(/client-key: .*/, `client-key-data: ${Buffer.from(old.keyPem).toString('base64')}`),
          ),
        };
      },
      [],
      /the credentials of context "hero-journey-test" expired on 2021-01-01 00:00 UTC \(client certificate of user "admin"\)/,
    ],
    ['no kubeconfig at all', () => ({ KUBECONFIG: join(sandbox.home, 'none.yaml') }), [], /no kubeconfig found: .*none\.yaml does not exist/],
  ])('explains %s in one sentence with its fix and without a stack trace', async (_, env, args, message) => {
    const result = await cli(sandbox, ['doctor', '--journey', journey, '--no-color', ...args], env());
    expect(result.code).toBe(1);
    expect(result.stdout.replace(/\n\s+/g, ' ')).toMatch(message);
    expect(result.stdout).toMatch(/Fix: /);
    noStackTrace(result.stdout + result.stderr);
  });

  it('gives up on a cluster that accepts connections but never answers, at its probe timeout', async () => {
    const silent: Server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    try {
      const port = (silent.address() as { port: number }).port;
      const kubeconfig = variantKubeconfig('silent', (t) => t.replace(cluster.server, `https://127.0.0.1:${port}`));
      const result = await cli(sandbox, ['doctor', '--journey', journey, '--no-color'], { KUBECONFIG: kubeconfig });
      expect(result.stdout.replace(/\n\s+/g, ' ')).toContain('did not answer in time');
      // Cut off by the probe timeout ("did not answer in time"), and ended by itself: cli() stops a hang at 60 s, which exits otherwise.
      expect(result.code).toBe(1);
    } finally {
      silent.close();
    }
  });

  it('asks every permission question over the one connection it asked the version on', async () => {
    // A TCP relay to the API server that counts the connections doctor opens.
    const target = new URL(cluster.server);
    let connections = 0;
    const relay: Server = createServer((socket) => {
      connections++;
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    }).listen(0, '127.0.0.1');
    await new Promise((r) => relay.once('listening', r));
    try {
      const port = (relay.address() as { port: number }).port;
      const kubeconfig = variantKubeconfig('relayed', (t) => t.replace(cluster.server, `https://127.0.0.1:${port}`));
      // The bundled journey: its chapters need some sixty permissions.
      const result = await cli(sandbox, ['doctor', '--no-color', '--json'], { KUBECONFIG: kubeconfig });
      const report = JSON.parse(result.stdout) as { findings: Array<{ area: string; status: string; message: string }> };
      const permissions = report.findings.find((f) => f.area === 'permissions')!;
      expect(permissions).toMatchObject({ status: 'ok' });
      expect(Number(/\((\d+) permissions/.exec(permissions.message)?.[1])).toBeGreaterThan(30);
      // HTTP/2 carries them all on the version's connection; asked beside it, each would open its own.
      expect(connections).toBe(1);
    } finally {
      relay.close();
    }
  });

  it('names a missing tool and where to get it', async () => {
    const result = await cli(sandbox, ['doctor', '--journey', journey, '--no-color'], { PATH: `${process.execPath.replace(/\/node$/, '')}:/usr/bin:/bin` });
    expect(result.stdout.replace(/\n\s+/g, ' ')).toContain('helm is not on your PATH Fix: install helm (>=3.12): https://helm.sh/docs/intro/install/');
    expect(result.code).toBe(1);
  });
});

describe('hero-journey play and check with a journey that has check modules', () => {
  const ns = uniqueName('play-checks');
  const workspace = () => sandbox.home;
  beforeAll(async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', ns]);
  });

  it('never runs a journey\'s modules without consent when nobody can be asked', async () => {
    const result = await cli(sandbox, ['--journey', journey, '--yes', '--set', `NAMESPACE=${ns}`, '--no-color'], {}, workspace());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("hero-journey never runs a journey's code without your consent");
    expect(result.stderr).toContain('then pass --trust (or set HERO_JOURNEY_TRUST_CHECKS=1)');
  });

  it('runs the checks after the steps, records them, and stops at a check that fails', async () => {
    const result = await cli(sandbox, ['--journey', journey, '--yes', '--trust', '--set', `NAMESPACE=${ns}`, '--no-color'], {}, workspace());
    result.stdout = result.stdout.replace(/[\s│]+/g, ' ');
    expect(result.stdout).toContain('The level ConfigMap exists: ConfigMap');
    expect(result.stdout).toContain('The level is high enough: level 3 >= 2');
    expect(result.stdout).toContain('Check failed: The villain has arrived');
    expect(result.stdout).toContain(`Hint: create it with \`kubectl create configmap villain -n ${ns}\``);
    expect(result.stderr).toContain('the checks of chapter "Face the villain" did not pass (1 check: 1 failed)');
    expect(result.code).toBe(1);
    const status = await cli(sandbox, ['status', '--journey', journey, '--json'], {}, workspace());
    const progress = (JSON.parse(status.stdout) as { progress: { checks: Record<string, { status: string }> } }).progress;
    expect(progress.checks).toMatchObject({ deploy: { status: 'passed' }, finale: { status: 'failed' } });
  });

  it('`check` proves the current chapter (exit 1), a named one (exit 0), and prints JSON', async () => {
    const current = await cli(sandbox, ['check', '--journey', journey, '--trust', '--no-color'], {}, workspace());
    current.stdout = current.stdout.replace(/[\s│]+/g, ' ');
    expect(current.code).toBe(1);
    expect(current.stdout).toContain('Expected: ConfigMap villain in namespace');
    expect(current.stdout).toContain('Found: none');
    const named = await cli(sandbox, ['check', 'deploy', '--journey', journey, '--json'], { HERO_JOURNEY_TRUST_CHECKS: '1' }, workspace());
    expect(named.code).toBe(0);
    const report = JSON.parse(named.stdout) as { passed: boolean; checks: Array<{ id: string; status: string; module?: string }> };
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['level-exists', 'passed'],
      ['configmap-level', 'passed'],
    ]);
    expect(report.checks[1]!.module).toBe(join(journey, 'checks', 'configmap-level.ts'));
    const unknown = await cli(sandbox, ['check', 'deplyo', '--journey', journey], {}, workspace());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "hero-journey check deploy"?');
  });

  it('`check --wait` shows what it waits for, and passes as soon as the missing object appears', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(fixtures, 'cli.ts'), 'check', 'finale', '--journey', journey, '--wait', '--no-color'], { env: sandbox.env, cwd: workspace() });
    let stdout = '';
    const waitingShown = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('waiting (')) resolve();
      });
    });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await waitingShown;
    expect(stdout).toMatch(/waiting \(0:0\d left\) for The villain has arrived: ConfigMap villain in namespace \S+ does not exist/);
    await ok(admin, 'kubectl', ['create', 'configmap', 'villain', '-n', ns]);
    expect(await exited).toBe(0);
    expect(stdout).toContain('The villain has arrived: ConfigMap');
  });
});
