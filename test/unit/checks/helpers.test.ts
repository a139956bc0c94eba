import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentVerdict, findCondition, httpGet, parseCertificates, parseTlsSecret } from '../../../src/checks/helpers.ts';
import { makeCertificate, makeServerCertificate } from './certs.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('deploymentVerdict', () => {
  const deployment = (spec: object, status: object, generation = 1) => ({ metadata: { name: 'hero', namespace: 'dev', generation }, spec, status });

  it.each([
    [undefined, false, 'Deployment dev/hero does not exist'],
    [deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), true, 'Deployment dev/hero: 2 of 2 replicas available'],
    [deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }), false, 'Deployment dev/hero: 1 of 2 replicas available'],
    [deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }), false, 'Deployment dev/hero: 1 old replicas are still shutting down'],
    [deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }), false, 'Deployment dev/hero: 1 of 2 replicas updated'],
    [deployment({ replicas: 1 }, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 2), false, 'Deployment dev/hero: the controller has not seen the latest change yet'],
    [deployment({}, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }), true, 'Deployment dev/hero: 1 of 1 replicas available'],
  ])('%#', (object, ok, reason) => {
    expect(deploymentVerdict(object, 'dev/hero')).toMatchObject({ ok, reason });
  });

  it('says when the rollout gave up', () => {
    const verdict = deploymentVerdict(
      deployment({ replicas: 1 }, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "hero-1" has timed out progressing.' }] }),
      'dev/hero',
    );
    expect(verdict).toMatchObject({ ok: false, reason: 'Deployment dev/hero gave up rolling out: ReplicaSet "hero-1" has timed out progressing.' });
  });

  it('finds conditions', () => {
    expect(findCondition({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Ready')).toEqual({ type: 'Ready', status: 'True' });
    expect(findCondition({ status: {} }, 'Ready')).toBeUndefined();
  });
});

describe('parseTlsSecret', () => {
  const { ca, leaf } = makeServerCertificate(['hero.example.com', '*.apps.example.com']);
  const secret = (crt: string, key: string, extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'hero-tls', namespace: 'dev' },
    data: { 'tls.crt': b64(crt), 'tls.key': b64(key), ...extra },
  });

  it('reads SANs, validity, the chain and whether the key matches', () => {
    const tls = parseTlsSecret(secret(leaf.certPem + ca.certPem, leaf.keyPem, { 'ca.crt': b64(ca.certPem) }));
    expect(tls.dnsNames).toEqual(['hero.example.com', '*.apps.example.com']);
    expect(tls.chain).toHaveLength(2);
    expect(tls.keyMatches).toBe(true);
    expect(tls.caPem).toBe(ca.certPem);
    expect(tls.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(tls.coversHost('hero.example.com')).toBe(true);
    expect(tls.coversHost('shop.apps.example.com')).toBe(true);
    expect(tls.coversHost('villain.example.com')).toBe(false);
  });

  it('notices a key that belongs to another certificate, and expiry', () => {
    const other = makeCertificate({ commonName: 'other' });
    expect(parseTlsSecret(secret(leaf.certPem, other.keyPem)).keyMatches).toBe(false);
    const expired = makeCertificate({ commonName: 'old', dnsNames: ['old.example.com'], issuer: ca, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
    expect(parseTlsSecret(secret(expired.certPem, expired.keyPem)).notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z');
  });

  it('throws when tls.crt holds no certificate', () => {
    expect(() => parseTlsSecret(secret('not a certificate', ''))).toThrow('Secret dev/hero-tls has no certificate in tls.crt');
    expect(parseCertificates('')).toEqual([]);
  });
});

describe('httpGet', () => {
  const { ca, leaf } = makeServerCertificate(['hero.example.test', '127.0.0.1']);
  let https: Server;
  let http: Server;
  let httpsPort = 0;
  let httpPort = 0;
  beforeAll(async () => {
    https = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('Hero over HTTPS')).listen(0, '127.0.0.1');
    http = createHttpServer((req, res) => {
      if (req.url === '/moved') res.writeHead(301, { Location: '/there' }).end();
      else res.end(`Hero over HTTP at ${req.headers.host}`);
    }).listen(0, '127.0.0.1');
    await Promise.all([https, http].map((s) => new Promise((r) => s.once('listening', r))));
    httpsPort = (https.address() as AddressInfo).port;
    httpPort = (http.address() as AddressInfo).port;
  });
  afterAll(() => {
    https.close();
    http.close();
  });

  it('verifies the certificate against the given CA and the host name', async () => {
    const result = await httpGet(`https://hero.example.test:${httpsPort}/`, { ca: ca.certPem, connectTo: { host: '127.0.0.1' } });
    expect(result).toMatchObject({ ok: true, status: 200, body: 'Hero over HTTPS', authorized: true });
    expect(result.ok && result.certificate?.subjectAltName).toBe('DNS:hero.example.test, IP Address:127.0.0.1');
    expect(await httpGet(`https://127.0.0.1:${httpsPort}/`, { ca: ca.certPem })).toMatchObject({ ok: true, authorized: true });
  });

  it('refuses an untrusted certificate or one for another host, unless asked only to report it', async () => {
    const untrusted = await httpGet(`https://127.0.0.1:${httpsPort}/`);
    expect(untrusted).toMatchObject({ ok: false, code: 'CERT_UNTRUSTED' });
    const wrongHost = await httpGet(`https://localhost:${httpsPort}/`, { ca: ca.certPem });
    expect(wrongHost).toMatchObject({ ok: false, error: expect.stringContaining('the certificate is not valid for localhost') });
    const reported = await httpGet(`https://localhost:${httpsPort}/`, { ca: ca.certPem, verify: false });
    expect(reported).toMatchObject({ ok: true, status: 200, authorized: false });
  });

  it('speaks plain HTTP, does not follow redirects, and says why there was no answer', async () => {
    expect(await httpGet(`http://127.0.0.1:${httpPort}/`)).toMatchObject({ ok: true, status: 200, body: `Hero over HTTP at 127.0.0.1:${httpPort}` });
    expect(await httpGet(`http://127.0.0.1:${httpPort}/moved`)).toMatchObject({ ok: true, status: 301, headers: { location: '/there' } });
    const closed = await httpGet('http://127.0.0.1:1/');
    expect(closed).toMatchObject({ ok: false, code: 'ECONNREFUSED', error: 'nothing answers at http://127.0.0.1:1/ (connection refused)' });
    expect(await httpGet('ftp://x/')).toMatchObject({ ok: false, error: 'ftp://x/ is not an http:// or https:// URL' });
  });
});
