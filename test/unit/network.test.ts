import { describe, expect, it } from 'vitest';
import { recognizeNetworkFailure } from '../../src/network.ts';

const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });

describe('recognizeNetworkFailure', () => {
  it.each([
    // Errors from fetch and sockets, by the codes along their cause chain.
    [fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND registry-1.docker.io'), { code: 'ENOTFOUND', hostname: 'registry-1.docker.io' })), 'dns', 'cannot reach registry-1.docker.io: no network or DNS'],
    [fetchFailed(Object.assign(new Error('getaddrinfo EAI_AGAIN ghcr.io'), { code: 'EAI_AGAIN', hostname: 'ghcr.io' })), 'dns', 'cannot reach ghcr.io: no network or DNS'],
    [fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 5000 })), 'refused', 'cannot reach 127.0.0.1:5000: connection refused'],
    [fetchFailed(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED', address: '::1', port: 80 })])), 'refused', 'cannot reach ::1:80: connection refused'],
    [fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout', 'cannot reach the server: no answer in time'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout', 'no answer in time'],
    [fetchFailed({ code: 'ENETUNREACH' }), 'unreachable', 'no route there'],
    [new TypeError('fetch failed'), 'unreachable', 'cannot reach the server'],
    // What programs print: kubectl and helm (Go), curl, docker, git, Node.
    ['Error: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host', 'dns', 'cannot reach registry-1.docker.io: no network or DNS'],
    ['Unable to connect to the server: dial tcp: lookup my-cluster.example.com: no such host', 'dns', 'cannot reach my-cluster.example.com'],
    ['dial tcp: lookup charts.jetstack.io on 127.0.0.53:53: server misbehaving', 'dns', 'cannot reach charts.jetstack.io'],
    ['curl: (6) Could not resolve host: hero.example.com', 'dns', 'cannot reach hero.example.com'],
    ['fatal: unable to access: Temporary failure in name resolution', 'dns', 'no network or DNS'],
    ['The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\ndial tcp 127.0.0.1:6443: connect: connection refused', 'refused', 'cannot reach 127.0.0.1:6443: connection refused'],
    ['curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused', 'refused', 'cannot reach localhost:8080: connection refused'],
    ['Error: Kubernetes cluster unreachable: Get "https://10.1.2.3:6443/version": dial tcp 10.1.2.3:6443: i/o timeout', 'timeout', 'cannot reach 10.1.2.3:6443: no answer in time'],
    ['net/http: TLS handshake timeout', 'timeout', 'no answer in time'],
    ['dial tcp 192.168.1.9:443: connect: no route to host', 'unreachable', 'cannot reach 192.168.1.9:443: no route there'],
  ])('%#: %s', (failure, kind, reason) => {
    const found = recognizeNetworkFailure(failure);
    expect(found?.kind).toBe(kind);
    expect(found?.reason).toContain(reason);
    expect(found?.hint).toBeTruthy();
  });

  it('leaves everything else alone', () => {
    for (const other of [new Error('boom'), 'Error: deployments.apps "hero" not found', 'permission denied', new TypeError('x is not a function'), undefined, null]) {
      expect(recognizeNetworkFailure(other)).toBeUndefined();
    }
  });

  it('names the host it was told about', () => {
    expect(recognizeNetworkFailure(fetchFailed({ code: 'ENOTFOUND' }), 'registry.example.com')?.reason).toBe('cannot reach registry.example.com: no network or DNS (the name does not resolve)');
  });
});
