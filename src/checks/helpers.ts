// The helpers check modules get as `ctx.helpers`: deployments, conditions, TLS Secrets, HTTPS.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckHelpers, CheckResult, Condition, HttpsGetOptions, HttpsResult, TlsSecret } from './define.ts';
import { fail, pass } from './define.ts';
import type { KubeObject, KubeReader } from '../kube/types.ts';
import { recognizeNetworkFailure } from '../network.ts';

/** Helpers bound to one cluster. */
export function createHelpers(kube: KubeReader): CheckHelpers {
  return {
    pass,
    fail,
    condition: findCondition,
    parseCertificates,
    httpGet,
    unreachable(error, host) {
      const failure = recognizeNetworkFailure(error, host);
      return failure ? { ok: false, reason: failure.reason, hint: failure.hint } : undefined;
    },
    httpsGet: (url, options) => (url.startsWith('https:') ? httpGet(url, options) : Promise.resolve({ ok: false, error: `${url} is not an https:// URL` })),
    async deploymentAvailable(ref) {
      const namespace = ref.namespace ?? kube.namespace;
      const deployment = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: ref.name, namespace });
      return deploymentVerdict(deployment, `${namespace}/${ref.name}`);
    },
    async conditionTrue(ref, type) {
      const object = await kube.get(ref);
      const label = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      if (!object) return fail(`${label} does not exist`);
      const condition = findCondition(object, type);
      if (!condition) return fail(`${label} has no ${type} condition yet`);
      const why = [condition.reason, condition.message].filter(Boolean).join(': ');
      if (condition.status === 'True') return pass(`${label} is ${type}`);
      return fail(`${label} is not ${type} (${condition.status}${why ? `, ${why}` : ''})`);
    },
    async tlsSecret(ref) {
      const namespace = ref.namespace ?? kube.namespace;
      const secret = await kube.get({ apiVersion: 'v1', kind: 'Secret', name: ref.name, namespace });
      if (!secret) return undefined;
      return parseTlsSecret(secret);
    },
  };
}

/** Whether a Deployment has rolled out and all its replicas are available, as `kubectl rollout status` decides. */
export function deploymentVerdict(deployment: KubeObject | undefined, label: string): CheckResult {
  if (!deployment) return fail(`Deployment ${label} does not exist`);
  const spec = (deployment.spec ?? {}) as { replicas?: number };
  const status = (deployment.status ?? {}) as {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
  };
  const wanted = spec.replicas ?? 1;
  const generation = deployment.metadata?.generation ?? 0;
  const progressing = findCondition(deployment, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return fail(`Deployment ${label} gave up rolling out: ${progressing.message ?? 'progress deadline exceeded'}`, {
      hint: `\`kubectl describe deployment ${label.split('/')[1]} -n ${label.split('/')[0]}\` and its pods' events say why`,
    });
  }
  if ((status.observedGeneration ?? 0) < generation) return fail(`Deployment ${label}: the controller has not seen the latest change yet`);
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) return fail(`Deployment ${label}: ${updated} of ${wanted} replicas updated`);
  if ((status.replicas ?? 0) > updated) return fail(`Deployment ${label}: ${(status.replicas ?? 0) - updated} old replicas are still shutting down`);
  if (available < wanted) return fail(`Deployment ${label}: ${available} of ${wanted} replicas available`);
  return pass(`Deployment ${label}: ${available} of ${wanted} replicas available`);
}

/** The condition of `type` in `status.conditions`. */
export function findCondition(object: KubeObject | undefined, type: string): Condition | undefined {
  const conditions = (object?.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const found = conditions.find((c): c is Condition => typeof c === 'object' && c !== null && (c as Condition).type === type);
  return found;
}

/** Every certificate in a PEM text, in order. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** Parse a TLS Secret's `tls.crt`, `tls.key` and `ca.crt`. Throws when `tls.crt` holds no certificate. */
export function parseTlsSecret(secret: KubeObject): TlsSecret {
  const data = (secret.data ?? {}) as Record<string, string>;
  const decode = (key: string) => (data[key] ? Buffer.from(data[key], 'base64').toString('utf8') : '');
  const chain = parseCertificates(decode('tls.crt'));
  const certificate = chain[0];
  if (!certificate) {
    throw new Error(`Secret ${secret.metadata?.namespace}/${secret.metadata?.name} has no certificate in tls.crt`);
  }
  const sans = (certificate.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
  const dnsNames = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ipAddresses = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11));
  let keyMatches = false;
  const keyPem = decode('tls.key');
  if (keyPem) {
    try {
      keyMatches = certificate.checkPrivateKey(createPrivateKey(keyPem));
    } catch {
      keyMatches = false;
    }
  }
  const caPem = decode('ca.crt');
  return {
    secret,
    certificate,
    chain,
    dnsNames,
    ipAddresses,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    keyMatches,
    ...(caPem ? { caPem } : {}),
    coversHost: (host: string) => (isIP(host) ? certificate.checkIP(host) : certificate.checkHost(host)) !== undefined,
  };
}

const MAX_BODY = 64 * 1024;

/** One HTTP(S) GET, no redirects followed; resolves with the response or the reason there was none, never rejects. */
export function httpGet(url: string, options: HttpsGetOptions = {}): Promise<HttpsResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, error: `"${url}" is not a URL` });
      return;
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      resolve({ ok: false, error: `${url} is not an http:// or https:// URL` });
      return;
    }
    const secure = target.protocol === 'https:';
    // node:http through process.getBuiltinModule: an ESM import of it also loads Node's own copy of undici (~100 ms).
    const { request } = process.getBuiltinModule(secure ? 'node:https' : 'node:http');
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    const servername = options.servername ?? hostname;
    const verify = options.verify ?? true;
    const timeoutMs = options.timeoutMs ?? 5000;
    const req = request({
      host: options.connectTo?.host ?? hostname,
      port: options.connectTo?.port ?? (target.port ? Number(target.port) : secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers: { Host: target.host, 'User-Agent': 'hero-journey-check' },
      ...(secure
        ? {
            // An IP address is not a valid SNI name.
            ...(isIP(servername) ? {} : { servername }),
            ...(options.ca ? { ca: options.ca } : {}),
            // Verify ourselves below, so an untrusted certificate still returns what was presented.
            rejectUnauthorized: false,
            checkServerIdentity: () => undefined,
          }
        : {}),
      agent: false,
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer from ${url} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${url} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, error: describeHttpsError(error, url), ...(error.code ? { code: error.code } : {}) });
    });
    req.on('response', (res) => {
      const socket = res.socket as TLSSocket;
      const peer = secure ? socket.getPeerX509Certificate?.() : undefined;
      let authorized = secure ? socket.authorized : false;
      let authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      if (authorized && peer && (isIP(servername) ? peer.checkIP(servername) : peer.checkHost(servername)) === undefined) {
        authorized = false;
        authorizationError = `the certificate is not valid for ${servername} (it covers ${peer.subjectAltName ?? peer.subject})`;
      }
      if (secure && verify && !authorized) {
        clearTimeout(timer);
        res.destroy();
        resolve({ ok: false, error: `the certificate of ${url} does not verify: ${authorizationError ?? 'unknown reason'}`, code: 'CERT_UNTRUSTED' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          ok: true,
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
          ...(peer ? { certificate: peer } : {}),
          authorized,
          ...(authorizationError ? { authorizationError } : {}),
        });
      });
      res.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ ok: false, error: describeHttpsError(error, url), ...(error.code ? { code: error.code } : {}) });
      });
    });
    req.end();
  });
}

function describeHttpsError(error: NodeJS.ErrnoException, url: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${url} (connection refused)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name of ${url} does not resolve (no network or DNS)`;
    case 'ETIMEDOUT':
      return error.message;
    case 'ECONNRESET':
      return `${url} closed the connection (is it serving HTTPS on that port?)`;
    default:
      return `${url}: ${error.message}`;
  }
}
