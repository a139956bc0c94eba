// An attendee's "API server" can be anything, including a proxy to a service only the
// instructor's machine reaches (SSRF): verify must never show what such a server answered. A
// reply that is not the Kubernetes API shows its status and a fixed reason, never its body; a
// Kubernetes Status message is shown on one line, cut short, without control characters.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jsonRows, verifyHarness } from './verify-harness.ts';

const { dir, classDir, attendee, verify } = verifyHarness('hj-sec-ssrf-');
const INTERNAL = 'INTERNAL-ONLY-7d3e1f';
let server: Server;

/** Each attendee's server URL ends in a behaviour: how every request to it is answered. */
const behaviours: Record<string, (url: string) => { status: number; type: string; body: string }> = {
  'html-500': () => ({ status: 500, type: 'text/html', body: `<html><body>${INTERNAL} metadata: {"secret": 1}</body></html>` }),
  'json-403': () => ({ status: 403, type: 'application/json', body: JSON.stringify({ message: `${INTERNAL} role credentials` }) }),
  'text-200': () => ({ status: 200, type: 'text/plain', body: `${INTERNAL} ami-id\ninstance-id` }),
  'json-502': () => ({ status: 502, type: 'application/json', body: JSON.stringify({ error: INTERNAL, message: INTERNAL }) }),
  // A real Status whose message tries to reach the terminal: one line, no escapes, cut short.
  'status-500': () => ({
    status: 500,
    type: 'application/json',
    body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, message: `etcd is down\u001b]52;c;${Buffer.from('rm -rf ~').toString('base64')}\u0007\n${'x'.repeat(2000)}` }),
  }),
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = (request.url ?? '').split('/')[1] ?? '';
    const answer = behaviours[name]?.(request.url ?? '') ?? { status: 404, type: 'text/plain', body: INTERNAL };
    response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  for (const name of Object.keys(behaviours)) attendee(name, `http://127.0.0.1:${port}/${name}`, { token: 'attendee-token' });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

test('no report shows the body of a reply that is not the Kubernetes API; each row says the status', async () => {
  for (const format of ['json', 'table', 'junit', 'html']) {
    const { code, out } = await verify([classDir, '--format', format, '--timeout', '5']);
    expect(code, format).toBe(1);
    expect(out, format).not.toContain(INTERNAL);
    expect(out, format).not.toContain('ami-id');
    expect(out, format).not.toContain('\u001b]52');
    if (format !== 'json') continue;
    const rows = new Map(jsonRows(out).map((r) => [r.name, r]));
    expect(rows.get('html-500')?.message).toMatch(/the server answered 500 Internal Server Error, which is not a Kubernetes API reply$/);
    expect(rows.get('json-502')?.message).toMatch(/the server answered 502 Bad Gateway, which is not a Kubernetes API reply$/);
    expect(rows.get('json-403')).toMatchObject({ status: 'forbidden', message: expect.stringMatching(/: 403 Forbidden$/) });
    expect(rows.get('text-200')?.message).toMatch(/the server answered 200 with something that is not JSON, so not the Kubernetes API$/);
    const status = rows.get('status-500')?.message ?? '';
    expect(status).toMatch(/the API server answered 500: etcd is down \]52;c;\S+ x+…$/);
    expect(status.length).toBeLessThan(400);
  }
});
