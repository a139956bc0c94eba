// One attendee must never freeze the class: a "cluster" that answers with hundreds of megabytes
// (with or without saying so in Content-Length) is cut off after a few, and its row says why,
// while the other attendees are verified as usual.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jsonRows, verifyHarness } from './verify-harness.ts';

const { dir, classDir, attendee, verify } = verifyHarness('hj-sec-huge-');
const REPLY_BYTES = 400 * 1024 * 1024;
let server: Server;
const sent: Record<string, number> = {};

beforeAll(async () => {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  server = createServer((request, response) => {
    const name = (request.url ?? '').split('/')[1] ?? '';
    sent[name] ??= 0;
    response.writeHead(200, { 'content-type': 'application/json', ...(name === 'declared' ? { 'content-length': String(REPLY_BYTES) } : {}) });
    response.write('{"kind":"APIResourceList","pad":"');
    // Written as the client reads, so what was sent is what the client took.
    let left = REPLY_BYTES;
    const pump = () => {
      while (left > 0) {
        left -= chunk.length;
        sent[name]! += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end('"}');
    };
    response.on('close', () => (left = 0));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  attendee('declared', `http://127.0.0.1:${port}/declared`, { token: 'attendee-token' });
  attendee('chunked', `http://127.0.0.1:${port}/chunked`, { token: 'attendee-token' });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

test('a 400 MB reply is cut off after a few megabytes and reported, not read', { timeout: 60_000 }, async () => {
  const { code, out } = await verify([classDir, '--format', 'json', '--timeout', '20']);
  expect(code).toBe(1);
  const rows = new Map(jsonRows(out).map((r) => [r.name, r]));
  for (const name of ['declared', 'chunked']) {
    expect(rows.get(name)?.message, name).toMatch(/the reply is larger than 8 MiB, so it was not read/);
    // Socket buffers hold a few megabytes more than the client took; nowhere near 400.
    expect(sent[name]!, name).toBeLessThan(64 * 1024 * 1024);
  }
});
