// The dashboard server without a cluster: page, events, and who may reach it.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startDashboard, type Dashboard } from '../../../src/classroom/serve.ts';
import { sample } from './sample.ts';

let dashboard: Dashboard;
beforeAll(async () => {
  dashboard = await startDashboard({ port: 0, report: sample(), batchMs: 10 });
});
afterAll(() => dashboard.close());

/** A path under the dashboard's token folder (`/` is the page). */
const under = (path: string) => `${new URL(dashboard.url).pathname}${path.slice(1)}`;

function get(path: string, host = `127.0.0.1:${dashboard.port}`): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path: under(path), headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the live page on loopback only', async () => {
  expect(dashboard.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${dashboard.port}/[A-Za-z0-9_-]{32}/$`));
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.type).toBe('text/html; charset=utf-8');
  expect(page.body).toContain("new EventSource('events')");
  expect(page.body).toContain('<tbody id="a-1"');
  expect((await get('/', `localhost:${dashboard.port}`)).status).toBe(200);
  // A page elsewhere that rebinds its own name to 127.0.0.1 sends its own Host: refused.
  expect((await get('/', 'evil.example.com')).status).toBe(403);
  expect((await get('/nope')).status).toBe(404);
  const json = JSON.parse((await get('/report.json')).body) as { summary: { attendees: number } };
  expect(json.summary.attendees).toBe(5);
});

test('events: the whole board on connect, then the rows that changed and the counts', async () => {
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  const req = request({ host: '127.0.0.1', port: dashboard.port, path: under('/events') });
  const done = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      let buffer = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          if (event === 'head') resolve();
        }
      });
    });
    req.on('error', reject);
  });
  req.end();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const report = sample();
  report.attendees[3] = { ...report.attendees[3]!, status: 'ok', message: undefined, current: 'setup', chapters: [{ id: 'setup', title: 'Set up', state: 'current', checks: [] }] } as never;
  dashboard.update(report, [3]);
  await done;
  req.destroy();
  expect(events.map((e) => e.event)).toEqual(['full', 'row', 'head']);
  expect(events[0]!.data.board).toContain('<table>');
  expect(events[1]!.data).toMatchObject({ index: 3 });
  expect(events[1]!.data.html).toMatch(/^<tbody id="a-3" class="attendee status-ok verdict-passing"/);
  expect(events[1]!.data.html).toContain('&lt;script&gt;');
  expect(events[2]!.data.head).toContain('<b>1</b> here');
});
