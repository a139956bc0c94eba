/*
 * Network and DNS failures, recognised wherever they surface: an error from fetch or a socket
 * (codes along its cause chain), or the text a program printed (kubectl, helm, docker, curl,
 * git). Each becomes one sentence in the learner's terms ("cannot reach X: no network or DNS")
 * and what to try, instead of a hint written for another kind of failure. Pure.
 */

/** A failure to reach a host, in the learner's terms. */
export interface NetworkFailure {
  kind: 'dns' | 'refused' | 'timeout' | 'unreachable';
  /** The host (and port) that could not be reached, when the error names it. */
  host?: string;
  /** One sentence: `cannot reach registry-1.docker.io: no network or DNS`. */
  reason: string;
  /** What to try. */
  hint: string;
}

const DNS_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'ENODATA'];
const TIMEOUT_CODES = ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ESOCKETTIMEDOUT'];
const UNREACHABLE_CODES = ['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN'];

/** Patterns in program output, most specific first; each captures the host where the text names one. */
const TEXT_PATTERNS: Array<{ kind: NetworkFailure['kind']; pattern: RegExp }> = [
  // Our own sentences, passed on by a check module as its reason.
  { kind: 'dns', pattern: /cannot reach (\S+): no network or DNS/ },
  { kind: 'refused', pattern: /cannot reach (\S+): connection refused/ },
  { kind: 'timeout', pattern: /cannot reach (\S+): no answer in time/ },
  { kind: 'unreachable', pattern: /cannot reach (\S+): no route there/ },
  { kind: 'dns', pattern: /the host name of \w+:\/\/([^/\s:]+)\S* does not resolve/ },
  { kind: 'refused', pattern: /nothing answers at \w+:\/\/([^/\s]+)\S* \(connection refused\)/ },
  { kind: 'timeout', pattern: /no answer from \w+:\/\/([^/\s]+)\S* within \d+ ms/ },
  { kind: 'dns', pattern: /lookup ([\w.-]+)(?: on [\d.:[\]a-f]+)?: (?:no such host|server misbehaving|Temporary failure in name resolution|i\/o timeout)/i },
  { kind: 'dns', pattern: /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/i },
  { kind: 'dns', pattern: /Could not resolve (?:host|proxy): ([\w.-]+)/i },
  { kind: 'dns', pattern: /(?:unable to resolve host address|Name or service not known|Temporary failure in name resolution|no such host|nodename nor servname provided)/i },
  { kind: 'refused', pattern: /dial tcp ([\w.:[\]-]+): connect: connection refused/i },
  { kind: 'refused', pattern: /The connection to the server ([\w.:[\]-]+) was refused/i },
  { kind: 'refused', pattern: /connect ECONNREFUSED ([\w.:[\]-]+)/i },
  { kind: 'refused', pattern: /Failed to connect to ([\w.-]+)(?: port (\d+))?[^\n]*Connection refused/i },
  { kind: 'refused', pattern: /connection refused/i },
  { kind: 'timeout', pattern: /dial tcp ([\w.:[\]-]+): (?:i\/o timeout|connect: connection timed out)/i },
  { kind: 'timeout', pattern: /(?:TLS handshake timeout|i\/o timeout|Connection timed out|Operation timed out|context deadline exceeded \(Client\.Timeout)/i },
  { kind: 'unreachable', pattern: /dial tcp ([\w.:[\]-]+): connect: (?:network is unreachable|no route to host)/i },
  { kind: 'unreachable', pattern: /(?:network is unreachable|no route to host)/i },
];

/** Recognise a network failure in an error (its codes and cause chain) or in a program's output. */
export function recognizeNetworkFailure(failure: unknown, target?: string): NetworkFailure | undefined {
  if (typeof failure === 'string') return fromText(failure, target);
  const chain: Array<{ code?: unknown; message?: unknown; name?: unknown; hostname?: unknown; address?: unknown; port?: unknown }> = [];
  for (let e: unknown = failure, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    chain.push(e as (typeof chain)[number]);
    let next = (e as { cause?: unknown }).cause;
    if (next instanceof AggregateError) next = next.errors[0];
    if (!next && e instanceof AggregateError) next = e.errors[0];
    e = next;
  }
  if (chain.length === 0) return undefined;
  const codes = chain.map((c) => (typeof c.code === 'string' ? c.code : '')).filter(Boolean);
  const has = (list: string[]) => codes.some((c) => list.includes(c));
  const named = chain.find((c) => typeof c.hostname === 'string' || typeof c.address === 'string');
  const host =
    target ??
    (named
      ? `${String(named.hostname ?? named.address)}${typeof named.port === 'number' && !has(DNS_CODES) ? `:${named.port}` : ''}`
      : undefined);
  if (has(DNS_CODES)) return describe('dns', host);
  if (has(['ECONNREFUSED'])) return describe('refused', host);
  if (chain.some((c) => c.name === 'TimeoutError') || has(TIMEOUT_CODES)) return describe('timeout', host);
  if (has(UNREACHABLE_CODES)) return describe('unreachable', host);
  // Without a code, the messages may still say it (a wrapped error, a program's stderr in a message).
  const text = chain.map((c) => (typeof c.message === 'string' ? c.message : '')).join('\n');
  const fromMessage = fromText(text, target);
  if (fromMessage) return fromMessage;
  // fetch() says only "fetch failed" when its cause is lost: still a network failure, not a bug.
  if (chain.length === 1 && /^fetch failed$/.test(text)) return describe('unreachable', host);
  return undefined;
}

function fromText(text: string, target?: string): NetworkFailure | undefined {
  for (const { kind, pattern } of TEXT_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const host = target ?? (match[1] ? `${match[1]}${match[2] ? `:${match[2]}` : ''}` : undefined);
    return describe(kind, host);
  }
  return undefined;
}

function describe(kind: NetworkFailure['kind'], host: string | undefined): NetworkFailure {
  const what = host ?? 'the server';
  const bare = host?.replace(/^\[|\]$/g, '').replace(/:\d+$/, '') ?? 'HOST';
  switch (kind) {
    case 'dns':
      return {
        kind,
        ...(host ? { host } : {}),
        reason: `cannot reach ${what}: no network or DNS (the name does not resolve)`,
        hint: `check that this machine is online (Wi-Fi, VPN, proxy) and that the name is spelled right; \`nslookup ${bare}\` shows what your DNS answers; behind a proxy, set HTTPS_PROXY`,
      };
    case 'refused':
      return {
        kind,
        ...(host ? { host } : {}),
        reason: `cannot reach ${what}: connection refused (nothing listens there)`,
        hint: 'the service is not running, or the address or port is wrong: start it (for a local cluster: is it up? `kubectl cluster-info`) or correct the address',
      };
    case 'timeout':
      return {
        kind,
        ...(host ? { host } : {}),
        reason: `cannot reach ${what}: no answer in time (no network, or a firewall, proxy or VPN in the way)`,
        hint: 'check that this machine is online and that nothing blocks the connection; try again in a moment',
      };
    case 'unreachable':
      return {
        kind,
        ...(host ? { host } : {}),
        reason: `cannot reach ${what}: no route there (no network, or the address is not reachable from here)`,
        hint: 'check that this machine is online (Wi-Fi, VPN); a private address needs the network it lives in',
      };
  }
}
