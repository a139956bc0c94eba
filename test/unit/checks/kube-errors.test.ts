import { describe, expect, it } from 'vitest';
import { describeNetworkError, describeStatusError } from '../../../src/kube/errors.ts';

const facts = { context: 'kind-hero', server: 'https://127.0.0.1:6443', user: 'hero' };
const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });

describe('describeNetworkError', () => {
  it.each([
    [fetchFailed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:6443' }), 'unreachable', /does not answer: connection refused/],
    [fetchFailed(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])), 'unreachable', /connection refused/],
    [fetchFailed({ code: 'ENOTFOUND' }), 'unreachable', /its host name does not resolve/],
    [new DOMException('timed out', 'TimeoutError'), 'timeout', /did not answer in time/],
    [fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout', /did not answer in time/],
    [fetchFailed({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'tls', /presents a certificate your kubeconfig does not trust/],
    [fetchFailed({ code: 'CERT_HAS_EXPIRED' }), 'tls', /presents an expired certificate/],
    [fetchFailed({ message: 'ssl/tls alert certificate expired' }), 'unauthorized', /refused your client certificate/],
    [fetchFailed({ code: 'EAI_AGAIN', hostname: 'k8s.example.com' }), 'unreachable', /cannot reach the cluster .*: no network or DNS/],
    // The cause lost, only the words left: still connection refused, never "fetch failed".
    [new Error('request to https://127.0.0.1:6443/version failed, reason: connect ECONNREFUSED 127.0.0.1:6443'), 'unreachable', /does not answer: connection refused/],
    [new TypeError('fetch failed'), 'unreachable', /cannot reach the cluster .*: the connection failed before it answered/],
    [new Error('something odd'), 'unreachable', /cannot talk to the cluster of context "kind-hero" \(https:\/\/127\.0\.0\.1:6443\): something odd/],
  ])('%#: %s → %s', (error, code, message) => {
    const described = describeNetworkError(error, facts);
    expect(described.code).toBe(code);
    expect(described.message).toMatch(message);
    expect(described.message).toContain('kind-hero');
    expect(described.hint).toBeTruthy();
  });
});

describe('describeStatusError', () => {
  it('401: expired or foreign credentials', () => {
    const error = describeStatusError(401, '{"message":"Unauthorized"}', 'list pods', facts);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('does not accept your credentials (401 Unauthorized)');
  });

  it('403: says what was forbidden, as whom, with the server message', () => {
    const error = describeStatusError(403, '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"secrets is forbidden: User \\"hero\\" cannot list resource \\"secrets\\""}', 'list secrets in namespace dev', facts);
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('you may not list secrets in namespace dev as hero: secrets is forbidden: User "hero" cannot list resource "secrets"');
  });

  it('other statuses keep the request and the message of a Kubernetes Status', () => {
    expect(describeStatusError(500, '{"kind":"Status","message":"boom"}', 'get x', facts).message).toBe('get x: the API server answered 500: boom');
  });

  it('a reply that is not a Kubernetes Status shows its status, never its body', () => {
    expect(describeStatusError(500, 'boom', 'get x', facts).message).toBe('get x: the server answered 500 Internal Server Error, which is not a Kubernetes API reply');
    expect(describeStatusError(403, '{"message":"boom"}', 'get x', facts).message).toBe('you may not get x as hero: 403 Forbidden');
  });
});
