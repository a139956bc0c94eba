// The `verify --serve` dashboard shows the whole class: another user of the machine, or a web
// page that guesses the port, must get nothing. It listens on 127.0.0.1 only, every path starts
// with an unguessable token from the address verify printed, and the Host header must be a
// loopback name (DNS rebinding).
import { request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/classroom/serve.ts';
import { sample } from '../unit/classroom/sample.ts';

let dashboard: Dashboard;
let other: Dashboard;
beforeAll(async () => {
  dashboard = await startDashboard({ port: 0, report: sample(), batchMs: 10 });
  other = await startDashboard({ port: 0, report: sample(), batchMs: 10 });
});
afterAll(async () => {
  await dashboard.close();
  await other.close();
});

function get(path: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${dashboard.port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the printed address carries a token of 192 random bits, different for every dashboard, on 127.0.0.1', () => {
  const token = /^http:\/\/127\.0\.0\.1:\d+\/([A-Za-z0-9_-]+)\/$/.exec(dashboard.url)?.[1];
  expect(token).toHaveLength(32);
  expect(other.url).not.toContain(token!);
});

test('without the token nothing answers: the page, the events, the report, a wrong or partial token', async () => {
  const token = new URL(dashboard.url).pathname.slice(1, -1);
  for (const path of ['/', '/report.json', '/events', `/?token=${token}`, `/${token.slice(0, -1)}/`, `/${token}x/report.json`, `/x/${token}/`, `/${new URL(other.url).pathname.slice(1)}`]) {
    const answer = await get(path);
    expect(answer.status, path).toBe(403);
    expect(answer.body, path).not.toContain('<table');
    expect(answer.body, path).not.toContain('attendees');
  }
  // Not even which methods exist.
  expect((await get('/', { method: 'POST' })).status).toBe(403);
});

test('with the token: the page, its report and events; a Host that is not loopback is still refused', async () => {
  const base = new URL(dashboard.url).pathname;
  expect((await get(base)).status).toBe(200);
  expect((await get(`${base}report.json`)).body).toContain('"attendees"');
  expect(await get(base.slice(0, -1))).toMatchObject({ status: 308, location: base });
  expect((await get(base, { host: 'evil.example.com' })).status).toBe(403);
});
