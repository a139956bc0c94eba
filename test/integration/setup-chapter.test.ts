// The setup chapter's steps that need no internet, run for real against the local control plane:
// "Meet your cluster" reads the Kubernetes version the journey's minimum is checked against, and
// "Find the ingress address" runs with the address a LoadBalancer would report set on a
// Traefik-like Service: an address this machine cannot reach (as kind's and k3d's are on macOS
// and Windows, inside Docker Desktop's VM) must stop the step at once with the reason and what to
// change, not later at `http-answers`; and when 127.0.0.1 answers (ports mapped to the machine),
// the step uses it and says why. 127.0.0.2 plays the unreachable address: on Linux every 127.x address is this
// machine's loopback, where nothing listens on port 80 unless this test starts a server.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJourney } from '../../src/journey/load.ts';
import { runStep } from '../../src/steps/run.ts';
import { adminApi, apply, cluster, mergePatch } from './checks/support.ts';

const sandbox = cluster.sandbox();
const NS = 'traefik-address-test';
let code = '';
let knockCode = '';
let meet = '';
let workspace = '';

beforeAll(async () => {
  const journey = await loadJourney(fileURLToPath(new URL('../../chapters', import.meta.url)));
  const steps = journey.chapters.get('setup')!.steps;
  code = steps.find((step) => step.title === 'Find the ingress address')!.code;
  knockCode = steps.find((step) => step.title === 'Knock on the front door')!.code;
  meet = journey.chapters.get('setup')!.steps.find((step) => step.title === 'Meet your cluster')!.code;
  workspace = mkdtempSync(join(tmpdir(), 'hero-setup-'));
  await apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`);
  await apply(
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: traefik\n  namespace: ${NS}\nspec:\n  type: LoadBalancer\n  ports:\n    - name: web\n      port: 80\n`,
  );
  // What a load balancer implementation (cloud-provider-kind, k3d's) writes once it has an address.
  await adminApi().core.patchNamespacedServiceStatus(
    { name: 'traefik', namespace: NS, body: { status: { loadBalancer: { ingress: [{ ip: '127.0.0.2' }] } } } },
    mergePatch,
  );
});
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  sandbox.cleanup();
});

/** "Find the ingress address", then "Knock on the front door" with what the first exported, as play runs them. */
async function findAddress(flavour: string): Promise<{ exitCode: number | null | undefined; output: string; captured: Record<string, string> }> {
  let output = '';
  const env = { ...(sandbox.env as Record<string, string>), INGRESS_ADDRESS: 'auto', INGRESS_NAMESPACE: NS, INGRESS_SERVICE: 'traefik', CLUSTER_FLAVOUR: flavour };
  const found = await runStep({ code, cwd: workspace, env, timeoutSeconds: 120, onOutput: (text) => (output += text) });
  if (found.exitCode !== 0) return { exitCode: found.exitCode, output, captured: found.captured };
  const knocked = await runStep({ code: knockCode, cwd: workspace, env: { ...env, ...found.captured }, timeoutSeconds: 120, onOutput: (text) => (output += text) });
  return { exitCode: knocked.exitCode, output, captured: { ...found.captured, ...knocked.captured } };
}

describe('setup: Meet your cluster', () => {
  it('reads the cluster\'s Kubernetes version (the journey needs 1.29 or newer) and its nodes\' CPU', async () => {
    const stdout = execFileSync('kubectl', ['version', '-o', 'json'], { env: sandbox.env, encoding: 'utf8' });
    const minor = (JSON.parse(stdout) as { serverVersion: { minor: string } }).serverVersion.minor.replace(/\D.*$/, '');
    let output = '';
    const result = await runStep({ code: meet, cwd: workspace, env: sandbox.env as Record<string, string>, timeoutSeconds: 60, onOutput: (text) => (output += text) });
    expect(result.exitCode, output).toBe(0);
    expect(output).toContain(`running Kubernetes 1.${minor}.`);
    expect(result.captured.CLUSTER_ARCH).toMatch(/^(amd64|arm64)$/);
  });
});

describe('setup: Find the ingress address', () => {
  it('stops, with the reason and the fix for kind, when the reported address does not answer from this machine', async (context) => {
    const probe = await listen(80, '127.0.0.1');
    if (probe) await close(probe);
    else context.skip('something else listens on 127.0.0.1:80 here, so 127.0.0.1 would answer');
    const { exitCode, output, captured } = await findAddress('kind');
    expect(exitCode, output).toBe(1);
    expect(output).toContain('Nothing answers at http://127.0.0.2/ from this machine.');
    expect(output).toContain("Hero's URL would not work from here");
    expect(output).toMatch(/kind on macOS or Windows: create the cluster with the port mappings/);
    expect(captured.INGRESS_HOST).toBeUndefined();
  });

  it('uses 127.0.0.1, and says why, when the reported address does not answer but 127.0.0.1 does', async (context) => {
    const server = await listen(80, '127.0.0.1', (_request, response) => response.writeHead(404).end('404 page not found\n'));
    if (!server) return context.skip('port 80 of 127.0.0.1 is taken here: the mapped port cannot be played');
    try {
      const { exitCode, output, captured } = await findAddress('k3d');
      expect(exitCode, output).toBe(0);
      expect(output).toContain('127.0.0.1 answers, though: your cluster maps port 80 to this machine.');
      expect(output).toContain('Traefik says: HTTP 404');
      expect(captured).toMatchObject({ INGRESS_HOST: '127.0.0.1', INGRESS_IP: '127.0.0.1' });
    } finally {
      await close(server);
    }
  });
});

/** A server on host:port, or undefined when the port is taken (another test, another program). */
function listen(port: number, host: string, handler?: Parameters<typeof createServer>[1]): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer(handler ?? ((_request, response) => response.end()));
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
