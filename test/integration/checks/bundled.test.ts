// Every check module of the bundled journey, run exactly as hero-journey runs it (its own Node
// process loading chapters/checks/<id>.ts) as a user whose RBAC allows only get, list and
// watch: each passes and fails for the right reasons, and none needs to write (a write would be
// refused with 403 and turn into a failure here).
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../cluster/testenv.ts';
import { makeCertificate, makeServerCertificate } from '../../unit/checks/certs.ts';
import { uniqueName } from '../helpers.ts';
import { admin, apply, bundledCheck, bundledJourney, cli, installCertManagerCrds, ok, readOnlyUser, ready, setStatus } from './support.ts';

const tested = new Set<string>();
let reader: Sandbox;
const b64 = (text: string) => Buffer.from(text).toString('base64');

function deployment(name: string, labels: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${labels} } }
  template:
    metadata: { labels: { app: ${labels} } }
    spec:
      containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          ports: [{ containerPort: 443 }]
---
`;
}

async function run(id: string, args: object) {
  tested.add(id);
  return bundledCheck(reader, id, args);
}

beforeAll(async () => {
  reader = await readOnlyUser();
  await installCertManagerCrds();
});
afterAll(() => admin.cleanup());

describe('cert-manager-ready', () => {
  const ns = uniqueName('cm');
  it('fails naming the first missing piece, passes when CRDs, Deployments and the webhook endpoint are there', async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', ns]);
    expect(await run('cert-manager-ready', { namespace: ns })).toMatchObject({ status: 'failed', reason: `Deployment ${ns}/cert-manager does not exist` });
    await apply(
      deployment('cert-manager', 'controller') +
        deployment('cert-manager-cainjector', 'cainjector') +
        deployment('cert-manager-webhook', 'webhook') +
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: cert-manager-webhook\nspec:\n  selector: { app: webhook }\n  ports: [{ port: 443, targetPort: 443 }]\n',
      ns,
    );
    for (const name of ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']) {
      await ok(admin, 'kubectl', ['wait', '-n', ns, '--for=condition=Available', `deployment/${name}`, '--timeout=60s']);
    }
    // Polled, not read once after a pass: under load the controllers' caches lag and a Deployment's
    // status can drop back to 0 available for a moment (seen once in CI), and the check says so.
    await expect
      .poll(async () => {
        const result = await run('cert-manager-ready', { namespace: ns });
        return `${result.status}: ${result.reason}`;
      }, { timeout: 30_000, interval: 500 })
      .toBe('passed: cert-manager is installed and its webhook answers');
  });
});

describe('ingress-controller-ready', () => {
  const ns = uniqueName('ingress');
  it('wants a ready endpoint and an address: the LoadBalancer\'s, or the learner\'s own', async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', ns]);
    const args = { namespace: ns, service: 'traefik', address: 'auto' };
    expect(await run('ingress-controller-ready', args)).toMatchObject({ status: 'failed', reason: `Service ${ns}/traefik not found` });
    await apply(`${deployment('traefik', 'traefik')}apiVersion: v1\nkind: Service\nmetadata:\n  name: traefik\nspec:\n  type: LoadBalancer\n  selector: { app: traefik }\n  ports: [{ port: 443, targetPort: 443 }]\n`, ns);
    await ok(admin, 'kubectl', ['wait', '-n', ns, '--for=condition=Available', 'deployment/traefik', '--timeout=60s']);
    await expect.poll(async () => (await run('ingress-controller-ready', args)).reason, { timeout: 30_000, interval: 500 }).toBe(`Service ${ns}/traefik: the LoadBalancer has no address yet (pending)`);
    await expect
      .poll(async () => {
        const result = await run('ingress-controller-ready', { ...args, address: '127.0.0.1' });
        return `${result.status}: ${result.reason}`;
      }, { timeout: 30_000, interval: 500 })
      .toBe(`passed: Service ${ns}/traefik is ready; you reach it at 127.0.0.1`);
    await ok(admin, 'kubectl', ['patch', 'service', 'traefik', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}']);
    expect(await run('ingress-controller-ready', args)).toMatchObject({ status: 'passed', reason: `Service ${ns}/traefik is ready at 203.0.113.10` });
  });
});

describe('workloads-ready', () => {
  const ns = uniqueName('workloads');
  it('lists the workloads that are not ready, passes when all are', async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', ns]);
    expect(await run('workloads-ready', { namespace: ns })).toMatchObject({ status: 'failed', reason: `namespace ${ns} has no Deployments, StatefulSets or DaemonSets yet` });
    await apply(deployment('manager', 'manager', 2), ns);
    const first = await run('workloads-ready', { namespace: ns });
    expect(first.status === 'passed' || /deployment\/manager \d\/2 available/.test(first.reason)).toBe(true);
    await ok(admin, 'kubectl', ['wait', '-n', ns, '--for=condition=Available', 'deployment/manager', '--timeout=60s']);
    await expect.poll(async () => (await run('workloads-ready', { namespace: ns })).reason, { timeout: 30_000, interval: 500 }).toBe(`all 1 workloads in ${ns} are ready`);
  });
});

describe('nodes-ready', () => {
  it('passes on the Ready fake node, fails naming a node that is not Ready and when too few are', async () => {
    expect(await run('nodes-ready', {})).toMatchObject({ status: 'passed', reason: '1 node Ready' });
    expect(await run('nodes-ready', { min: 3 })).toMatchObject({ status: 'failed', reason: 'expected at least 3 nodes, all Ready; found 1' });
    // A Node no kubelet (or kwok) reports for never becomes Ready; tainted so that nothing is scheduled onto it.
    const name = uniqueName('joining');
    await apply(`apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\nspec:\n  taints: [{ key: hero-journey/test, effect: NoSchedule }]\n`);
    try {
      const joining = await run('nodes-ready', {});
      expect(joining).toMatchObject({ status: 'failed', reason: `expected at least 1 node, all Ready; found 2, not Ready: ${name}` });
      expect(joining.hint).toContain('kubectl get nodes');
    } finally {
      await ok(admin, 'kubectl', ['delete', 'node', name, '--wait=false']);
    }
  });
});

describe('Secrets', () => {
  const ns = uniqueName('secrets');
  const host = 'hero.example.com';
  // The same certificate also names localhost, so a local server can serve it to https-answers.
  const { ca, leaf } = makeServerCertificate([host, 'localhost']);
  const tlsSecret = (name: string, crt: string, key: string, type = 'kubernetes.io/tls') =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: ${type}\ndata:\n  tls.crt: ${b64(crt)}\n  tls.key: ${b64(key)}\n---\n`;

  beforeAll(async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', ns]);
    const expired = makeCertificate({ commonName: host, dnsNames: [host], issuer: ca, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    const other = makeCertificate({ commonName: 'other' });
    const elsewhere = makeCertificate({ commonName: 'shop.example.com', dnsNames: ['shop.example.com'], issuer: ca });
    await apply(
      tlsSecret('hero-tls', leaf.certPem + ca.certPem, leaf.keyPem) +
        tlsSecret('expired-tls', expired.certPem, expired.keyPem) +
        tlsSecret('wrong-key-tls', leaf.certPem, other.keyPem) +
        tlsSecret('shop-tls', elsewhere.certPem, elsewhere.keyPem) +
        tlsSecret('opaque', leaf.certPem, leaf.keyPem, 'Opaque') +
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: hero-db-app\ndata:\n  host: ${b64('db')}\n  port: ${b64('5432')}\n  password: ""\n`,
      ns,
    );
  });

  it('tls-secret-valid: a current certificate for the host, with its key', async () => {
    const args = (secret: string) => ({ namespace: ns, secret, host });
    const [valid, expired, wrongKey, otherHost, opaque, missing] = await Promise.all(
      ['hero-tls', 'expired-tls', 'wrong-key-tls', 'shop-tls', 'opaque', 'missing'].map((name) => run('tls-secret-valid', args(name))),
    );
    expect(valid).toMatchObject({ status: 'passed', reason: expect.stringMatching(new RegExp(`^Secret ${ns}/hero-tls holds a certificate for ${host}, valid until \\d{4}-\\d\\d-\\d\\d$`)) });
    expect(valid!.details).toContain('SANs: hero.example.com, localhost');
    expect(expired).toMatchObject({ status: 'failed', reason: 'the certificate expired on 2021-01-01T00:00:00.000Z' });
    expect(wrongKey).toMatchObject({ status: 'failed', reason: 'tls.key is not the private key of the certificate in tls.crt' });
    expect(otherHost).toMatchObject({ status: 'failed', reason: `the certificate's SANs are [shop.example.com], not ${host}` });
    expect(opaque).toMatchObject({ status: 'failed', reason: `Secret ${ns}/opaque is of type Opaque, not kubernetes.io/tls` });
    expect(missing).toMatchObject({ status: 'failed', reason: `Secret ${ns}/missing does not exist yet` });
  });

  it('https-answers: the app answers over HTTPS with the certificate from that Secret', async () => {
    const server = createHttpsServer({ cert: leaf.certPem + ca.certPem, key: leaf.keyPem }, (_req, res) => res.end('Hero, over HTTPS')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const served = await run('https-answers', { url: `https://localhost:${port}/`, contains: 'Hero', ca: ca.certPem });
      expect(served).toMatchObject({ status: 'passed' });
      expect(served.details).toContain('for DNS:hero.example.com, DNS:localhost');
      expect(await run('https-answers', { url: `https://localhost:${port}/` })).toMatchObject({ status: 'failed', reason: expect.stringContaining('the certificate is not trusted') });
    } finally {
      server.close();
    }
  });

  it('secret-has-keys: every key present and non-empty, values never shown', async () => {
    const passed = await run('secret-has-keys', { namespace: ns, secret: 'hero-db-app', keys: ['host', 'port'] });
    expect(passed).toMatchObject({ status: 'passed', reason: `Secret ${ns}/hero-db-app has host, port` });
    const failed = await run('secret-has-keys', { namespace: ns, secret: 'hero-db-app', keys: ['host', 'password', 'uri'] });
    expect(failed).toMatchObject({ status: 'failed', reason: `Secret ${ns}/hero-db-app: missing: uri; empty: password` });
    expect(JSON.stringify(failed)).not.toContain('5432');
  });
});

describe('checks that do not read the cluster', () => {
  let http: Server;
  let url = '';
  let db = { configured: true, connected: true, server: 'PostgreSQL 16', tables: ['quests'] };
  beforeAll(async () => {
    http = createHttpServer((req, res) => res.end(req.url === '/db' ? JSON.stringify(db) : 'Hero')).listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(() => http.close());

  it('also run as the read-only user', async () => {
    writeFileSync(join(reader.home, 'docker'), '#!/bin/sh\necho "Error: No such image: $3" >&2\nexit 1\n');
    chmodSync(join(reader.home, 'docker'), 0o755);
    const [http200, connected, schema, dns, registry] = await Promise.all([
      run('http-answers', { url: `${url}/`, contains: 'Hero' }),
      run('postgres-accepts-connections', { url: `${url}/db` }),
      run('schema-applied', { url: `${url}/db`, table: 'quests' }),
      run('dns-resolves', { host: 'localhost', target: '127.0.0.1' }),
      run('image-in-registry', { image: '127.0.0.1:1/hero:0.1.0' }),
    ]);
    expect([http200, connected, schema, dns].map((o) => o.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(registry).toMatchObject({ status: 'failed' });
    db = { ...db, tables: [] };
    expect(await run('schema-applied', { url: `${url}/db`, table: 'quests' })).toMatchObject({ status: 'failed' });
    reader.env.PATH = `${reader.home}:${reader.env.PATH}`;
    expect(await run('local-image-exists', { cli: 'docker', image: 'hero:0.1.0' })).toMatchObject({ status: 'failed', reason: 'no image hero:0.1.0 in docker' });
  });
});

describe('the bundled chapters, through `hero-journey check`', () => {
  it('proves setup/cert-manager as the read-only user: issuer Ready, cert-manager available', async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', 'cert-manager', '--dry-run=client', '-o', 'yaml']).then((yaml) => apply(yaml));
    await apply(
      deployment('cert-manager', 'controller') +
        deployment('cert-manager-cainjector', 'cainjector') +
        deployment('cert-manager-webhook', 'webhook') +
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: cert-manager-webhook\nspec:\n  selector: { app: webhook }\n  ports: [{ port: 443, targetPort: 443 }]\n',
      'cert-manager',
    );
    await apply('apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\nspec:\n  acme: {}\n');
    await setStatus('clusterissuers', 'letsencrypt', undefined, ready('False', 'ErrRegisterACMEAccount', 'Failed to register ACME account'));
    const failing = await cli(reader, ['check', 'setup/cert-manager', '--no-color']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('Check failed: The Let\'s Encrypt ClusterIssuer is registered');
    expect(failing.stdout).toContain('status.conditions[type=Ready].status: expected "True", found');
    for (const name of ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']) {
      await ok(admin, 'kubectl', ['wait', '-n', 'cert-manager', '--for=condition=Available', `deployment/${name}`, '--timeout=60s']);
    }
    await setStatus('clusterissuers', 'letsencrypt', undefined, ready('True', 'ACMEAccountRegistered'));
    const passing = await cli(reader, ['check', 'setup/cert-manager', '--wait', '--json']);
    expect(JSON.parse(passing.stdout)).toMatchObject({ passed: true, summary: '2 checks: 2 passed' });
    expect(passing.code).toBe(0);
    tested.add('cert-manager-ready');
  });

  it('proves the HTTPS chapter\'s Certificate assert as the read-only user', async () => {
    await ok(admin, 'kubectl', ['create', 'namespace', 'dev', '--dry-run=client', '-o', 'yaml']).then((yaml) => apply(yaml));
    await apply('apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: hero\n  namespace: dev\nspec:\n  secretName: hero-tls\n');
    await setStatus('certificates', 'hero', 'dev', ready('True'));
    const result = await cli(reader, ['check', 'https/cert-manager-helm', '--json']);
    const checks = (JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; reason: string }> }).checks;
    expect(checks.find((c) => c.id === 'certificate-ready')).toMatchObject({ status: 'passed' });
    // The other two need APP_HOST, which only playing the journey sets.
    expect(checks.find((c) => c.id === 'tls-secret-valid')).toMatchObject({ status: 'failed', reason: 'variable APP_HOST is not set, so the check cannot know what to look for' });
  });
});

it('every bundled check module was run above', () => {
  const modules = readdirSync(join(bundledJourney, 'checks')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
  expect(modules.length).toBeGreaterThan(0);
  expect([...tested].sort()).toEqual(expect.arrayContaining(modules.sort()));
  expect(modules.filter((m) => !tested.has(m))).toEqual([]);
});
