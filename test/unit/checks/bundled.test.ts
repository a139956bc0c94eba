// The bundled journey's check modules that need no cluster, each run the way hero-journey runs
// it (a real Node process loading chapters/checks/<id>.ts). The ones that read the cluster are
// tested against the local control plane in test/integration/checks.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeServerCertificate } from './certs.ts';

// Each test starts Node processes (as hero-journey runs checks); under a loaded machine that takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const run = promisify(execFile);
const chapters = fileURLToPath(new URL('../../../chapters', import.meta.url));
const driver = fileURLToPath(new URL('./fixtures/run-check.ts', import.meta.url));
const bin = mkdtempSync(join(tmpdir(), 'hj-bundled-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

async function check(id: string, args: object, env: NodeJS.ProcessEnv = {}): Promise<{ status: string; reason: string; details?: string; hint?: string }> {
  const { stdout } = await run(process.execPath, [driver, chapters, id, JSON.stringify(args)], {
    env: { PATH: process.env.PATH, HOME: bin, KUBECONFIG: join(bin, 'no-kubeconfig'), ...env },
  });
  return JSON.parse(stdout) as { status: string; reason: string };
}

const { ca, leaf } = makeServerCertificate(['localhost', '127.0.0.1']);
let http: Server;
let https: Server;
let web = '';
let secure = '';
let db: object = {};
beforeAll(async () => {
  http = createHttpServer((req, res) => {
    if (req.url === '/db') res.setHeader('Content-Type', 'application/json').end(JSON.stringify(db));
    else if (req.url === '/missing') res.writeHead(404).end('not here');
    else res.end('<h1>Hero</h1> is up');
  }).listen(0, '127.0.0.1');
  https = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('Hero, securely')).listen(0, '127.0.0.1');
  await Promise.all([http, https].map((s) => new Promise((r) => s.once('listening', r))));
  web = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  secure = `https://localhost:${(https.address() as AddressInfo).port}`;
});
afterAll(() => {
  http.close();
  https.close();
});

describe('http-answers', () => {
  it('passes on the expected status and text, fails saying what was found', async () => {
    const [ok, missing, text, refused, empty] = await Promise.all([
      check('http-answers', { url: `${web}/`, contains: 'Hero' }),
      check('http-answers', { url: `${web}/missing` }),
      check('http-answers', { url: `${web}/`, contains: 'Hero levels up!' }),
      check('http-answers', { url: 'http://127.0.0.1:1/' }),
      check('http-answers', { url: '/' }),
    ]);
    expect(ok).toMatchObject({ status: 'passed', reason: `GET ${web}/ → 200, the page says "Hero"` });
    expect(missing).toMatchObject({ status: 'failed', reason: `GET ${web}/missing → 404 (expected 200)`, details: 'The page starts with: not here' });
    expect(text).toMatchObject({ status: 'failed', reason: `GET ${web}/ → 200, but the page does not contain "Hero levels up!"` });
    expect(refused).toMatchObject({ status: 'failed', reason: 'GET http://127.0.0.1:1/: nothing answers at http://127.0.0.1:1/ (connection refused)' });
    expect(empty).toMatchObject({ status: 'failed', reason: expect.stringContaining('the argument `url` is empty') });
  });
});

describe('https-answers', () => {
  it('passes with a certificate that verifies for the host, and fails on one that does not', async () => {
    const trusted = await check('https-answers', { url: `${secure}/`, contains: 'Hero', ca: ca.certPem });
    expect(trusted).toMatchObject({ status: 'passed', reason: `GET ${secure}/ → 200 over trusted HTTPS` });
    expect(trusted.details).toMatch(/^Certificate: issued by CN=hero-journey test CA for DNS:localhost, IP Address:127\.0\.0\.1, valid until \d{4}-\d\d-\d\d$/);
    const untrusted = await check('https-answers', { url: `${secure}/` });
    expect(untrusted).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^the certificate is not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE/) });
    const otherHost = await check('https-answers', { url: secure.replace('localhost', '127.0.0.2') + '/', ca: ca.certPem });
    expect(otherHost.status).toBe('failed');
  });
});

describe('dns-resolves', () => {
  it('compares the host name\'s addresses with the target', async () => {
    const [same, other, unknown, empty] = await Promise.all([
      check('dns-resolves', { host: 'localhost', target: '127.0.0.1' }),
      check('dns-resolves', { host: 'localhost', target: '203.0.113.10' }),
      check('dns-resolves', { host: 'hero.invalid', target: '127.0.0.1' }),
      check('dns-resolves', { host: 'localhost', target: '' }),
    ]);
    expect(same).toMatchObject({ status: 'passed', reason: 'localhost resolves to 127.0.0.1' });
    expect(other).toMatchObject({ status: 'failed', reason: 'localhost resolves to 127.0.0.1, expected 203.0.113.10' });
    expect(unknown).toMatchObject({ status: 'failed', reason: 'hero.invalid does not resolve' });
    expect(empty).toMatchObject({ status: 'failed', reason: expect.stringContaining('`target` is empty') });
  });
});

describe('local-image-exists', () => {
  it('asks the container tool to inspect the image, and only known tools', async () => {
    writeFileSync(
      join(bin, 'docker'),
      '#!/bin/sh\nif [ "$1 $2 $3" = "image inspect hero:0.1.0" ]; then echo \'[{"Os":"linux","Architecture":"arm64"}]\'; else echo "Error: No such image: $3" >&2; exit 1; fi\n',
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const [found, missing, refused] = await Promise.all([
      check('local-image-exists', { cli: 'docker', image: 'hero:0.1.0' }, env),
      check('local-image-exists', { cli: 'docker', image: 'hero:9' }, env),
      check('local-image-exists', { cli: 'rm', image: 'hero:0.1.0' }, env),
    ]);
    expect(found).toMatchObject({ status: 'passed', reason: 'docker has hero:0.1.0 (linux/arm64)' });
    expect(missing).toMatchObject({ status: 'failed', reason: 'no image hero:9 in docker', details: 'Error: No such image: hero:9' });
    expect(refused).toMatchObject({ status: 'failed', reason: expect.stringContaining('is not one of docker') });
  });
});

describe("Hero's database status", () => {
  it('postgres-accepts-connections reads configured/connected from /db', async () => {
    db = { configured: true, connected: true, server: 'PostgreSQL 16.4' };
    expect(await check('postgres-accepts-connections', { url: `${web}/db` })).toMatchObject({ status: 'passed', reason: 'Hero is connected to its database (PostgreSQL 16.4)' });
    db = { configured: false, connected: false };
    expect(await check('postgres-accepts-connections', { url: `${web}/db` })).toMatchObject({ status: 'failed', reason: 'Hero has no database settings (configured: false)' });
    db = { configured: true, connected: false, error: 'password authentication failed for user "hero"' };
    expect(await check('postgres-accepts-connections', { url: `${web}/db` })).toMatchObject({ status: 'failed', reason: 'Hero cannot connect: password authentication failed for user "hero"' });
  });

  it('an answer that is JSON but not an object, or with fields of other types, is not taken for a status', async () => {
    for (const answer of [null, 42, ['connected']]) {
      db = answer as object;
      for (const id of ['postgres-accepts-connections', 'schema-applied']) {
        expect(await check(id, { url: `${web}/db`, table: 'quests' }), `${id} of ${JSON.stringify(answer)}`).toMatchObject({
          status: 'failed',
          reason: `GET ${web}/db did not answer a JSON object with Hero's database status: is this Hero?`,
        });
      }
    }
    db = { configured: 'false', connected: 'yes', error: { code: 1 } };
    expect(await check('postgres-accepts-connections', { url: `${web}/db` })).toMatchObject({ status: 'failed', reason: 'Hero has no database settings (configured: false)' });
    db = { configured: true, connected: false, error: { code: 1 } };
    expect(await check('postgres-accepts-connections', { url: `${web}/db` })).toMatchObject({ status: 'failed', reason: 'Hero cannot connect: no error given' });
    db = { configured: true, connected: true, tables: 'quests' };
    expect(await check('schema-applied', { url: `${web}/db`, table: 'quests' })).toMatchObject({ status: 'failed', reason: 'connected, but no table quests (tables: [])' });
  });

  it('schema-applied looks for the table', async () => {
    db = { configured: true, connected: true, tables: ['heroes', 'quests'] };
    expect(await check('schema-applied', { url: `${web}/db`, table: 'quests' })).toMatchObject({ status: 'passed', reason: 'the table quests exists' });
    db = { configured: true, connected: true, tables: [] };
    expect(await check('schema-applied', { url: `${web}/db`, table: 'quests' })).toMatchObject({ status: 'failed', reason: 'connected, but no table quests (tables: [])' });
  });
});

describe('image-in-registry', () => {
  it('reads image references the way Docker does', async () => {
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `import { registerCheckImports } from ${JSON.stringify(fileURLToPath(new URL('../../../src/checks/modules.ts', import.meta.url)))};
       registerCheckImports();
       const { parseImage } = await import(${JSON.stringify(join(chapters, 'checks', 'image-in-registry.ts'))});
       console.log(JSON.stringify(['hero', 'someone/hero:0.1.0', 'harbor.example.com/hero/hero:0.1.0', 'localhost:5000/hero@sha256:abc'].map(parseImage)));`,
    ]);
    expect(JSON.parse(stdout)).toEqual([
      { registry: 'docker.io', host: 'registry-1.docker.io', repository: 'library/hero', reference: 'latest' },
      { registry: 'docker.io', host: 'registry-1.docker.io', repository: 'someone/hero', reference: '0.1.0' },
      { registry: 'harbor.example.com', host: 'harbor.example.com', repository: 'hero/hero', reference: '0.1.0' },
      { registry: 'localhost:5000', host: 'localhost:5000', repository: 'hero', reference: 'sha256:abc' },
    ]);
  });

  it('names a registry it cannot reach', async () => {
    expect(await check('image-in-registry', { image: '127.0.0.1:1/hero:0.1.0' })).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^cannot reach the registry 127\.0\.0\.1:1: /) });
  });

  it('a registry where nothing listens: connection refused, with what to try (not a hint about private repositories)', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await check('image-in-registry', { image: `127.0.0.1:${port}/hero:0.1.0` })).toMatchObject({
      status: 'failed',
      reason: `cannot reach 127.0.0.1:${port}: connection refused (nothing listens there)`,
      hint: expect.stringContaining('the service is not running'),
    });
  });

  it('a registry whose name does not resolve: no network or DNS, and the chapter\'s hint is left out', async () => {
    const outcome = await check('image-in-registry', { image: 'registry.invalid/hero:0.1.0' });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'cannot reach registry.invalid: no network or DNS (the name does not resolve)' });
    expect(outcome.hint).toContain('nslookup registry.invalid');
  });
});
