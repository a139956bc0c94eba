import { recognizeNetworkFailure } from '../network.ts';
import type { KubeErrorCode } from './types.ts';

/**
 * A request to the cluster failed for a reason outside the check: the cluster is unreachable, the
 * credentials expired, RBAC forbids it, the kind is not served. `message` is one sentence for the
 * learner; `hint` is the exact thing to try.
 */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly code: KubeErrorCode;
  readonly hint: string | undefined;
  readonly status: number | undefined;

  constructor(code: KubeErrorCode, message: string, options: { hint?: string; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.status = options.status;
  }
}

/** Whether `error` is a KubeError (also across module copies, by name and code). */
export function isKubeError(error: unknown): error is KubeError {
  return error instanceof KubeError || (error instanceof Error && error.name === 'KubeError' && typeof (error as { code?: unknown }).code === 'string');
}

/** The error with every occurrence of a secret (a token, a password) in its message and hint masked. */
export function withoutSecrets(error: KubeError, secrets: readonly string[]): KubeError {
  const mask = (text: string) => secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);
  const message = mask(error.message);
  const hint = error.hint === undefined ? undefined : mask(error.hint);
  if (message === error.message && hint === error.hint) return error;
  return new KubeError(error.code, message, { ...(hint !== undefined ? { hint } : {}), ...(error.status !== undefined ? { status: error.status } : {}), cause: error.cause });
}

/** Facts about the connection that make error messages specific. */
export interface ConnectionFacts {
  context: string;
  server: string;
  user?: string;
}

/**
 * Turn a network-level failure (fetch/undici/TLS error) into a KubeError in the learner's terms.
 * Pure: looks only at error codes and messages, so it is unit-tested without a cluster.
 */
export function describeNetworkError(error: unknown, facts: ConnectionFacts): KubeError {
  const causes: Array<{ code?: unknown; message?: unknown; name?: unknown }> = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    causes.push(e as { code?: unknown; message?: unknown; name?: unknown });
    e = (e as { cause?: unknown }).cause;
    if (e instanceof AggregateError) e = e.errors[0];
  }
  const codes = causes.map((c) => (typeof c.code === 'string' ? c.code : '')).filter(Boolean);
  const text = causes.map((c) => (typeof c.message === 'string' ? c.message : '')).join(' | ');
  const where = `the cluster of context "${facts.context}" (${facts.server})`;
  const switchHint = 'check that the cluster is running, or switch to another context: `kubectl config get-contexts`, then `kubectl config use-context NAME` (or pass --context NAME)';
  const has = (...wanted: string[]) => wanted.some((w) => codes.includes(w));
  if (causes.some((c) => c.name === 'TimeoutError') || has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT')) {
    return new KubeError('timeout', `${where} did not answer in time: it is down, or a firewall or VPN is in the way`, { hint: switchHint, cause: error });
  }
  if (has('ECONNREFUSED')) return new KubeError('unreachable', `${where} does not answer: connection refused (the cluster is not running?)`, { hint: switchHint, cause: error });
  if (has('ENOTFOUND', 'EAI_AGAIN')) {
    return new KubeError('unreachable', `cannot reach ${where}: no network or DNS (its host name does not resolve)`, {
      hint: `check that this machine is online (Wi-Fi, VPN, proxy) and that the server's name is right; ${switchHint}`,
      cause: error,
    });
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE')) {
    return new KubeError('unreachable', `${where} cannot be reached (${codes.find((c) => c.startsWith('E'))})`, { hint: switchHint, cause: error });
  }
  if (has('CERT_HAS_EXPIRED')) {
    return new KubeError('tls', `${where} presents an expired certificate`, {
      hint: 'the cluster needs new certificates (for kind or minikube, recreating the cluster is quickest)',
      cause: error,
    });
  }
  if (has('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new KubeError('tls', `${where} presents a certificate your kubeconfig does not trust (${codes.find((c) => c !== 'UND_ERR_SOCKET') ?? 'TLS'})`, {
      hint: 'your kubeconfig belongs to another cluster, or the cluster was recreated: export a fresh kubeconfig from it (for kind: `kind export kubeconfig`)',
      cause: error,
    });
  }
  if (/certificate (?:expired|revoked)|alert.*(?:certificate|bad)/i.test(text)) {
    return new KubeError('unauthorized', `${where} refused your client certificate (${text.split(' | ').find((t) => /certificate/i.test(t)) ?? 'TLS alert'})`, {
      hint: 'your credentials expired: get a fresh kubeconfig from the cluster (for kind: `kind export kubeconfig`)',
      cause: error,
    });
  }
  // No code along the chain (a wrapped error, "fetch failed" alone): the messages may still say what happened.
  const offline = recognizeNetworkFailure(text.replaceAll(' | ', '\n'));
  if (offline?.kind === 'refused') return new KubeError('unreachable', `${where} does not answer: connection refused (the cluster is not running?)`, { hint: switchHint, cause: error });
  if (offline) return new KubeError(offline.kind === 'timeout' ? 'timeout' : 'unreachable', offline.reason.replace(/^cannot reach \S+/, `cannot reach ${where}`), { hint: `${offline.hint}; or ${switchHint}`, cause: error });
  if (/^fetch failed$/m.test(text.replaceAll(' | ', '\n'))) {
    return new KubeError('unreachable', `cannot reach ${where}: the connection failed before it answered (no network, or nothing listens there)`, { hint: switchHint, cause: error });
  }
  const detail = codes[0] ?? (text.split(' | ').find(Boolean) || String(error));
  return new KubeError('unreachable', `cannot talk to ${where}: ${detail}`, { hint: switchHint, cause: error });
}

/**
 * Turn an HTTP error status from the API server into a KubeError. `what` names the request, e.g.
 * "list deployments in dev". Only a Kubernetes Status reply has its message shown (one line, cut
 * short); any other body is never shown: a server that proxies to something else must not make
 * hero-journey print what that answered.
 */
export function describeStatusError(status: number, body: string, what: string, facts: ConnectionFacts): KubeError {
  const message = statusMessage(body);
  if (message === undefined && status !== 401 && status !== 403) {
    return new KubeError('http', `${what}: the server answered ${status}${statusText(status)}, which is not a Kubernetes API reply`, {
      hint: `check the server URL of context "${facts.context}" (${facts.server}): it should be the cluster's API server`,
      status,
    });
  }
  if (status === 401) {
    return new KubeError('unauthorized', `the cluster at ${facts.server} does not accept your credentials (401 Unauthorized): they expired or belong to another cluster`, {
      hint: 'log in again or get a fresh kubeconfig (for kind: `kind export kubeconfig`; for cloud clusters: the provider\'s `get-credentials` command)',
      status,
    });
  }
  if (status === 403) {
    return new KubeError('forbidden', `you may not ${what}${facts.user ? ` as ${facts.user}` : ''}: ${message || '403 Forbidden'}`, {
      hint: 'use a context with more rights, or ask your cluster admin for read access (get, list, watch) to it',
      status,
    });
  }
  return new KubeError('http', `${what}: the API server answered ${status}${message ? `: ${message}` : ''}`, { status });
}

/** The message of a Kubernetes Status reply, on one line and at most 300 characters; undefined for anything else. */
export function statusMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const reply = parsed as { kind?: unknown; message?: unknown } | null;
  if (typeof reply !== 'object' || reply === null || reply.kind !== 'Status') return undefined;
  if (typeof reply.message !== 'string') return '';
  const line = reply.message.replace(/[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The reason phrase of an HTTP status (`Not Found`), if it has one. */
function statusText(status: number): string {
  // node:http through process.getBuiltinModule: an ESM import of it also loads Node's own copy of undici (~100 ms).
  const phrase = process.getBuiltinModule('node:http').STATUS_CODES[status];
  return phrase ? ` ${phrase}` : '';
}
